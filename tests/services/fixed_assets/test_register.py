"""The register through the database: postings once per asset-month, disposal, the job, the report."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from jobs import ensure_registry
from jobs.runner import JobContext, run_now
from jobs.fixed_assets import post_monthly_depreciation
from models.fixed_asset import FixedAsset
from models.ledger import JournalEntry
from services.core.errors import BusinessRuleError
from services.fixed_assets.register import (acquire_asset, capitalise_from_supplier_invoice,
                                            dispose_asset, post_depreciation)
from services.fixed_assets.report import asset_register, totals
from services.ledger.posting import post_new_entry
from services.ledger.reports import trial_balance
from tests.factories import make_company


def _entries(asset):
    return sorted((e.date, [(ln.account, ln.debit, ln.credit) for ln in e.lines])
                  for e in JournalEntry.objects(voucher_ref=f"AV-{asset.number}",
                                                status="posted"))


def _closing(year, account):
    return {r.account: r.closing for r in trial_balance(year).rows}.get(account, D("0.00"))


def test_monthly_depreciation_is_posted_once_per_asset_and_month(app):
    with app.app_context():
        phone = acquire_asset(name="Smartphone", class_code="MOBILTELEFON",
                              acquisition_date=date(2026, 3, 15), cost=D("1234.56"))
        assert (phone.method, phone.account, phone.expense_account) == \
            ("linear", "0410", "4830")
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(lambda _: post_depreciation(2026, 5), range(3), timeout=120))
        assert post_depreciation(2026, 5)["posted"] == 0
        assert _entries(phone) == [
            (date(2026, 3, 31), [("4830", D("20.58"), 0), ("0410", 0, D("20.58"))]),
            (date(2026, 4, 30), [("4830", D("20.57"), 0), ("0410", 0, D("20.57"))]),
            (date(2026, 5, 31), [("4830", D("20.58"), 0), ("0410", 0, D("20.58"))])]
        post_depreciation(2026, 12)
        assert _closing(2026, "4830") == D("205.76")


def test_gwg_edge_800_00_and_800_01(app):
    with app.app_context():
        gwg = acquire_asset(name="Bürostuhl", class_code="BUEROMOEBEL",
                            acquisition_date=date(2026, 5, 20), cost=D("800.00"))
        chair = acquire_asset(name="Bürostuhl deluxe", class_code="BUEROMOEBEL",
                              acquisition_date=date(2026, 5, 20), cost=D("800.01"))
        post_depreciation(2026, 6)
        assert _entries(gwg) == [(date(2026, 5, 31), [("4855", D("800.00"), 0),
                                                      ("0480", 0, D("800.00"))])]
        # 800.01 over 13 years = 156 months: round(800.01 / 156) = 5.13, round(× 2) = 10.26
        assert _entries(chair) == [
            (date(2026, 5, 31), [("4830", D("5.13"), 0), ("0420", 0, D("5.13"))]),
            (date(2026, 6, 30), [("4830", D("5.13"), 0), ("0420", 0, D("5.13"))])]


@pytest.mark.parametrize("cost, method, account", [
    ("250.00", "gwg", "0480"), ("250.01", "pool", "0485"), ("1000.00", "pool", "0485"),
    ("1000.01", "linear", "0420")])
def test_sammelposten_edges_with_the_option(app, cost, method, account):
    with app.app_context():
        make_company(asset_pool_option=True)
        asset = acquire_asset(name="Regal", class_code="BUEROMOEBEL",
                              acquisition_date=date(2026, 4, 1), cost=D(cost))
        assert (asset.method, asset.account) == (method, account)
        post_depreciation(2026, 11)
        pool_posts = [e for e in _entries(asset) if e[1][0][0] == "4862"]
        assert pool_posts == []  # the pool is dissolved in December only
        if method == "pool":
            post_depreciation(2026, 12)
            fifth = (D(cost) / 5).quantize(D("0.01"))
            assert _entries(asset) == [(date(2026, 12, 31), [("4862", fifth, 0),
                                                             ("0485", 0, fifth)])]


def _car(app):
    post_new_entry(date=date(2026, 7, 31), text="Kauf Pkw", source="manual", user="t",
                   lines=[{"account": "0320", "debit": "30000.00"},
                          {"account": "1200", "credit": "30000.00"}])
    return acquire_asset(name="VW Passat", class_code="PKW",
                         acquisition_date=date(2026, 7, 31), cost=D("30000.00"))


def test_disposal_with_a_loss(app):
    with app.app_context():
        car = _car(app)
        post_depreciation(2026, 12)
        sale = dispose_asset(car, day=date(2027, 3, 10), proceeds=D("25000.00"), user="t")
        # 9 months (Jul 2026 - Mar 2027) of 416.67: 3,750.00; book value 26,250.00
        assert (sale.book_value, sale.gain) == (D("26250.00"), D("-1250.00"))
        disposal = [e for e in _entries(car) if e[0] == date(2027, 3, 10)]
        assert disposal == [(date(2027, 3, 10), [
            ("2310", D("26250.00"), 0), ("0320", 0, D("26250.00")),
            ("1200", D("29750.00"), 0), ("8800", 0, D("25000.00")), ("1776", 0, D("4750.00"))])]
        # no carry-forward between years here: 30,000 - 2,500 in 2026, - 1,250 - 26,250 in 2027
        assert (_closing(2026, "0320"), _closing(2027, "0320")) == \
            (D("27500.00"), D("-27500.00"))
        post_depreciation(2027, 12)  # nothing after the disposal month
        assert max(e[0] for e in _entries(car)) == date(2027, 3, 31)
        assert dispose_asset(car, day=date(2027, 3, 10), proceeds=D("25000.00"),
                             user="t").gain == D("-1250.00")  # repeat-safe
        assert len([e for e in _entries(car) if e[0] == date(2027, 3, 10)]) == 1


def test_disposal_with_a_gain_and_the_register_report(app):
    with app.app_context():
        car = _car(app)
        post_depreciation(2026, 12)
        sale = dispose_asset(car, day=date(2027, 3, 10), proceeds=D("27000.00"), user="t")
        assert sale.gain == D("750.00")
        assert [e for e in _entries(car) if e[0] == date(2027, 3, 10)][0][1][:4] == [
            ("2315", D("26250.00"), 0), ("0320", 0, D("26250.00")),
            ("1200", D("32130.00"), 0), ("8820", 0, D("27000.00"))]
        [row_2026] = asset_register(2026)
        assert (row_2026.additions, row_2026.depreciation_year, row_2026.book_value_end) == \
            (D("30000.00"), D("2500.00"), D("27500.00"))
        [row] = asset_register(2027)
        assert (row.cost_start, row.disposals, row.cost_end) == \
            (D("30000.00"), D("30000.00"), D("0.00"))
        assert (row.depreciation_start, row.depreciation_year, row.depreciation_disposals,
                row.depreciation_end, row.book_value_end) == \
            (D("2500.00"), D("1250.00"), D("3750.00"), D("0.00"), D("0.00"))
        assert asset_register(2028) == []
        assert totals([row_2026])["book_value_end"] == D("27500.00")


def test_a_disposal_before_posted_depreciation_is_refused(app):
    with app.app_context():
        car = _car(app)
        post_depreciation(2026, 12)
        with pytest.raises(BusinessRuleError, match="bereits bis 12/2026"):
            dispose_asset(car, day=date(2026, 10, 1), user="t")
        assert FixedAsset.objects.get(pk=car.pk).status == "active"


def test_supplier_invoice_hook_registers_a_line_once(app):
    with app.app_context():
        args = dict(invoice_ref="ER-2026-0042", line_no=1, supplier_name="Bürohaus Nord",
                    description="Schreibtisch", net_amount=D("1499.00"),
                    invoice_date=date(2026, 6, 3), class_code="BUEROMOEBEL")
        first = capitalise_from_supplier_invoice(**args)
        again = capitalise_from_supplier_invoice(**args)
        other = capitalise_from_supplier_invoice(**{**args, "line_no": 2,
                                                    "net_amount": D("99.00")})
        assert first.pk == again.pk and FixedAsset.objects.count() == 2
        assert (first.account, first.method, other.account, other.method) == \
            ("0420", "linear", "0480", "gwg")
        with pytest.raises(BusinessRuleError, match="Anlagenklasse"):
            capitalise_from_supplier_invoice(**{**args, "line_no": 3, "class_code": "XYZ"})


def test_the_job_posts_the_month_before_its_day_and_runs_through_the_runner(app):
    with app.app_context():
        phone = acquire_asset(name="Smartphone", class_code="MOBILTELEFON",
                              acquisition_date=date(2026, 3, 15), cost=D("1234.56"))
        ctx = JobContext("r1", "depreciation", datetime(2026, 5, 1, 2, tzinfo=timezone.utc),
                         date(2026, 5, 1))
        assert post_monthly_depreciation(ctx)["through"] == "04/2026"
        assert [e[0] for e in _entries(phone)] == [date(2026, 3, 31), date(2026, 4, 30)]
        ensure_registry(app)
        run = run_now("depreciation", requested_by="admin")
        assert run.status == "ok", run.error
        again = run_now("depreciation", requested_by="admin")
        assert again.status == "ok" and again.summary["posted"] == 0


def test_the_task_list_names_assets_whose_depreciation_is_behind(app):
    from services.core.tasks import tasks_for
    from services.fixed_assets.tasks import depreciation_behind
    from tests.factories import make_user

    with app.app_context():
        finance, hr = make_user("finance"), make_user("hr")
        acquire_asset(name="Smartphone", class_code="MOBILTELEFON",
                      acquisition_date=date(2026, 3, 15), cost=D("1234.56"))
        [task] = depreciation_behind(finance, today=date(2026, 6, 2))
        assert task.params == {"month": "05/2026", "count": 1} and task.overdue
        assert list(depreciation_behind(hr, today=date(2026, 6, 2))) == []
        assert list(depreciation_behind(finance, today=date(2026, 3, 20))) == []  # not yet due
        post_depreciation(2026, 5)
        assert list(depreciation_behind(finance, today=date(2026, 6, 2))) == []
        assert "fixed_assets.depreciation_behind" not in tasks_for(finance).failed

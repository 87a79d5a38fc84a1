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
from services.fixed_assets.register import (_asset_class, acquire_asset,
                                            capitalise_from_supplier_invoice,
                                            check_acquisition, dispose_asset,
                                            post_acquisition, post_depreciation,
                                            prepare_asset)
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


# ---------------------------------------------------------------- acquisition by hand

def _journal(asset):
    return [(e.date, e.text, [(ln.account, ln.debit, ln.credit, ln.tax_key or "")
                              for ln in e.lines])
            for e in JournalEntry.objects(voucher_ref=f"AV-{asset.number}", status="posted",
                                          text__startswith="Anschaffung")]


@pytest.mark.parametrize("cost, account", [
    ("800.00", "0480"),    # GWG: own account, written off in its month
    ("800.01", "0420"),    # one cent more: the class's account, linear
])
def test_acquisition_by_hand_posts_asset_against_the_counter_account(app, cost, account):
    with app.app_context():
        asset = acquire_asset(name="Bürostuhl", class_code="BUEROMOEBEL",
                              acquisition_date=date(2026, 5, 20), cost=D(cost),
                              counter_account="1200", user="t")
        assert _journal(asset) == [(date(2026, 5, 20), f"Anschaffung {asset.number} Bürostuhl",
                                    [(account, D(cost), 0, ""), ("1200", 0, D(cost), "")])]
        assert asset.acquisition_entry is not None
        post_depreciation(2026, 12)
        # the asset account ends at the book value: cost less the year's depreciation
        # linear: May-Dec = 8 of 156 months, cumulative rounding: 800.01 × 8 / 156 =
        # 41.0262 -> 41.03 (the months are 5.13 or 5.12)
        written_off = D(cost) if account == "0480" else D("41.03")
        assert _closing(2026, account) == D(cost) - written_off
        assert _closing(2026, "1200") == -D(cost)


def test_sammelposten_by_hand_goes_to_the_pool_account(app):
    with app.app_context():
        make_company(asset_pool_option=True)
        asset = acquire_asset(name="Regal", class_code="BUEROMOEBEL",
                              acquisition_date=date(2026, 4, 1), cost=D("250.01"),
                              counter_account="1000", user="t")
        assert _journal(asset)[0][2] == [("0485", D("250.01"), 0, ""),
                                         ("1000", 0, D("250.01"), "")]


def test_acquisition_by_hand_with_input_vat_19_and_7(app):
    with app.app_context():
        seven = acquire_asset(name="Fachbuch-Regal", class_code="BUEROMOEBEL",
                              acquisition_date=date(2026, 6, 2), cost=D("1000.00"),
                              counter_account="1200", input_vat=D("70.00"), user="t")
        assert _journal(seven)[0][2] == [("0420", D("1000.00"), 0, ""),
                                         ("1571", D("70.00"), 0, "VSt7"),
                                         ("1200", 0, D("1070.00"), "")]
        nineteen = acquire_asset(name="Laptop", class_code="MOBILTELEFON",
                                 acquisition_date=date(2026, 6, 3), cost=D("1234.56"),
                                 counter_account="1200", input_vat=D("234.57"), user="t")
        # 1234.56 × 19 % = 234.5664 -> 234.57
        assert _journal(nineteen)[0][2][1] == ("1576", D("234.57"), 0, "VSt19")


@pytest.mark.parametrize("kwargs, message", [
    ({"counter_account": "1200", "input_vat": D("234.56")}, "weder 19 % noch 7 %"),
    ({"counter_account": "1200", "input_vat": D("234.58")}, "weder 19 % noch 7 %"),
    ({"counter_account": "0410"}, "das Anlagekonto selbst"),
    ({"counter_account": "9999999"}, "9999999 ist im Kontenplan unbekannt"),
    ({"input_vat": D("234.57")}, "nur mit einem Gegenkonto"),
])
def test_a_hand_acquisition_that_cannot_be_posted_is_refused_and_saves_nothing(
        app, kwargs, message):
    with app.app_context():
        asset = FixedAsset(name="Smartphone", asset_class=_asset_class("MOBILTELEFON"),
                           acquisition_date=date(2026, 3, 15), cost=D("1234.56"), **kwargs)
        prepare_asset(asset)
        with pytest.raises(BusinessRuleError, match=message):
            check_acquisition(asset)
        assert JournalEntry.objects.count() == 0


def test_the_acquisition_is_posted_once_however_often_it_is_asked(app):
    with app.app_context():
        asset = acquire_asset(name="Smartphone", class_code="MOBILTELEFON",
                              acquisition_date=date(2026, 3, 15), cost=D("1234.56"),
                              counter_account="1200", user="t")
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(lambda _: post_acquisition(asset, "t"), range(3), timeout=120))
        assert len(_journal(asset)) == 1


def test_without_counter_account_nothing_is_posted(app):
    with app.app_context():
        asset = acquire_asset(name="Smartphone", class_code="MOBILTELEFON",
                              acquisition_date=date(2026, 3, 15), cost=D("1234.56"))
        assert _journal(asset) == [] and asset.acquisition_entry is None

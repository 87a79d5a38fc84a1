"""SKR04 as the second chart: seeded on a fresh installation, never mixed with SKR03,
and every automatic posting (invoice, payment, payroll) lands on SKR04 accounts."""
import csv
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models import Account, JournalEntry
from models.invoice import VatRate
from seeds.reference import DATA, ChartMismatchError, seed_reference
from services.ledger import charts
from services.invoicing import issuing as invoicing
from services.ledger import posting
from services.payroll.posting import posting_lines
from tests.factories import make_company, make_invoice


@pytest.fixture
def skr04(app):
    """The test database as a fresh installation that chose SKR04."""
    Account.objects.delete()
    VatRate.objects.delete()
    seed_reference("SKR04")
    return app


def lines_of(entry):
    return {(ln.account, ln.debit, ln.credit) for ln in entry.lines}


def test_skr04_is_seeded_with_its_own_numbers(skr04):
    assert charts.chart_in_use() == "SKR04"
    assert set(Account.objects.distinct("chart")) == {"SKR04"}
    names = dict(Account.objects.scalar("number", "name"))
    assert names["1200"] == "Forderungen aus Lieferungen und Leistungen"
    assert names["1800"] == "Bank" and names["4400"] == "Erlöse 19 % USt"
    rate = VatRate.objects.get(code="19")
    assert (rate.revenue_account, rate.vat_account) == ("4400", "3806")
    assert seed_reference() == {k: 0 for k in seed_reference()}  # idempotent, stays SKR04


def test_the_charts_are_never_mixed(app, skr04, runner):
    with pytest.raises(ChartMismatchError, match="already use SKR04"):
        seed_reference("SKR03")
    result = runner.invoke(args=["seed-reference", "--chart", "SKR03"])
    assert result.exit_code != 0 and "already use SKR04" in result.output
    assert Account.objects(chart="SKR03").count() == 0


def test_every_account_the_product_posts_to_exists_in_both_charts(app):
    with open(DATA / "vat_rates.csv", encoding="utf-8") as fh:
        rates = list(csv.DictReader(fh, delimiter=";"))
    for chart, suffix in (("SKR03", ""), ("SKR04", "_skr04")):
        with open(DATA / f"{chart.lower()}.csv", encoding="utf-8") as fh:
            accounts = {row["number"]: row["type"] for row in csv.DictReader(fh, delimiter=";")}
        wanted = set(charts.POSTING_ACCOUNTS[chart].values())
        wanted |= {r[f"revenue_account{suffix}"] for r in rates}
        wanted |= {r[f"vat_account{suffix}"] for r in rates if r[f"vat_account{suffix}"]}
        assert wanted <= set(accounts), (chart, wanted - set(accounts))
        roles = charts.POSTING_ACCOUNTS[chart]
        assert accounts[roles["bank"]] == accounts[roles["receivables"]] == "asset"
        assert accounts[roles["salaries"]] == "expense"
        assert accounts[roles["net_payable"]] == "liability"


def test_an_invoice_and_its_payment_post_to_skr04_accounts(skr04):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")  # 285,00 @ 19 % + 49,80 @ 7 %
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert lines_of(entry) == {
        ("1200", Decimal("392.44"), Decimal("0.00")),
        ("4400", Decimal("0.00"), Decimal("285.00")),
        ("3806", Decimal("0.00"), Decimal("54.15")),
        ("4300", Decimal("0.00"), Decimal("49.80")),
        ("3801", Decimal("0.00"), Decimal("3.49"))}
    invoicing.record_payment(inv, amount=Decimal("392.44"), day=date(2026, 3, 30),
                             user="fibu", key="bank-1")
    payment = JournalEntry.objects.get(source="payment")
    assert lines_of(payment) == {("1800", Decimal("392.44"), Decimal("0.00")),
                                 ("1200", Decimal("0.00"), Decimal("392.44"))}
    assert posting.verify_chain(2026).ok


def test_payroll_posts_to_skr04_accounts(skr04):
    cents = dict(gross=Decimal("5000.00"), employer_si=Decimal("1050.00"),
                 employer_flat_tax=Decimal("0.00"), net=Decimal("3200.00"),
                 wage_tax=Decimal("700.00"), solidarity=Decimal("0.00"),
                 church_tax=Decimal("60.00"), employee_si=Decimal("1040.00"))
    lines = {(ln["account"], ln["debit"], ln["credit"]) for ln in posting_lines(cents)}
    assert lines == {("6020", Decimal("5000.00"), Decimal("0")),
                     ("6110", Decimal("1050.00"), Decimal("0")),
                     ("3720", Decimal("0"), Decimal("3200.00")),
                     ("3730", Decimal("0"), Decimal("760.00")),
                     ("3740", Decimal("0"), Decimal("2090.00"))}
    assert sum(ln[1] for ln in lines) == sum(ln[2] for ln in lines)


def test_skr03_stays_the_default(app):
    assert charts.chart_in_use() == "SKR03"
    assert charts.posting_account("receivables") == "1400"
    assert VatRate.objects.get(code="7").revenue_account == "8300"


def test_an_added_account_takes_the_chart_in_use(skr04):
    added = Account(number="6816", name="Bürobedarf Filiale", type="expense")
    added.save()
    assert added.chart == "SKR04"
    with pytest.raises(me.ValidationError, match="Bitte SKR04 wählen"):
        Account(number="4931", name="Falsch", type="expense", chart="SKR03").save()

"""Kurzarbeitergeld (§§ 105, 106 SGB III): 60 % / 67 % of the difference of the flat-rate
net pay of Soll- and Ist-Entgelt (each rounded to 20 €; 20 % SV flat, wage tax and
solidarity surcharge of the tax class), tax-free with Progressionsvorbehalt, the employer
alone pays RV/KV/PV on 80 % of the lost pay. Expected figures by hand; wage tax where it
is not zero from the BMF PAP 2026 monthly table (the engine that reproduces the BMF's own
test tables, tests/services/test_lohnsteuer.py)."""
from datetime import date
from decimal import Decimal as D

from models.payroll import Payslip
from services.payroll import posting, runs
from services.payroll.kurzarbeit import allowance, flat_net, round20
from tests.factories import make_absence_request, make_employee

CEILING = D("8450.00")


def test_rounding_to_20_euro_both_sides_of_the_middle():
    assert round20(D("2009.99")) == D("2000")
    assert round20(D("2010.00")) == D("2020")
    assert round20(D("2000.00")) == D("2000")
    assert round20(D("0")) == D("0")


def test_flat_net_is_gross_less_20_percent_and_the_tax_of_the_class():
    # tax class III at 2,400 € pays no wage tax in 2026: 2,400 − 480 = 1,920
    assert flat_net(D("2400"), 3, 2026) == D("1920.00")
    # tax class I at 4,000 €: wage tax 531.83 €, no solidarity surcharge (below the
    # Freigrenze): 4,000 − 800 − 531.83
    assert flat_net(D("4000"), 1, 2026) == D("2668.17")
    assert flat_net(D("0"), 1, 2026) == D("0.00")


def test_67_percent_with_a_child_60_without():
    # III, Soll 2,400 / Ist 1,600: net 1,920.00 / 1,280.00
    assert allowance(D("2400"), D("1600"), 3, D("1.0"), 2026, CEILING) == D("428.80")
    assert allowance(D("2400"), D("1600"), 3, D("0"), 2026, CEILING) == D("384.00")
    # I, Soll 4,000 / Ist 2,000: 2,668.17 × 0.6 = 1,600.90; (2,000 − 400 − 91.08) × 0.6
    # = 905.35
    assert allowance(D("4000"), D("2000"), 1, D("0"), 2026, CEILING) == D("695.55")
    # no loss, no KUG; Soll and Ist within the same 20 € step: none either
    assert allowance(D("2400"), D("2400"), 3, D("0"), 2026, CEILING) == D("0.00")
    assert allowance(D("2400"), D("2395"), 3, D("0"), 2026, CEILING) == D("0.00")


def test_soll_above_the_ceiling_counts_up_to_the_ceiling_only():
    capped = allowance(CEILING, D("2000"), 1, D("0"), 2026, CEILING)
    assert allowance(D("12000"), D("2000"), 1, D("0"), 2026, CEILING) == capped
    assert allowance(D("9000"), D("2000"), 1, D("0"), 2026, CEILING) == capped
    assert allowance(D("8400"), D("2000"), 1, D("0"), 2026, CEILING) < capped


def _slip(emp, year=2026, month=11):
    run = runs.create_run(year, month, "hr@firma.example.com")
    runs.calculate_run(run.pk, "hr@firma.example.com")
    return run, Payslip.objects.get(run=run.pk, employee=emp.pk)


def test_payroll_run_pays_kug_and_the_employer_pays_sv_on_80_percent(app):
    # 2,400 € a month, tax class III, one child; 10 calendar days Kurzarbeit in November:
    # Ist = 2,400 − 2,400 × 10 / 30 = 1,600.00
    emp = make_employee(monthly_gross=D("2400.00"), tax_class=3, child_allowances=D("1.0"),
                        children_under_25=1, birth_date=date(1985, 5, 5), state="NW")
    other = make_employee(monthly_gross=D("2400.00"), tax_class=3, child_allowances=D("1.0"),
                          children_under_25=1, birth_date=date(1985, 5, 5), state="NW")
    make_absence_request(emp, "kurzarbeit", start=date(2026, 11, 2), end=date(2026, 11, 11))
    run, slip = _slip(emp)
    full = Payslip.objects.get(run=run.pk, employee=other.pk)
    assert (slip.gross, slip.short_time_target_gross) == (D("1600.00"), D("2400.00"))
    assert slip.short_time_days == D(10) and slip.sv_days == 30
    assert slip.short_time_allowance == D("428.80")
    assert slip.taxable_gross == D("1600.00")            # KUG is not taxed
    assert slip.sv_gross_pension == D("1600.00")
    # fictional pay 80 % × 800 = 640.00: RV 18.6 % 119.04, KV 14.6 + 2.9 % 112.00,
    # PV 3.6 % 23.04 (a parent: no surcharge) = 254.08, on top of the Ist contributions
    assert slip.employer_short_time_si == D("254.08")
    ist_employer = (slip.employer_pension + slip.employer_unemployment + slip.employer_health
                    + slip.employer_care + slip.employer_insolvency + slip.employer_u1
                    + slip.employer_u2)
    assert slip.employer_si == ist_employer + D("254.08")
    # the payout: net of the Ist-Entgelt plus KUG
    own_net = slip.gross - slip.wage_tax - slip.solidarity - slip.church_tax - slip.employee_si
    assert slip.net == own_net + D("428.80")
    assert full.short_time_allowance == D("0.00") and full.gross == D("2400.00")
    assert full.employer_short_time_si == D("0.00")


def test_childless_employee_the_employer_also_pays_the_surcharge(app):
    emp = make_employee(monthly_gross=D("4000.00"), tax_class=1, childless=True,
                        birth_date=date(1985, 5, 5), state="NW")
    make_absence_request(emp, "kurzarbeit", start=date(2026, 11, 1), end=date(2026, 11, 15))
    _, slip = _slip(emp)
    assert slip.gross == D("2000.00")                     # 15 of 30 days
    assert slip.short_time_allowance == D("695.55")       # 60 %, no child
    # 80 % × 2,000 = 1,600: RV 297.60, KV 280.00, PV (3.6 + 0.6) % 67.20
    assert slip.employer_short_time_si == D("644.80")


def test_posting_balances_and_books_the_kug_as_a_receivable(app):
    from services.ledger.charts import posting_accounts

    emp = make_employee(monthly_gross=D("4000.00"), tax_class=1,
                        birth_date=date(1985, 5, 5), state="NW")
    make_absence_request(emp, "kurzarbeit", start=date(2026, 11, 1), end=date(2026, 11, 15))
    run, slip = _slip(emp)
    lines = posting.posting_lines(posting.payslip_totals(run))
    assert sum(line["debit"] for line in lines) == sum(line["credit"] for line in lines)
    receivable = [line for line in lines
                  if line["account"] == posting_accounts()["short_time_receivable"]]
    assert [line["debit"] for line in receivable] == [D("695.55")]


def test_no_kurzarbeit_no_change(app):
    emp = make_employee(monthly_gross=D("4000.00"), tax_class=1,
                        birth_date=date(1985, 5, 5), state="NW")
    _, slip = _slip(emp)
    assert (slip.gross, slip.short_time_allowance, slip.employer_short_time_si) == (
        D("4000.00"), D("0.00"), D("0.00"))
    assert slip.net == slip.gross - slip.wage_tax - slip.solidarity - slip.church_tax \
        - slip.employee_si

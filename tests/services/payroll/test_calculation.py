"""Pay calculation per employee and month, checked against hand arithmetic."""
from datetime import date
from decimal import Decimal as D

import csv
from pathlib import Path

import pytest

from seeds.payroll import PARAMETERS
from services.payroll.calculation import EmployeePay, calculate_pay, pap_inputs
from services.payroll.rates import Rates

RATES = Rates(**{k: (tuple(v) if isinstance(v, list) else v)
                 for k, v in PARAMETERS[0].items() if k in Rates.__dataclass_fields__})


def emp(**kw) -> EmployeePay:
    values = dict(monthly_gross=D("4000.00"), tax_class=1, hire_date=date(2020, 1, 1),
                  birth_date=date(1990, 5, 5), state="BY")
    values.update(kw)
    return EmployeePay(**values)


def pay(month=3, **kw):
    return calculate_pay(emp(**kw), 2026, month, RATES)


def test_full_payslip_4000_bavaria_church_tax():
    r = pay(church_tax=True)
    # RV 4000 × 9.3 % = 372.00; AV × 1.3 % = 52.00; KV × (7.3 + 1.45) % = 350.00;
    # PV × 1.8 % = 72.00; employer the same, plus U3 4000 × 0.15 % = 6.00.
    assert (r.employee_pension, r.employee_unemployment, r.employee_health,
            r.employee_care) == (D("372.00"), D("52.00"), D("350.00"), D("72.00"))
    assert (r.employer_pension, r.employer_unemployment, r.employer_health,
            r.employer_care, r.employer_insolvency) == (
        D("372.00"), D("52.00"), D("350.00"), D("72.00"), D("6.00"))
    # Wage tax from the PAP (monthly table); church tax 8 % of it, cents dropped.
    assert r.wage_tax == D("531.83") and r.solidarity == D("0.00")
    assert r.church_tax == D("42.54")  # 531.83 × 8 % = 42.5464
    # Net 4000 − 531.83 − 42.54 − 846.00 = 2579.63; cost 4000 + 852.00 = 4852.00.
    assert r.net == D("2579.63") and r.employer_cost == D("4852.00")


def test_church_tax_is_nine_percent_outside_bavaria_and_bw():
    nw, bw = pay(church_tax=True, state="NW"), pay(church_tax=True, state="BW")
    assert nw.wage_tax == D("531.83")
    assert (nw.church_tax_rate, nw.church_tax) == (D("9"), D("47.86"))  # 47.8647
    assert (bw.church_tax_rate, bw.church_tax) == (D("8"), D("42.54"))
    assert pay(church_tax=False, state="NW").church_tax == D("0.00")


def test_health_and_care_capped_at_the_ceiling():
    at = pay(monthly_gross=D("5812.50"))
    above = pay(monthly_gross=D("7000.00"))
    # 5812.50 × 8.75 % = 508.59375; × 1.8 % = 104.625
    assert (at.employee_health, at.employee_care) == (D("508.59"), D("104.63"))
    assert (above.employee_health, above.employee_care) == (D("508.59"), D("104.63"))
    assert above.employer_health == D("508.59")
    assert above.employee_pension == D("651.00")  # 7000 × 9.3 %, below the RV ceiling


def test_pension_unemployment_and_levy_capped_at_the_ceiling():
    at, above = pay(monthly_gross=D("8450.00")), pay(monthly_gross=D("9000.00"))
    for r in (at, above):
        # 8450 × 9.3 % = 785.85; × 1.3 % = 109.85; × 0.15 % = 12.675
        assert (r.employee_pension, r.employee_unemployment) == (D("785.85"), D("109.85"))
        assert (r.employer_pension, r.employer_insolvency) == (D("785.85"), D("12.68"))
        assert r.employee_health == D("508.59")
    assert above.gross == D("9000.00") and above.taxable_gross == D("9000.00")
    assert above.wage_tax > at.wage_tax


def test_childless_surcharge_from_the_month_after_turning_23():
    young = dict(childless=True, birth_date=date(2003, 3, 15))  # 23 completed on 14.03.2026
    assert pay(month=3, **young).employee_care == D("72.00")
    assert pay(month=4, **young).employee_care == D("96.00")  # 4000 × (1.8 + 0.6) %
    assert pay(month=4, **young).employer_care == D("72.00")  # the employer pays no part
    assert pay(month=4, childless=False, birth_date=date(2003, 3, 15)).employee_care == \
        D("72.00")
    older = pay(childless=True)
    assert older.employee_care == D("96.00")
    assert older.wage_tax <= pay().wage_tax  # higher deductible contributions (PVZ)


@pytest.mark.parametrize("children,employee_care", [
    (0, "72.00"), (1, "72.00"), (2, "62.00"), (3, "52.00"), (5, "32.00"), (7, "32.00")])
def test_child_reductions_from_the_second_to_the_fifth_child(children, employee_care):
    # 4000 × (1.8 − 0.25 × reductions) %, at most 4 reductions
    r = pay(children_under_25=children)
    assert r.employee_care == D(employee_care) and r.employer_care == D("72.00")


def test_saxony_splits_care_differently():
    sn, by = pay(state="SN"), pay(state="BY")
    assert (sn.employee_care, sn.employer_care) == (D("92.00"), D("52.00"))  # 2.3 / 1.3 %
    assert sn.wage_tax <= by.wage_tax  # PVS: higher employee contribution is deductible
    assert pap_inputs(emp(state="SN"), RATES, 2026, date(2026, 3, 1), D(400000), 2)["PVS"] == 1


def test_minijob_employee_tops_up_pension_and_employer_pays_flat_rates():
    r = pay(monthly_gross=D("603.00"), church_tax=True)
    assert r.minijob and r.wage_tax == r.church_tax == r.solidarity == D("0.00")
    # RV in full 603 × 18.6 % = 112.158 → 112.16, employer 603 × 15 % = 90.45, the
    # employee the difference 21.71 (§ 168 (1) Nr. 1b SGB VI, not exempted)
    assert (r.employee_pension, r.employee_si, r.net) == (D("21.71"), D("21.71"),
                                                          D("581.29"))
    # KV × 13 % = 78.39; flat tax × 2 % = 12.06; U3 × 0.15 % = 0.9045
    assert (r.employer_pension, r.employer_health, r.employer_flat_tax,
            r.employer_insolvency) == (D("90.45"), D("78.39"), D("12.06"), D("0.90"))
    assert r.employer_unemployment == r.employer_care == D("0.00")
    above = pay(monthly_gross=D("603.01"))
    assert not above.minijob and above.midijob


def test_joining_mid_month_is_paid_by_calendar_days():
    r = pay(monthly_gross=D("3100.00"), hire_date=date(2026, 3, 16))
    assert (r.days, r.days_in_month, r.gross) == (16, 31, D("1600.00"))  # 3100 × 16/31
    assert r.employee_pension == D("148.80")  # 1600 × 9.3 %


def test_joining_mid_month_pays_wage_tax_from_the_daily_table():
    """Daily wage 125.00 = 45,000 € a year (× 360, PAP): the BMF Prüftabelle 2026 (allgemein,
    STKL 1, KVZ 2.9, PVZ 1, RE4 4500000) gives 5,570 € a year; the daily share is
    557000 / 360 = 1547.2 → 15.47 € (PAP UPANTEIL, rounded down), times 16 days."""
    r = pay(monthly_gross=D("3875.00"), hire_date=date(2026, 3, 16), childless=True)
    assert (r.days, r.gross) == (16, D("2000.00"))  # 3875 × 16/31
    assert r.wage_tax == D("247.52") and r.solidarity == D("0.00")


def test_leaving_mid_month_and_pro_rata_ceilings():
    r = pay(month=4, monthly_gross=D("3000.00"), exit_date=date(2026, 4, 10))
    assert (r.days, r.gross) == (10, D("1000.00"))  # 3000 × 10/30
    high = pay(monthly_gross=D("12000.00"), hire_date=date(2026, 3, 16))
    assert high.gross == D("6193.55")  # 12000 × 16/31 = 6193.548…
    # RV ceiling 8450 × 16/30 = 4506.67 → × 9.3 % = 419.12; KV 5812.50 × 16/30 = 3100.00
    assert high.employee_pension == D("419.12")
    assert high.employee_health == D("271.25")  # 3100 × 8.75 %


def test_not_employed_in_the_month_is_refused():
    with pytest.raises(ValueError):
        pay(month=3, hire_date=date(2026, 4, 1))


def test_health_addon_of_the_fund_is_split_half_and_half():
    r = pay(health_insurance_addon=D("3.50"))
    assert r.employee_health == r.employer_health == D("362.00")  # 4000 × (7.3 + 1.75) %


def test_older_employee_gets_the_age_relief_inputs():
    inputs = pap_inputs(emp(birth_date=date(1960, 6, 1)), RATES, 2026, date(2026, 3, 1),
                        D(400000), 2)
    assert (inputs["ALTER1"], inputs["AJAHR"]) == (1, 2025)
    assert pap_inputs(emp(), RATES, 2026, date(2026, 3, 1), D(400000), 2)["ALTER1"] == 0


def test_high_income_pays_solidarity_surcharge():
    """105,000 € a year (8,750 € a month): BMF Prüftabelle 2026 (allgemein, STKL 1, KVZ 2.9,
    PVZ 1, RE4 10500000) gives 25,293 € wage tax a year, monthly 2529300 / 12 → 2107.75.
    Solidarity (§§ 3, 4 SolZG; PAP MSOLZ, free limit 20,350 €): min(5.5 % × 25,293 =
    1391.11, 11.9 % × (25,293 − 20,350) = 588.21) = 588.21 a year, monthly 58821 / 12
    → 49.01 (cents dropped)."""
    r = pay(monthly_gross=D("8750.00"), childless=True)
    assert r.wage_tax == D("2107.75") and r.solidarity == D("49.01")
    assert r.church_tax == D("0.00")
    # SI: RV, AV on the ceiling 8450 (785.85, 109.85); KV, PV on 5812.50: × 8.75 % =
    # 508.59; PV × 1.8 % = 104.63 plus the childless surcharge × 0.6 % = 34.88, each share
    # rounded on its own (module docstring) = 139.51; together 1543.80
    assert r.employee_care == D("139.51") and r.employee_si == D("1543.80")
    assert r.net == D("5049.44")  # 8750 − 2107.75 − 49.01 − 1543.80
    just_below = pay(monthly_gross=D("7500.00"), childless=True)  # 90,000 €: 19,438 € tax
    assert just_below.wage_tax == D("1619.83") and just_below.solidarity == D("0.00")


PRUEFTABELLE = Path(__file__).resolve().parents[2] / "data" / "lohnsteuer-2026" / \
    "prueftabelle-allgemein.csv"


def _yearly_rows_with_whole_monthly_cents():
    with open(PRUEFTABELLE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    return [(int(r["RE4"]), int(r["LSTLZZ"])) for r in rows
            if r["STKL"] == "1" and r["LZZ"] == "1" and r["KVZ"] == "2,9" and r["PVZ"] == "1"
            and r["ZKF"] == "0" and r["R"] == "0" and int(r["RE4"]) % 1200 == 0]


@pytest.mark.parametrize("yearly_cent,yearly_tax_cent", _yearly_rows_with_whole_monthly_cents())
def test_a_full_month_pays_a_twelfth_of_the_official_yearly_tax(yearly_cent, yearly_tax_cent):
    """BMF Prüftabelle 2026 (yearly, STKL 1, childless): the monthly wage tax of a twelfth
    of the wage is the yearly tax / 12 in cent, rounded down (PAP UPANTEIL, LZZ 2)."""
    r = pay(monthly_gross=D(yearly_cent // 12) / 100, childless=True)
    assert r.wage_tax == D(yearly_tax_cent // 12) / 100

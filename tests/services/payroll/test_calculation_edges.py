"""Edges of the pay calculation the mutation run of services/payroll/calculation.py found
untried (TESTING.md): unpaid absence days, days without social insurance, months without
employment, the age relief's 64th year, church tax in a part month, the PAP's inputs.

Expectations are worked out by hand from the rules cited at each test, never read from
the code under test. Pure: no database.
"""
from datetime import date
from decimal import ROUND_DOWN, Decimal as D

import pytest

from seeds.payroll import PARAMETERS
from services.core.errors import BusinessRuleError
from services.payroll.calculation import (EmployeePay, calculate_pay, care_rates,
                                          employed_days, pap_inputs)
from services.payroll.contributions import childless_surcharge_applies
from services.payroll.rates import Rates

RATES = Rates(**{k: (tuple(v) if isinstance(v, list) else v)
                 for k, v in PARAMETERS[0].items() if k in Rates.__dataclass_fields__})
MARCH = date(2026, 3, 1)  # 31 days


def emp(**kw) -> EmployeePay:
    values = dict(monthly_gross=D("3000.00"), tax_class=1, hire_date=date(2020, 1, 1),
                  birth_date=date(1990, 5, 5), state="NW")
    values.update(kw)
    return EmployeePay(**values)


def pay(**kw):
    return calculate_pay(emp(**kw), 2026, 3, RATES)


# --- unpaid absence days: 1/30 of the monthly gross each (30-day rule, BAG) -------------

@pytest.mark.parametrize("unpaid,gross", [
    ("0", "3000.00"),
    ("1", "2900.00"),      # 3000 − 3000 × 1 / 30
    ("2", "2800.00"),      # 3000 − 200
    ("0.5", "2950.00"),    # half a day: 3000 − 50
    ("7", "2300.00"),      # 3000 − 700
    ("30", "0.00"),        # 3000 − 3000: the max(0, ...) is not even needed
    ("31", "0.00"),        # absent on every employed day of March: no wage at all
])
def test_unpaid_days_cost_a_thirtieth_each_in_a_full_month(unpaid, gross):
    assert pay(unpaid_days=D(unpaid)).gross == D(gross)


def test_unpaid_days_in_a_part_month():
    # hired 22.03.2026: 10 of 31 days, 3000 × 10 / 31 = 967.741.. → 967.74
    assert pay(hire_date=date(2026, 3, 22)).gross == D("967.74")
    # 9 unpaid days: 967.74 − 900.00
    assert pay(hire_date=date(2026, 3, 22), unpaid_days=D("9")).gross == D("67.74")
    # 9.9 unpaid days cost 990.00, more than the 967.74 earned: nothing, never negative
    assert pay(hire_date=date(2026, 3, 22), unpaid_days=D("9.9")).gross == D("0.00")
    # absent on each of the 10 days, and more days than employed: no wage at all
    assert pay(hire_date=date(2026, 3, 22), unpaid_days=D("10")).gross == D("0.00")
    assert pay(hire_date=date(2026, 3, 22), unpaid_days=D("12")).gross == D("0.00")


def test_absent_every_day_of_february_earns_nothing():
    """28 unpaid days in February are every employed day: no wage (not 3000 − 2800)."""
    assert calculate_pay(emp(unpaid_days=D("28")), 2026, 2, RATES).gross == D("0.00")
    assert calculate_pay(emp(unpaid_days=D("27")), 2026, 2, RATES).gross == D("300.00")
    # more unpaid days than February has (an absence entered past the month end):
    # still every employed day, still nothing (not 3000 − 2900)
    assert calculate_pay(emp(unpaid_days=D("29")), 2026, 2, RATES).gross == D("0.00")


# --- SV days (§ 23a SGB IV practice: a full month counts 30) ---------------------------

@pytest.mark.parametrize("hire,free,sv_days", [
    (date(2020, 1, 1), 0, 30),     # full month
    (date(2020, 1, 1), 5, 26),     # full month less 5 days with Krankengeld: 31 − 5
    (date(2020, 1, 1), 31, 0),     # no SV day at all
    (date(2026, 3, 22), 0, 10),    # part month: the calendar days employed
    (date(2026, 3, 22), 3, 7),     # 10 − 3
    (date(2026, 3, 22), 10, 0),
    (date(2026, 3, 22), 12, 0),    # more free days than employed: none, never negative
])
def test_sv_days(hire, free, sv_days):
    assert pay(hire_date=hire, sv_free_days=free).sv_days == sv_days


# --- no employment in the month -----------------------------------------------------

@pytest.mark.parametrize("hire,leave,days", [
    (date(2020, 1, 1), date(2026, 2, 28), 0),    # left the day before March
    (date(2020, 1, 1), date(2025, 12, 31), 0),   # left months before
    (date(2026, 4, 1), None, 0),                 # starts the day after March
    (date(2026, 6, 15), None, 0),                # starts months later
    (date(2020, 1, 1), date(2026, 3, 1), 1),     # only the first day
    (date(2026, 3, 31), None, 1),                # only the last day
    (date(2026, 3, 10), date(2026, 3, 20), 11),  # 10th to 20th inclusive
])
def test_employed_days(hire, leave, days):
    assert employed_days(emp(hire_date=hire, exit_date=leave), 2026, 3) == days


@pytest.mark.parametrize("hire,leave", [(date(2020, 1, 1), date(2025, 12, 31)),
                                        (date(2026, 6, 15), None)])
def test_a_month_far_outside_the_employment_is_refused(hire, leave):
    with pytest.raises(ValueError, match="not employed"):
        pay(hire_date=hire, exit_date=leave)


# --- Altersentlastungsbetrag (§ 24a EStG): the 64th year completed before the year -----
# A year of life is completed at the end of the day before the birthday (§ 187 (2),
# § 188 (2) BGB): born 01.01.1962, the 64th year is completed on 31.12.2025, so in 2026
# the relief applies (PAP: ALTER1 = 1, AJAHR = 2026). Born 02.01.1962: completed on
# 01.01.2026, not before the year: no relief in 2026.

@pytest.mark.parametrize("born,alter1,ajahr", [
    (date(1962, 1, 1), 1, 2026),
    (date(1962, 1, 2), 0, 0),
    (date(1961, 12, 31), 1, 2026),   # completed on 30.12.2025
    (date(1961, 6, 15), 1, 2026),    # completed on 14.06.2025: AJAHR is the next year
    (date(1960, 6, 15), 1, 2025),    # completed on 14.06.2024
    (date(1962, 6, 15), 0, 0),
])
def test_the_age_relief_starts_the_year_after_the_64th_year(born, alter1, ajahr):
    inputs = pap_inputs(emp(birth_date=born), RATES, 2026, MARCH, D(300000), 2)
    assert (inputs["ALTER1"], inputs["AJAHR"]) == (alter1, ajahr)


@pytest.mark.parametrize("year,alter1,ajahr", [(2100, 0, 0), (2101, 1, 2101)])
def test_the_age_relief_of_someone_born_on_29_february(year, alter1, ajahr):
    """Born 29.02.2036: 2100 has no 29 February, so the 64th year is completed at the end
    of 28.02.2100 (§ 188 (3) BGB): relief from 2101 on."""
    inputs = pap_inputs(emp(birth_date=date(2036, 2, 29)), RATES, year, date(year, 3, 1),
                        D(300000), 2)
    assert (inputs["ALTER1"], inputs["AJAHR"]) == (alter1, ajahr)


def test_without_a_birth_date_there_is_no_age_relief():
    inputs = pap_inputs(emp(birth_date=None), RATES, 2026, MARCH, D(300000), 2)
    assert (inputs["ALTER1"], inputs["AJAHR"]) == (0, 0)


# --- the PAP's inputs (BMF PAP 2026, "Eingangsparameter") -----------------------------

def test_the_pap_inputs_of_a_plain_employee():
    # childless at 35 (born 1990): the PV surcharge (§ 55 (3) SGB XI)
    inputs = pap_inputs(emp(childless=True), RATES, 2026, MARCH, D(300000), 2)
    assert inputs == dict(LZZ=2, RE4=D(300000), STKL=1, ZKF=D("0"), KVZ=D("2.90"), R=0,
                          PVS=0, PVZ=1, PVA=D(0), ALTER1=0, AJAHR=0, KRV=0, PKV=0, ALV=0,
                          PKPV=D(0), PKPVAGZ=D(0))


def test_the_pap_inputs_follow_religion_saxony_children_and_private_insurance():
    church = pap_inputs(emp(church_denomination="rk"), RATES, 2026, MARCH, D(1), 2)
    assert church["R"] == 1
    assert pap_inputs(emp(church_tax=True), RATES, 2026, MARCH, D(1), 2)["R"] == 1
    # the state as read from a form or the database: equal to "SN", not the literal
    saxony = pap_inputs(emp(state="".join(["S", "N"])), RATES, 2026, MARCH, D(1), 2)
    assert saxony["PVS"] == 1
    # three children under 25: reduction for the 2nd and 3rd (§ 55 (3) SGB XI), no surcharge
    parent = pap_inputs(emp(children_under_25=3, child_allowances=D("1.5")), RATES, 2026,
                        MARCH, D(1), 4)
    assert (parent["PVZ"], parent["PVA"], parent["ZKF"], parent["LZZ"]) == \
        (0, D(2), D("1.5"), 4)
    private = pap_inputs(emp(private_health_premium=D("400.00"),
                             private_care_premium=D("50.00")), RATES, 2026, MARCH, D(1), 2,
                         D(22500))
    # PKPV: the monthly premium in cent; PKPVAGZ: the employer's subsidy in cent
    assert (private["PKV"], private["PKPV"], private["PKPVAGZ"]) == (1, D(45000), D(22500))


# --- church tax in a part month (R 39b.5 LStR daily table, KiStG NW 9 %) ---------------

def test_church_tax_in_a_part_month_is_nine_percent_of_the_wage_tax_without_children():
    """Without child allowances the church-tax base (BK) is the wage tax itself, so church
    tax is 9 % of the wage tax, rounded down to the cent (NW)."""
    r = pay(hire_date=date(2026, 3, 22), church_denomination="ev", monthly_gross=D("6000"))
    assert r.days == 10 and r.wage_tax > 0
    assert r.church_tax_rate == D("9")
    assert r.church_tax == (r.wage_tax * D("0.09")).quantize(D("0.01"), rounding=ROUND_DOWN)
    full = pay(church_denomination="ev", monthly_gross=D("6000"))
    assert full.church_tax == (full.wage_tax * D("0.09")).quantize(D("0.01"),
                                                                   rounding=ROUND_DOWN)


# --- wage tax and solidarity of a part month (R 39b.5 LStR: daily table × days) --------

def test_a_daily_wage_with_cents_is_taxed_from_the_official_yearly_value():
    """Daily wage 187.50 = 67,500 € a year (× 360): BMF Prüftabelle 2026 (allgemein, STKL 1,
    KVZ 2.9, PVZ 1, RE4 6750000, lfd. Nr. 151) gives 11,484 € a year; the daily share
    1148400 / 360 = 3190 cent = 31.90 €, times 10 days."""
    # hired 22.03.2026: 10 of 31 days, 5812.50 × 10 / 31 = 1875.00
    r = pay(monthly_gross=D("5812.50"), hire_date=date(2026, 3, 22), childless=True)
    assert (r.days, r.gross) == (10, D("1875.00"))
    assert r.wage_tax == D("319.00")


def test_part_months_with_the_same_daily_wage_pay_the_same_daily_tax_and_surcharge():
    """The daily results are multiplied by the calendar days: 10 and 20 days at 400 € a day
    (144,000 € a year, well above the solidarity free limit) pay the same per day."""
    ten = pay(monthly_gross=D("12400.00"), hire_date=date(2026, 3, 22), childless=True)
    twenty = pay(monthly_gross=D("12400.00"), hire_date=date(2026, 3, 12), childless=True)
    assert (ten.days, ten.gross, twenty.days, twenty.gross) == \
        (10, D("4000.00"), 20, D("8000.00"))
    assert ten.solidarity > 0 and ten.wage_tax > 0
    assert ten.solidarity / 10 == twenty.solidarity / 20
    assert ten.wage_tax / 10 == twenty.wage_tax / 20


def test_unpaid_days_are_a_thirtieth_to_the_cent():
    # 3100 / 30 = 103.333.. → 103.33 (not whole euros): 3100 − 103.33
    assert pay(monthly_gross=D("3100.00"), unpaid_days=D("1")).gross == D("2996.67")


@pytest.mark.parametrize("state,pvs", [("SN", 1), ("ST", 0), ("TH", 0), ("SH", 0),
                                       ("BY", 0)])
def test_only_saxony_has_the_other_care_split_in_the_pap(state, pvs):
    # Saxony-Anhalt and Thuringia sort after Saxony, Schleswig-Holstein before it
    assert pap_inputs(emp(state=state), RATES, 2026, MARCH, D(1), 2)["PVS"] == pvs


# --- services/payroll/contributions.py (survivors of its partial mutation run) ---------

def test_the_childless_surcharge_of_someone_born_on_29_february():
    """Born 29.02.2004: 2027 has no 29 February, the 23rd year is completed at the end of
    28.02.2027; the surcharge starts the month after (§ 55 (3) SGB XI): March 2027."""
    person = emp(birth_date=date(2004, 2, 29), childless=True)
    assert not childless_surcharge_applies(person, RATES, date(2027, 2, 1))
    assert childless_surcharge_applies(person, RATES, date(2027, 3, 1))


@pytest.mark.parametrize("born,first_month", [
    (date(2003, 5, 1), date(2026, 5, 1)),  # 23 completed at the end of 30.04.2026
    (date(2003, 5, 2), date(2026, 6, 1)),  # ... at the end of 01.05.2026: from June
    (date(2003, 4, 30), date(2026, 5, 1)),  # ... at the end of 29.04.2026
])
def test_the_childless_surcharge_starts_the_month_after_the_23rd_year(born, first_month):
    """§ 55 (3) SGB XI with § 187 (2) BGB: a year of life is completed at the end of the
    day before the birthday; the surcharge is due from the month after (by hand)."""
    person = emp(birth_date=born, childless=True)
    before = date(first_month.year, first_month.month - 1, 1)
    assert not childless_surcharge_applies(person, RATES, before)
    assert childless_surcharge_applies(person, RATES, first_month)


@pytest.mark.parametrize("kw,rates", [
    (dict(childless=True), (D("2.4"), D("1.8"))),       # 3.6 / 2 + 0.6 surcharge
    (dict(children_under_25=1), (D("1.8"), D("1.8"))),  # a parent: no surcharge
    (dict(children_under_25=3), (D("1.3"), D("1.8"))),  # 1.8 − 2 × 0.25
    (dict(state="SN", childless=True), (D("2.9"), D("1.3"))),  # 3.6 − 1.3 + 0.6
    # Saxony's split read from elsewhere (not the interned literal); only Saxony has it:
    # Saxony-Anhalt and Thuringia sort after "SN", Schleswig-Holstein before it
    (dict(state="".join(["S", "N"]), children_under_25=1), (D("2.3"), D("1.3"))),
    (dict(state="ST", children_under_25=1), (D("1.8"), D("1.8"))),
    (dict(state="TH", children_under_25=1), (D("1.8"), D("1.8"))),
    (dict(state="SH", children_under_25=1), (D("1.8"), D("1.8"))),
])
def test_care_rates(kw, rates):
    employee, employer = care_rates(emp(**kw), RATES, MARCH)
    assert (employee, employer) == rates


def test_the_minijob_note_names_the_pension_exemption_only_when_exempt():
    exempt = pay(monthly_gross=D("500.00"), minijob_pension_exempt=True).notes
    liable = pay(monthly_gross=D("500.00")).notes
    assert any("von der RV-Pflicht befreit" in note for note in exempt)
    assert not any("befreit" in note for note in liable)


@pytest.mark.parametrize("gross", ["5000.00", "6449.99", "6450.00"])
def test_private_health_insurance_below_or_at_the_threshold_is_refused(gross):
    """§ 6 (1) Nr. 1 SGB V: only a regular wage above the JAEG (6,450 € a month in 2026)
    may be privately insured; well below it as much as at it."""
    with pytest.raises(BusinessRuleError, match="Versicherungspflichtgrenze"):
        pay(monthly_gross=D(gross), private_health_premium=D("400.00"))
    assert pay(monthly_gross=D("6450.01"), private_health_premium=D("400.00")).private_health


def test_the_private_insurance_subsidies_are_half_the_premium_to_the_cent():
    """§ 257 SGB V / § 61 SGB XI: half of 601.50 € is 300.75 €, half of 80.50 € is 40.25 €
    (both below the caps of 508.59 € and 104.63 €, by hand)."""
    result = pay(monthly_gross=D("7000.00"), private_health_premium=D("601.50"),
                 private_care_premium=D("80.50"))
    assert (result.health_subsidy, result.care_subsidy) == (D("300.75"), D("40.25"))


@pytest.mark.parametrize("free,sv_days,pension,unemployment", [
    (1, 30, D("785.85"), D("109.85")),  # 8,450 × 9.3 % and × 1.3 %
    (2, 29, D("759.65"), D("106.19")),  # 8,450 × 29/30 = 8,168.33; × 9.3 %, × 1.3 %
])
def test_the_pension_ceiling_of_a_month_with_fewer_sv_days(free, sv_days, pension,
                                                           unemployment):
    """9,000 € in March, above the pension ceiling (8,450 € a month in 2026): the ceiling
    is × SV days / 30 (§ 23a SGB IV practice), by hand."""
    result = pay(monthly_gross=D("9000.00"), sv_free_days=free)
    assert result.sv_days == sv_days
    assert (result.employee_pension, result.employee_unemployment) == (pension, unemployment)

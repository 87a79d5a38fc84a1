"""Übergangsbereich, minijob, levies, PKV subsidy: expected values worked out by hand.

Sources of the formulas restated here (not imported from the code under test):
- § 20 (2a) SGB IV with the 2026 factor F = 0.6619 (BMAS/GKV-Spitzenverband, Übergangs-
  bereich 2026): BE = 1.145937223 × AE − 291.8744452, BE_AN = 1.431639227 × AE −
  863.2784538, each to the cent; total = BE × full rate, employee = BE_AN × half rate,
  employer = total − employee; PV childless surcharge 0.6 % on BE, employee alone.
- §§ 168, 163 (8) SGB VI, § 249b SGB V: minijob employer RV 15 %, KV 13 %; employee RV
  18.6 % − 15 % on at least 175 €; § 40a (2) EStG flat tax 2 %.
- AAG: U1/U2 at the fund's rates (here a fund with U1 1.6 %, U2 0.44 %, as in the
  test, not a real fund's figures); Minijob-Zentrale U1 0.8 %, U2 0.22 %; U3 0.15 %.
- § 257 SGB V: PKV subsidy half the premium, at most (14.6 + 2.9) / 2 % of 5,812.50.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal as D

import pytest

from seeds.payroll import PARAMETERS
from services.core.errors import BusinessRuleError
from services.payroll.calculation import EmployeePay, calculate_pay
from services.payroll.rates import Rates

RATES = Rates(**{k: (tuple(v) if isinstance(v, list) else v)
                 for k, v in PARAMETERS[0].items() if k in Rates.__dataclass_fields__})


def cents(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def emp(gross, **kw) -> EmployeePay:
    values = dict(monthly_gross=D(gross), tax_class=1, hire_date=date(2020, 1, 1),
                  birth_date=date(1990, 5, 5), state="NW", children_under_25=1,
                  u1_rate=D("1.6"), u2_rate=D("0.44"))
    values.update(kw)
    return EmployeePay(**values)


def pay(gross, **kw):
    return calculate_pay(emp(gross, **kw), 2026, 3, RATES)


def by_hand(ae: D) -> dict:
    """The Übergangsbereich restated from § 20 (2a) SGB IV (see the module docstring)."""
    be = cents(D("1.145937223") * ae - D("291.8744452"))
    be_an = cents(D("1.431639227") * ae - D("863.2784538"))
    out = {}
    for branch, full in (("health", D("17.5")), ("pension", D("18.6")),
                         ("unemployment", D("2.6")), ("care", D("3.6"))):
        total = cents(be * full / 100)
        employee = cents(be_an * full / 2 / 100)
        out[branch] = (employee, total - employee)
    return out


# Written-out numbers (AE; employee total; employer total without levies), worked on
# paper from the formulas above. 1,000 € is domain-facts' worked example.
TABLE = [
    ("603.01", "0.00", "168.84"),    # BE 399.14, BE_AN 0.01: the employee pays nothing
    ("1000.00", "120.21", "241.07"),  # BE 854.06, BE_AN 568.36
    ("1500.00", "271.61", "332.02"),  # BE 1427.03, BE_AN 1284.18
    ("1999.99", "423.00", "423.00"),  # both bases 1999.99
    ("2000.00", "423.00", "423.00"),  # both bases equal AE: as a regular employment
    ("2000.01", "423.00", "423.00"),  # regular: 2000.01 × 8.75/9.3/1.3/1.8 %
]


@pytest.mark.parametrize("gross,employee,employer", TABLE)
def test_transition_zone_table(gross, employee, employer):
    r = pay(gross)
    assert r.employee_si == D(employee)
    assert (r.employer_pension + r.employer_unemployment + r.employer_health
            + r.employer_care) == D(employer)
    assert r.midijob == (D(gross) <= D("2000.00"))
    # levies on the actual wage: U1 1.6 %, U2 0.44 %, U3 0.15 %
    assert (r.employer_u1, r.employer_u2, r.employer_insolvency) == (
        cents(D(gross) * D("0.016")), cents(D(gross) * D("0.0044")),
        cents(D(gross) * D("0.0015")))


@pytest.mark.parametrize("gross", ["603.01", "1000.00", "1234.56", "1500.00", "1999.99"])
def test_transition_zone_per_branch(gross):
    r = pay(gross)
    for branch, (employee, employer) in by_hand(D(gross)).items():
        assert getattr(r, f"employee_{branch}") == employee, branch
        assert getattr(r, f"employer_{branch}") == employer, branch


def test_thousand_euro_branches_written_out():
    r = pay("1000.00")
    # KV 854.06 × 17.5 % = 149.46, AN 568.36 × 8.75 % = 49.73; RV 158.86 / 52.86;
    # AV 22.21 / 7.39; PV 30.75 / 10.23
    assert (r.employee_health, r.employer_health) == (D("49.73"), D("99.73"))
    assert (r.employee_pension, r.employer_pension) == (D("52.86"), D("106.00"))
    assert (r.employee_unemployment, r.employer_unemployment) == (D("7.39"), D("14.82"))
    assert (r.employee_care, r.employer_care) == (D("10.23"), D("20.52"))
    assert (r.midijob_base, r.midijob_base_employee) == (D("854.06"), D("568.36"))
    assert r.taxable_gross == D("1000.00")  # wage tax on the full wage
    assert r.contribution_group == "1111" and r.person_group == "101"


def test_transition_zone_childless_surcharge_on_total_base():
    r = pay("1000.00", childless=True, children_under_25=0)
    # 10.23 + 854.06 × 0.6 % (5.12) = 15.35; the employer's share is unchanged
    assert (r.employee_care, r.employer_care) == (D("15.35"), D("20.52"))


def test_transition_zone_saxony_care_split():
    r = pay("1000.00", state="SN")
    # total 854.06 × 3.6 % = 30.75, employee 568.36 × 2.3 % = 13.07, employer 17.68
    assert (r.employee_care, r.employer_care) == (D("13.07"), D("17.68"))
    regular = pay("3000.00", state="SN")  # 3000 × 2.3 % / 1.3 %
    assert (regular.employee_care, regular.employer_care) == (D("69.00"), D("39.00"))


def test_minijob_limit_edge_603():
    r = pay("603.00")
    assert r.minijob and not r.midijob and r.wage_tax == D("0.00")
    # RV 112.16 total − 90.45 employer = 21.71; KV 78.39; flat tax 12.06;
    # U1 603 × 0.8 % = 4.824 → 4.82; U2 × 0.22 % = 1.3266 → 1.33; U3 0.90
    assert (r.employee_pension, r.employer_pension, r.employer_health) == (
        D("21.71"), D("90.45"), D("78.39"))
    assert (r.employer_flat_tax, r.employer_u1, r.employer_u2, r.employer_insolvency) == (
        D("12.06"), D("4.82"), D("1.33"), D("0.90"))
    assert r.net == D("581.29")
    assert r.employer_cost == D("790.95")  # 603 + 90.45 + 78.39 + 4.82 + 1.33 + 0.90 + 12.06
    assert (r.contribution_group, r.person_group) == ("6100", "109")


def test_minijob_with_pension_exemption():
    r = pay("603.00", minijob_pension_exempt=True)
    assert r.employee_pension == D("0.00") and r.net == D("603.00")
    assert r.employer_pension == D("90.45")  # the employer's 15 % stays
    assert r.contribution_group == "6500"


def test_minijob_below_the_pension_minimum_base():
    r = pay("100.00")
    # 175 × 18.6 % = 32.55 minus the employer's 100 × 15 % = 15.00 → 17.55
    assert (r.employee_pension, r.employer_pension) == (D("17.55"), D("15.00"))
    assert pay("100.00", minijob_pension_exempt=True).employee_pension == D("0.00")


def test_minijob_privately_insured_pays_no_flat_health():
    r = pay("500.00", private_health_premium=D("250.00"))
    assert r.employer_health == D("0.00") and r.employer_pension == D("75.00")
    assert r.health_subsidy == D("0.00")  # no § 257 subsidy for a minijob
    assert r.contribution_group == "0100"


def test_u1_only_while_the_company_takes_part():
    on, off = pay("3000.00"), pay("3000.00", u1_applies=False)
    assert (on.employer_u1, off.employer_u1) == (D("48.00"), D("0.00"))  # 3000 × 1.6 %
    assert on.employer_u2 == off.employer_u2 == D("13.20")                # 3000 × 0.44 %
    assert on.employer_cost - off.employer_cost == D("48.00")
    mini_off = pay("603.00", u1_applies=False)
    assert (mini_off.employer_u1, mini_off.employer_u2) == (D("0.00"), D("1.33"))


def test_levies_capped_at_the_pension_ceiling():
    r = pay("9000.00")
    # 8450 × 1.6 % = 135.20; × 0.44 % = 37.18; × 0.15 % = 12.675 → 12.68
    assert (r.employer_u1, r.employer_u2, r.employer_insolvency) == (
        D("135.20"), D("37.18"), D("12.68"))


def test_private_health_insurance_subsidy_and_threshold():
    r = pay("7000.00", private_health_premium=D("600.00"),
            private_care_premium=D("80.00"))
    assert (r.employee_health, r.employee_care, r.employer_health, r.employer_care) == (
        D("0.00"),) * 4
    assert (r.employee_pension, r.employee_unemployment) == (D("651.00"), D("91.00"))
    assert (r.health_subsidy, r.care_subsidy) == (D("300.00"), D("40.00"))  # halves
    assert r.net == (D("7000.00") - r.wage_tax - r.solidarity - r.church_tax
                     - D("742.00") + D("340.00"))
    capped = pay("7000.00", private_health_premium=D("1200.00"),
                 private_care_premium=D("250.00"))
    # 5812.50 × 8.75 % = 508.59375; × 1.8 % = 104.625
    assert (capped.health_subsidy, capped.care_subsidy) == (D("508.59"), D("104.63"))
    saxony = pay("7000.00", state="SN", private_health_premium=D("1200.00"),
                 private_care_premium=D("250.00"))
    assert saxony.care_subsidy == D("75.56")  # 5812.50 × 1.3 %
    assert capped.contribution_group == "0110"
    with pytest.raises(BusinessRuleError, match="Versicherungspflichtgrenze"):
        pay("6450.00", private_health_premium=D("600.00"))
    assert pay("6450.01", private_health_premium=D("600.00")).private_health


def test_church_tax_by_denomination_and_workplace_state():
    by, nw = pay("4000.00", church_denomination="rk", state="BY"), \
        pay("4000.00", church_denomination="ev", state="NW")
    assert (by.church_tax_rate, nw.church_tax_rate) == (D("8"), D("9"))
    assert by.wage_tax == nw.wage_tax and by.church_tax < nw.church_tax
    assert pay("4000.00").church_tax == D("0.00")
    with pytest.raises(BusinessRuleError, match="Konfession"):
        pay("4000.00", church_denomination="xx")


def test_private_insurance_wage_tax_uses_premium_less_subsidy():
    from services.payroll.lohnsteuer import calculate as pap

    r = pay("7000.00", private_health_premium=D("600.00"), private_care_premium=D("80.00"))
    # PAP 2026 inputs: PKV 1, PKPV the monthly basic premium 680.00 €, PKPVAGZ the
    # employer's subsidy 340.00 €, both in cent (Lohnsteuer2026.xml, MVSPKVPV)
    common = dict(LZZ=2, RE4=D("700000"), STKL=1, KVZ=D("2.90"), PKV=1, PKPV=D("68000"))
    with_subsidy = pap(2026, **common, PKPVAGZ=D("34000"))
    without = pap(2026, **common, PKPVAGZ=D("0"))
    assert r.wage_tax == with_subsidy["LSTLZZ"] / 100
    assert with_subsidy["LSTLZZ"] > without["LSTLZZ"]  # less deductible, more tax

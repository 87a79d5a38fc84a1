"""Social-insurance contributions, levies and the PKV subsidy of one month's pay.

Regular employment: each branch base × half rate per side, bases capped at the ceilings.
Übergangsbereich (Midijob, § 20 (2a) SGB IV): per branch the total contribution is the
total base BE × the full rate, the employee pays BE_AN × his rate, the employer the rest;
the PV childless surcharge is the employee's, on BE. PV child reductions lower the
employee's rate and so the total rate alike (the employer's share at 2,000 € equals the
regular one), and in Saxony the employee's rate is his higher share. Minijob (§§ 168, 172 (3) SGB VI,
§ 249b SGB V): employer flat RV 15 % and KV 13 % (statutorily insured only), the employee
the difference to the full RV rate on at least the minimum base unless exempted.
U1/U2 at the health fund's rates (Minijob-Zentrale's for minijobs), U3 on the RV base
(on the actual wage in the Übergangsbereich and for minijobs).
"""
from datetime import date
from decimal import Decimal

from services.core.errors import BusinessRuleError
from services.payroll.pay import ZERO, EmployeePay, PayResult, money, share
from services.payroll.rates import Rates


def pro_rata(monthly: Decimal, sv_days: int) -> Decimal:
    """A monthly limit for a part month: × SV days / 30."""
    return monthly if sv_days == 30 else money(monthly * sv_days / 30)


def completed_age_before(birth_date: date, age: int, day: date) -> bool:
    """True when the person completed `age` years before `day` (day before the birthday)."""
    from datetime import timedelta

    try:
        birthday = birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        birthday = date(birth_date.year + age, 3, 1)
    return birthday - timedelta(days=1) < day


def childless_surcharge_applies(emp: EmployeePay, rates: Rates, first: date) -> bool:
    """Childless and past the month in which the minimum age was completed."""
    if not emp.childless or emp.birth_date is None:
        return False
    # from the month after the one in which the age was completed (§ 55 (3) SGB XI)
    return completed_age_before(emp.birth_date, rates.care_childless_min_age, first)


def child_reductions(emp: EmployeePay, rates: Rates) -> int:
    """Number of care reductions: one per child under 25 from the 2nd to the max-th."""
    if emp.childless:
        return 0
    children = min(emp.children_under_25, rates.care_child_reduction_max_children)
    return max(0, children - 1)


def care_split(emp: EmployeePay, rates: Rates) -> tuple[Decimal, Decimal]:
    """Employee rate (child reductions applied, no surcharge) and employer rate in %."""
    employer = rates.care_employer_rate_saxony if emp.state == "SN" else rates.care_rate / 2
    employee = rates.care_rate - employer
    return employee - rates.care_child_reduction * child_reductions(emp, rates), employer


def care_rates(emp: EmployeePay, rates: Rates, first: date) -> tuple[Decimal, Decimal]:
    """Employee and employer care-insurance rates in percent for this employee."""
    employee, employer = care_split(emp, rates)
    if childless_surcharge_applies(emp, rates, first):
        employee += rates.care_childless_surcharge
    return employee, employer


def branch_rates(emp: EmployeePay, rates: Rates) -> dict[str, tuple[Decimal, Decimal]]:
    """(employee %, employer %) per branch, without the PV childless surcharge."""
    half_kv = (rates.health_general_rate + emp.health_insurance_addon) / 2
    split = {"pension": (rates.pension_rate / 2,) * 2,
             "unemployment": (rates.unemployment_rate / 2,) * 2}
    if not emp.privately_insured:
        split["health"] = (half_kv, half_kv)
        split["care"] = care_split(emp, rates)
    return split


def regular(result: PayResult, emp: EmployeePay, rates: Rates, sv_days: int,
            first: date) -> None:
    """Contributions above the Übergangsbereich: half and half, bases capped."""
    result.sv_gross_pension = min(result.gross, pro_rata(rates.ceiling_pension, sv_days))
    result.sv_gross_health = min(result.gross, pro_rata(rates.ceiling_health, sv_days))
    for branch, (employee, employer) in branch_rates(emp, rates).items():
        base = result.sv_gross_pension if branch in ("pension", "unemployment") \
            else result.sv_gross_health
        setattr(result, f"employee_{branch}", share(base, employee))
        setattr(result, f"employer_{branch}", share(base, employer))
    if not emp.privately_insured and childless_surcharge_applies(emp, rates, first):
        result.employee_care += share(result.sv_gross_health, rates.care_childless_surcharge)
    result.employer_insolvency = share(result.sv_gross_pension, rates.insolvency_rate)
    levies(result, emp, result.sv_gross_pension)


def midijob_bases(wage: Decimal, rates: Rates) -> tuple[Decimal, Decimal]:
    """Total base BE and employee base BE_AN of the Übergangsbereich, to the cent, ≥ 0."""
    total = money(rates.midijob_total_factor * wage - rates.midijob_total_offset)
    employee = money(rates.midijob_employee_factor * wage - rates.midijob_employee_offset)
    return max(total, ZERO), max(employee, ZERO)


def midijob(result: PayResult, emp: EmployeePay, rates: Rates, first: date) -> None:
    """Übergangsbereich: total on BE at the full rate, employee on BE_AN, employer the rest."""
    total_base, employee_base = midijob_bases(result.gross, rates)
    result.midijob_base, result.midijob_base_employee = total_base, employee_base
    result.sv_gross_pension = result.sv_gross_health = result.gross
    for branch, (employee, employer) in branch_rates(emp, rates).items():
        total = share(total_base, employee + employer)
        employee_share = share(employee_base, employee)
        setattr(result, f"employee_{branch}", employee_share)
        setattr(result, f"employer_{branch}", total - employee_share)
    if not emp.privately_insured and childless_surcharge_applies(emp, rates, first):
        result.employee_care += share(total_base, rates.care_childless_surcharge)
    result.employer_insolvency = share(result.gross, rates.insolvency_rate)
    levies(result, emp, result.gross)
    result.notes.append("Übergangsbereich (Midijob): Beiträge aus reduzierter Bemessungs"
                        "grundlage, Umlagen aus dem tatsächlichen Entgelt")


def minijob(result: PayResult, emp: EmployeePay, rates: Rates, sv_days: int) -> None:
    """Minijob: employer flat rates, the employee's RV top-up unless exempted, levies."""
    gross = result.gross
    result.sv_gross_pension = result.sv_gross_health = gross
    result.employer_pension = share(gross, rates.minijob_pension_rate)
    if not emp.minijob_pension_exempt:
        base = max(gross, pro_rata(rates.minijob_pension_min_base, sv_days))
        # the employee pays the difference between the full contribution and the employer's
        result.employee_pension = share(base, rates.pension_rate) - result.employer_pension
    if not emp.privately_insured:
        result.employer_health = share(gross, rates.minijob_health_rate)
    result.employer_insolvency = share(gross, rates.insolvency_rate)
    result.employer_flat_tax = share(gross, rates.minijob_flat_tax_rate)
    if emp.u1_applies:
        result.employer_u1 = share(gross, rates.minijob_u1_rate)
    result.employer_u2 = share(gross, rates.minijob_u2_rate)
    result.notes.append("Minijob: Pauschalbeiträge, Umlagen und 2 % Pauschsteuer an die "
                        "Minijob-Zentrale" + ("; von der RV-Pflicht befreit"
                                              if emp.minijob_pension_exempt else ""))


def levies(result: PayResult, emp: EmployeePay, base: Decimal) -> None:
    """U1 (only while the company takes part) and U2 at the health fund's rates."""
    if emp.u1_applies and emp.u1_rate is not None:
        result.employer_u1 = share(base, emp.u1_rate)
    if emp.u2_rate is not None:
        result.employer_u2 = share(base, emp.u2_rate)


def check_private_insurance(emp: EmployeePay, rates: Rates, minijob_: bool) -> None:
    """Private health insurance needs a regular wage above the JAEG (§ 6 (1) Nr. 1 SGB V)."""
    if emp.privately_insured and not minijob_ \
            and emp.monthly_gross <= rates.health_insurance_threshold:
        raise BusinessRuleError(
            f"Privat krankenversichert ist nur möglich, wenn das regelmäßige Entgelt die "
            f"Versicherungspflichtgrenze von {rates.health_insurance_threshold} € im Monat "
            f"übersteigt (hier {emp.monthly_gross} €); Krankenkasse eintragen statt PKV")


def private_subsidies(result: PayResult, emp: EmployeePay, rates: Rates,
                      sv_days: int) -> None:
    """§ 257 SGB V / § 61 SGB XI: half the premium, at most what the employer would pay."""
    ceiling = pro_rata(rates.ceiling_health, sv_days)
    health_cap = share(ceiling, (rates.health_general_rate + rates.health_average_addon) / 2)
    care_cap = share(ceiling, care_split(emp, rates)[1])
    result.health_subsidy = min(money(emp.private_health_premium / 2), health_cap)
    result.care_subsidy = min(money(emp.private_care_premium / 2), care_cap)
    result.private_health = True


def group_keys(result: PayResult, emp: EmployeePay) -> None:
    """Beitragsgruppenschlüssel (KV RV AV PV) and Personengruppenschlüssel (DEÜV)."""
    if result.minijob:
        kv = "0" if emp.privately_insured else "6"
        rv = "5" if emp.minijob_pension_exempt else "1"
        result.contribution_group, result.person_group = f"{kv}{rv}00", "109"
        return
    kv_pv = ("0", "0") if emp.privately_insured else ("1", "1")
    result.contribution_group = f"{kv_pv[0]}11{kv_pv[1]}"
    result.person_group = "101"

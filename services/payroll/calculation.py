"""One employee's pay for one month: gross, wage tax, social insurance, net, employer cost.

Pure: no database, no Flask. Amounts are Decimal euro, rounded to the cent as follows:
- pro-rata gross and each social-insurance share: commercial rounding (ROUND_HALF_UP) of
  base × rate, every employee and employer share rounded on its own (in the
  Übergangsbereich the employer's share is the rounded total less the employee's share);
- wage tax, solidarity surcharge and the church-tax base come from the BMF PAP in cent with
  the PAP's own rounding; church tax = base × rate rounded down to the cent (the church-tax
  laws drop fractions of a cent); the rate follows the workplace state;
- a partial month (joining or leaving mid-month) pays gross × days / calendar days; the
  contribution ceilings become ceiling × SV days / 30 (§ 23a SGB IV practice: a full month
  counts 30 days); wage tax uses the PAP's daily table (LZZ 4; 3 is the week) on the daily wage (rounded
  down to the cent) and multiplies the daily results by the calendar days (R 39b.5 LStR).
- the kind of employment follows the contractual monthly gross: up to the minijob limit a
  minijob (flat tax, no wage tax), up to the Übergangsbereich's upper limit a Midijob.
Contributions: services/payroll/contributions.py. Not covered: one-off payments,
multiple employments, short-term employment, the Übergangsbereich for part months
(the formula is applied to the part-month wage with the monthly constants).
"""
import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.payroll.lohnsteuer import calculate as lohnsteuer
from services.payroll import contributions
from services.payroll.contributions import (child_reductions, childless_surcharge_applies,
                                            care_rates)
from services.payroll.pay import (CENT, DENOMINATIONS, HUNDRED, ZERO, EmployeePay, PayResult,
                                  money, share)
from services.payroll.rates import Rates, month_bounds

__all__ = ("EmployeePay", "PayResult", "calculate_pay", "month_bounds", "money", "share",
           "care_rates", "pap_inputs", "DENOMINATIONS", "ZERO")


def employed_days(emp: EmployeePay, year: int, month: int) -> int:
    """Calendar days of the month the employee was employed (0 when not at all)."""
    first, last = month_bounds(year, month)
    start = max(first, emp.hire_date)
    end = min(last, emp.exit_date) if emp.exit_date else last
    return max(0, (end - start).days + 1)


def unpaid_reduction(gross: Decimal, emp: EmployeePay, days: int) -> Decimal:
    """Unpaid absence days cost 1/30 of the monthly gross each (30-day rule); absent on
    every employed day of the month: no wage at all."""
    if not emp.unpaid_days:
        return gross
    if emp.unpaid_days >= days:
        return ZERO
    return max(ZERO, gross - money(emp.monthly_gross * emp.unpaid_days / 30))


def calculate_pay(emp: EmployeePay, year: int, month: int, rates: Rates) -> PayResult:
    """Calculate one employee's pay for a month with the month's parameters."""
    first, _ = month_bounds(year, month)
    dim = calendar.monthrange(year, month)[1]
    days = employed_days(emp, year, month)
    if days == 0:
        raise ValueError("the employee was not employed in this month")
    if emp.church_denomination and emp.church_denomination not in DENOMINATIONS:
        raise BusinessRuleError(
            f"Konfession '{emp.church_denomination}' ist unbekannt; erlaubt: "
            f"{', '.join(sorted(DENOMINATIONS))} (leer = keine Kirchensteuer)")
    if emp.hourly_rate is not None:   # paid by the hour: what was reported, and vacation
        loss = short_time_loss(emp, None)   # the hours reported are the hours worked
        gross = emp.variable_gross + emp.vacation_pay
    else:
        gross = emp.monthly_gross if days == dim else money(emp.monthly_gross * days / dim)
        loss = short_time_loss(emp, gross)
        gross = max(ZERO, unpaid_reduction(gross, emp, days) - loss) + emp.variable_gross \
            + emp.vacation_pay
    is_minijob = emp.monthly_gross <= rates.minijob_limit
    contributions.check_private_insurance(emp, rates, is_minijob)
    result = PayResult(days=days, days_in_month=dim, minijob=is_minijob, gross=gross,
                       taxable_gross=ZERO if is_minijob else gross,
                       private_health=emp.privately_insured,
                       unpaid_days=emp.unpaid_days, sv_free_days=emp.sv_free_days,
                       variable_gross=emp.variable_gross, overtime_pay=emp.overtime_pay,
                       vacation_days=emp.vacation_days, vacation_pay=emp.vacation_pay)
    sv_days = 30 if days == dim and not emp.sv_free_days else max(0, days - emp.sv_free_days)
    result.sv_days = sv_days
    if is_minijob:
        contributions.minijob(result, emp, rates, sv_days)
    elif emp.monthly_gross <= rates.midijob_upper_limit:
        result.midijob = True
        contributions.midijob(result, emp, rates, first)
    else:
        contributions.regular(result, emp, rates, sv_days, first)
    if emp.privately_insured and not is_minijob:
        contributions.private_subsidies(result, emp, rates, sv_days)
    contributions.group_keys(result, emp)
    if not is_minijob:
        _wage_tax(result, emp, rates, year, first)
    if emp.short_time_days:
        result.short_time_days = emp.short_time_days
        result.short_time_hours = emp.short_time_lost if emp.short_time_in_hours else ZERO
        result.short_time_loss = loss
        if is_minijob:
            result.notes.append(MINIJOB_NO_KUG)
        elif loss:
            _short_time(result, emp, rates, year, first, sv_days, loss)
    return result


# a minijob is free of unemployment insurance (§ 27 (2) SGB III), so no KUG (§ 98 (1) Nr. 1)
MINIJOB_NO_KUG = ("Kurzarbeit im Minijob: kein Kurzarbeitergeld (Minijobs sind in der "
                  "Arbeitslosenversicherung versicherungsfrei, § 27 Abs. 2 SGB III); der "
                  "Arbeitsausfall wird nicht bezahlt")


def short_time_loss(emp: EmployeePay, salary: Decimal | None) -> Decimal:
    """The pay lost to Kurzarbeit: paid by the hour hourly rate × hours lost; a salary
    (`salary`: the month's, pro rata when employed part of the month) × hours lost /
    contractual hours of the employed days (a day = the contractual daily hours)."""
    if not emp.short_time_lost:
        return ZERO
    if salary is None:
        if not emp.short_time_in_hours:
            raise RuleError(N_("Kurzarbeit bei Stundenlohn: für ganze Ausfalltage fehlen "
                               "die Wochenstunden im Personalstamm (oder Stunden je Tag an "
                               "der Abwesenheit angeben)."))
        return money(emp.hourly_rate * emp.short_time_lost)
    if emp.short_time_lost >= emp.short_time_contract:
        return salary   # the whole (employed part of the) month lost
    return money(salary * emp.short_time_lost / emp.short_time_contract)


def _short_time(result: PayResult, emp: EmployeePay, rates: Rates, year: int, first: date,
                sv_days: int, loss: Decimal) -> None:
    """Kurzarbeitergeld and the employer's SV on the fictional pay (kurzarbeit.py).

    Soll-Entgelt: the month's regular pay without the loss, for the whole month and without
    other reductions (unpaid days, part month), overtime pay left out; Ist-Entgelt: Soll
    less the pay lost to Kurzarbeit (the Bundesagentur's rule: the Ist-Entgelt is raised by
    reductions for other reasons, so only Kurzarbeit moves the difference).
    Midijob: KUG as for everyone (§ 106: 20 % flat SV, § 153 SGB III); the Ist-Entgelt
    pays its contributions on the Übergangsbereich's reduced base, the fictional pay at the
    full rate by the employer alone (§ 249 (2) SGB V). An Ist-Entgelt above zero but at or
    below the minijob limit is refused: whether the Übergangsbereich's formula then still
    applies is not settled in the statute this code follows.
    """
    from services.payroll.kurzarbeit import short_time

    if result.midijob and ZERO < result.gross <= rates.minijob_limit:
        raise RuleError(N_("Kurzarbeit im Midijob: das Ist-Entgelt %(gross)s € liegt nicht "
                           "über der Minijob-Grenze %(limit)s €; wie die Beiträge dann zu "
                           "rechnen sind, ist hier nicht geregelt. Bitte diesen Monat "
                           "gesondert abrechnen (Krankenkasse fragen) oder die Kurzarbeit "
                           "prüfen."), gross=str(result.gross), limit=str(rates.minijob_limit))
    regular = emp.variable_gross - emp.overtime_pay + emp.vacation_pay
    target = (regular + loss) if emp.hourly_rate is not None else emp.monthly_gross + regular
    pensions, healths = (contributions.pro_rata(rates.ceiling_pension, sv_days),
                         contributions.pro_rata(rates.ceiling_health, sv_days))
    kug = short_time(target, target - loss, emp, rates, year, first,
                     result.sv_gross_pension, result.sv_gross_health, pensions, healths,
                     childless_surcharge_applies(emp, rates, first))
    result.short_time_target_gross = target
    result.short_time_allowance = kug.allowance
    result.employer_short_time_si = kug.employer_si
    result.notes.append("Kurzarbeitergeld steuerfrei, Progressionsvorbehalt (§ 32b EStG)")


def pap_inputs(emp: EmployeePay, rates: Rates, year: int, first: date, wage_cent: Decimal,
               lzz: int, subsidy_cent: Decimal = Decimal(0)) -> dict:
    """Map the employee to the inputs of the BMF wage-tax PAP."""
    age64 = None
    if emp.birth_date is not None:
        try:
            age64 = emp.birth_date.replace(year=emp.birth_date.year + 64) - timedelta(days=1)
        except ValueError:
            age64 = date(emp.birth_date.year + 64, 2, 28)
    senior = age64 is not None and age64.year < year
    private = emp.privately_insured
    premium = (emp.private_health_premium + emp.private_care_premium) if private else ZERO
    return dict(
        LZZ=lzz, RE4=wage_cent, STKL=emp.tax_class, ZKF=emp.child_allowances,
        KVZ=emp.health_insurance_addon, R=1 if emp.church_liable else 0,
        PVS=1 if emp.state == "SN" else 0,
        PVZ=1 if childless_surcharge_applies(emp, rates, first) else 0,
        PVA=Decimal(child_reductions(emp, rates)),
        ALTER1=1 if senior else 0, AJAHR=age64.year + 1 if senior else 0,
        KRV=0, PKV=1 if private else 0, ALV=0,
        PKPV=premium * HUNDRED, PKPVAGZ=subsidy_cent,
    )


def _wage_tax(result: PayResult, emp: EmployeePay, rates: Rates, year: int,
              first: date) -> None:
    full = result.days == result.days_in_month
    if full:
        wage_cent, lzz, factor = result.taxable_gross * HUNDRED, 2, 1
    else:  # daily table on the daily wage, times the calendar days
        daily = (result.taxable_gross / result.days).quantize(CENT, rounding=ROUND_DOWN)
        wage_cent, lzz, factor = daily * HUNDRED, 4, result.days  # PAP: LZZ 4 = Tag
    out = lohnsteuer(year, **pap_inputs(emp, rates, year, first, wage_cent, lzz,
                                        result.subsidies * HUNDRED))
    result.wage_tax = (out["LSTLZZ"] * factor / HUNDRED).quantize(CENT)
    result.solidarity = (out["SOLZLZZ"] * factor / HUNDRED).quantize(CENT)
    if emp.church_liable:
        reduced = emp.state in rates.church_tax_reduced_states
        result.church_tax_rate = (rates.church_tax_rate_reduced if reduced
                                  else rates.church_tax_rate)
        base = out["BK"] * factor / HUNDRED
        result.church_tax = (base * result.church_tax_rate / HUNDRED).quantize(
            CENT, rounding=ROUND_DOWN)

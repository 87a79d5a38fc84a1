"""One employee's pay for one month: gross, wage tax, social insurance, net, employer cost.

Pure: no database, no Flask. Amounts are Decimal euro, rounded to the cent as follows:
- pro-rata gross and each social-insurance share: commercial rounding (ROUND_HALF_UP) of
  base × rate, every employee and employer share rounded on its own;
- wage tax, solidarity surcharge and the church-tax base come from the BMF PAP in cent with
  the PAP's own rounding; church tax = base × rate rounded down to the cent (the church-tax
  laws drop fractions of a cent);
- a partial month (joining or leaving mid-month) pays gross × days / calendar days; the
  contribution ceilings become ceiling × SV days / 30 (§ 23a SGB IV practice: a full month
  counts 30 days); wage tax uses the PAP's daily table (LZZ 3) on the daily wage (rounded
  down to the cent) and multiplies the daily results by the calendar days (R 39b.5 LStR).
- mini-jobs (contractual monthly gross up to the limit): no employee deductions (the
  employee is assumed exempted from the pension top-up), the employer pays the flat rates
  for pension and health, the flat wage tax and the insolvency levy.
Not covered: the transition zone (Midijob, 603.01–2,000 €) is calculated at full rates,
private health insurance, U1/U2 levies, one-off payments.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from services.payroll.lohnsteuer import calculate as lohnsteuer
from services.payroll.rates import Rates

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EmployeePay:
    """The employee data that pay depends on (a snapshot, not the document)."""

    monthly_gross: Decimal
    tax_class: int
    hire_date: date
    exit_date: date | None = None
    birth_date: date | None = None
    child_allowances: Decimal = Decimal("0")
    children_under_25: int = 0
    church_tax: bool = False
    health_insurance_addon: Decimal = Decimal("2.90")
    childless: bool = False
    state: str = "NW"


@dataclass
class PayResult:
    """Every amount of one payslip, in euro."""

    days: int
    days_in_month: int
    minijob: bool
    gross: Decimal
    taxable_gross: Decimal
    wage_tax: Decimal = ZERO
    solidarity: Decimal = ZERO
    church_tax: Decimal = ZERO
    church_tax_rate: Decimal = ZERO
    employee_pension: Decimal = ZERO
    employee_unemployment: Decimal = ZERO
    employee_health: Decimal = ZERO
    employee_care: Decimal = ZERO
    employer_pension: Decimal = ZERO
    employer_unemployment: Decimal = ZERO
    employer_health: Decimal = ZERO
    employer_care: Decimal = ZERO
    employer_insolvency: Decimal = ZERO
    employer_flat_tax: Decimal = ZERO
    notes: list[str] = field(default_factory=list)

    @property
    def employee_si(self) -> Decimal:
        return (self.employee_pension + self.employee_unemployment + self.employee_health
                + self.employee_care)

    @property
    def employer_si(self) -> Decimal:
        return (self.employer_pension + self.employer_unemployment + self.employer_health
                + self.employer_care + self.employer_insolvency)

    @property
    def net(self) -> Decimal:
        return (self.gross - self.wage_tax - self.solidarity - self.church_tax
                - self.employee_si)

    @property
    def employer_cost(self) -> Decimal:
        return self.gross + self.employer_si + self.employer_flat_tax


def money(value: Decimal) -> Decimal:
    """Round to the cent, commercially (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(base: Decimal, rate_percent: Decimal) -> Decimal:
    """One contribution share: base × rate %, rounded half up to the cent."""
    return money(base * rate_percent / HUNDRED)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def employed_days(emp: EmployeePay, year: int, month: int) -> int:
    """Calendar days of the month the employee was employed (0 when not at all)."""
    first, last = month_bounds(year, month)
    start = max(first, emp.hire_date)
    end = min(last, emp.exit_date) if emp.exit_date else last
    return max(0, (end - start).days + 1)


def completed_age_before(birth_date: date, age: int, day: date) -> bool:
    """True when the person completed `age` years before `day` (day before the birthday)."""
    try:
        birthday = birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        birthday = date(birth_date.year + age, 3, 1)
    return birthday - timedelta(days=1) < day


def calculate_pay(emp: EmployeePay, year: int, month: int, rates: Rates) -> PayResult:
    """Calculate one employee's pay for a month with the month's parameters."""
    first, _ = month_bounds(year, month)
    dim = calendar.monthrange(year, month)[1]
    days = employed_days(emp, year, month)
    if days == 0:
        raise ValueError("the employee was not employed in this month")
    gross = emp.monthly_gross if days == dim else money(emp.monthly_gross * days / dim)
    minijob = emp.monthly_gross <= rates.minijob_limit
    result = PayResult(days=days, days_in_month=dim, minijob=minijob, gross=gross,
                       taxable_gross=ZERO if minijob else gross)
    if minijob:
        _minijob_contributions(result, rates)
        return result
    sv_days = 30 if days == dim else days
    _social_insurance(result, emp, rates, sv_days, first)
    _wage_tax(result, emp, rates, year, first)
    return result


def _minijob_contributions(result: PayResult, rates: Rates) -> None:
    gross = result.gross
    result.employer_pension = share(gross, rates.minijob_pension_rate)
    result.employer_health = share(gross, rates.minijob_health_rate)
    result.employer_insolvency = share(gross, rates.insolvency_rate)
    result.employer_flat_tax = share(gross, rates.minijob_flat_tax_rate)
    result.notes.append("Minijob: Pauschalbeiträge und Pauschsteuer trägt der Arbeitgeber")


def _ceiling(monthly: Decimal, sv_days: int) -> Decimal:
    return monthly if sv_days == 30 else money(monthly * sv_days / 30)


def _social_insurance(result: PayResult, emp: EmployeePay, rates: Rates, sv_days: int,
                      first: date) -> None:
    base_rv = min(result.gross, _ceiling(rates.ceiling_pension, sv_days))
    base_kv = min(result.gross, _ceiling(rates.ceiling_health, sv_days))
    half_rv, half_av = rates.pension_rate / 2, rates.unemployment_rate / 2
    half_kv = (rates.health_general_rate + emp.health_insurance_addon) / 2
    result.employee_pension = result.employer_pension = share(base_rv, half_rv)
    result.employee_unemployment = result.employer_unemployment = share(base_rv, half_av)
    result.employee_health = result.employer_health = share(base_kv, half_kv)
    employee_care, employer_care = care_rates(emp, rates, first)
    result.employee_care = share(base_kv, employee_care)
    result.employer_care = share(base_kv, employer_care)
    result.employer_insolvency = share(base_rv, rates.insolvency_rate)


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


def care_rates(emp: EmployeePay, rates: Rates, first: date) -> tuple[Decimal, Decimal]:
    """Employee and employer care-insurance rates in percent for this employee."""
    if emp.state == "SN":
        employer = rates.care_employer_rate_saxony
    else:
        employer = rates.care_rate / 2
    employee = rates.care_rate - employer
    if childless_surcharge_applies(emp, rates, first):
        employee += rates.care_childless_surcharge
    employee -= rates.care_child_reduction * child_reductions(emp, rates)
    return employee, employer


def pap_inputs(emp: EmployeePay, rates: Rates, year: int, first: date, wage_cent: Decimal,
               lzz: int) -> dict:
    """Map the employee to the inputs of the BMF wage-tax PAP."""
    age64 = None
    if emp.birth_date is not None:
        try:
            age64 = emp.birth_date.replace(year=emp.birth_date.year + 64) - timedelta(days=1)
        except ValueError:
            age64 = date(emp.birth_date.year + 64, 2, 28)
    senior = age64 is not None and age64.year < year
    return dict(
        LZZ=lzz, RE4=wage_cent, STKL=emp.tax_class, ZKF=emp.child_allowances,
        KVZ=emp.health_insurance_addon, R=1 if emp.church_tax else 0,
        PVS=1 if emp.state == "SN" else 0,
        PVZ=1 if childless_surcharge_applies(emp, rates, first) else 0,
        PVA=Decimal(child_reductions(emp, rates)),
        ALTER1=1 if senior else 0, AJAHR=age64.year + 1 if senior else 0,
        KRV=0, PKV=0, ALV=0,
    )


def _wage_tax(result: PayResult, emp: EmployeePay, rates: Rates, year: int,
              first: date) -> None:
    full = result.days == result.days_in_month
    if full:
        wage_cent, lzz, factor = result.taxable_gross * HUNDRED, 2, 1
    else:  # daily table on the daily wage, times the calendar days
        daily = (result.taxable_gross / result.days).quantize(CENT, rounding=ROUND_DOWN)
        wage_cent, lzz, factor = daily * HUNDRED, 3, result.days
    out = lohnsteuer(year, **pap_inputs(emp, rates, year, first, wage_cent, lzz))
    result.wage_tax = (out["LSTLZZ"] * factor / HUNDRED).quantize(CENT)
    result.solidarity = (out["SOLZLZZ"] * factor / HUNDRED).quantize(CENT)
    if emp.church_tax:
        reduced = emp.state in rates.church_tax_reduced_states
        result.church_tax_rate = (rates.church_tax_rate_reduced if reduced
                                  else rates.church_tax_rate)
        base = out["BK"] * factor / HUNDRED
        result.church_tax = (base * result.church_tax_rate / HUNDRED).quantize(
            CENT, rounding=ROUND_DOWN)

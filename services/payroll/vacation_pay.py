"""Variable pay of the month and vacation pay at the average of the last 13 weeks (§ 11 BUrlG).

Who: employees paid by the hour (`Employee.hourly_rate`) and employees with regular variable
components (a `PayInput` with `variable_pay` in the month or the reference period). For a
fixed monthly salary without variable components nothing changes: the salary continues
during vacation.

The rule as built (Urlaubsentgelt):
- reference period: the 3 calendar months before the payroll month (13 weeks; monthly
  payroll uses the 3 full months before, the usual practice), only months with a PayInput;
- reference earnings: hours × hourly rate (paid by the hour) + `variable_pay`; overtime pay
  is left out (§ 11 (1) sentence 1 BUrlG);
- reference days: the working days of those months (week model, public holidays of the
  workplace state not counted) less the days of approved absences in them: days not
  worked do not lower the average (§ 11 (1) sentence 3: losses through absence without
  fault stay out of it);
- vacation pay of the month = reference earnings × vacation days of the month / reference
  days, rounded half up to the cent (one rounding, no rounded daily rate);
  paid by the hour: this is the pay for the vacation days; with a fixed salary it is a
  supplement to the salary, which continues;
- no reference month (new employee): the contract's daily rate, hourly rate × weekly
  hours / working days per week; with a fixed salary no supplement;
- vacation days: approved absences of a type that counts against the entitlement, in
  working days of the payroll month (half days 0.5).
Not covered: pay rises during the period (§ 11 (1) sentence 2: the higher rate counts) are
not applied to the past months; sick pay and holiday pay of hourly workers are not
averaged here (the hours reported are taken as paid).
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.absence import AbsenceType
from services.hr.payroll_effects import approved_between
from models.pay_input import PayInput
from services.hr.workdays import days_per_week, working_days
from services.payroll.pay import ZERO, money
from services.payroll.rates import month_bounds

REFERENCE_MONTHS = 3


@dataclass
class MonthPay:
    """The variable part of one employee's month."""

    variable_gross: Decimal = ZERO     # hours × rate + variable components + overtime
    overtime_pay: Decimal = ZERO
    vacation_days: Decimal = Decimal("0")
    vacation_pay: Decimal = ZERO


def reference_months(year: int, month: int) -> list[tuple[int, int]]:
    """The 3 calendar months before (year, month), oldest first."""
    out = []
    for back in range(REFERENCE_MONTHS, 0, -1):
        index = year * 12 + (month - 1) - back
        out.append((index // 12, index % 12 + 1))
    return out


def earnings(entry, hourly_rate) -> Decimal:
    """The vacation-relevant earnings of a month's input (overtime pay left out)."""
    hours_pay = money(entry["hours"] * hourly_rate) if hourly_rate is not None else ZERO
    return hours_pay + entry["variable_pay"]


def contract_daily_rate(hourly_rate, weekly_hours, work_days: str) -> Decimal | None:
    """Hourly rate × weekly hours / working days per week (unrounded), or None."""
    if hourly_rate is None or not weekly_hours:
        return None
    return hourly_rate * weekly_hours / days_per_week(work_days)


def vacation_pay(vacation_days: Decimal, history: list[tuple[Decimal, Decimal]],
                 hourly_rate=None, weekly_hours=None, work_days: str = "12345") -> Decimal:
    """Pay for the vacation days from (earnings, days) of the reference months."""
    if not vacation_days:
        return ZERO
    total, days = sum((e for e, _ in history), ZERO), sum((d for _, d in history), Decimal(0))
    if days > 0:
        return money(total * vacation_days / days)
    rate = contract_daily_rate(hourly_rate, weekly_hours, work_days)
    return money(rate * vacation_days) if rate is not None else ZERO


class MonthContext:
    """Everything a run needs for variable pay, read once: the pay inputs of the month and
    its reference months, and the approved absences touching them."""

    def __init__(self, year: int, month: int):
        self.year, self.month = year, month
        self.months = reference_months(year, month)
        periods = self.months + [(year, month)]
        self.inputs: dict = defaultdict(dict)
        raw_filter = {"$or": [{"year": y, "month": m} for y, m in periods]}
        for raw in PayInput.objects(__raw__=raw_filter).only(
                "employee", "year", "month", "hours", "variable_pay",
                "overtime_pay").as_pymongo().no_cache():
            self.inputs[raw["employee"]][(raw["year"], raw["month"])] = {
                name: PayInput._fields[name].to_python(raw.get(name, 0))
                for name in ("hours", "variable_pay", "overtime_pay")}
        self.inputs_of_month = {emp for emp, by_month in self.inputs.items()
                                if (year, month) in by_month}
        self.first = month_bounds(*self.months[0])[0]
        self.last = month_bounds(year, month)[1]
        self._absences = None

    def absences(self) -> dict:
        """Approved absences touching the period, per employee: (start, end, half start,
        half end, counts as vacation); read on first need (only variable-pay people)."""
        if self._absences is None:
            vacation = {t["_id"] for t in AbsenceType.objects(
                counts_against_entitlement=True).only("id").as_pymongo()}
            found = defaultdict(list)
            for raw in approved_between(self.first, self.last, (
                    "employee", "absence_type", "start", "end", "half_day_start",
                    "half_day_end", "status")):
                found[raw["employee"]].append((
                    _day(raw["start"]), _day(raw["end"]), bool(raw.get("half_day_start")),
                    bool(raw.get("half_day_end")), raw["absence_type"] in vacation))
            self._absences = found
        return self._absences

    def applies(self, values: dict) -> bool:
        return values.get("hourly_rate") is not None or values["id"] in self.inputs

    def month_pay(self, values: dict) -> MonthPay:
        """The variable pay and the vacation pay of one employee (values of the run)."""
        inputs = self.inputs.get(values["id"], {})
        rate = values.get("hourly_rate")
        work_days = values.get("work_days") or "12345"
        state = values.get("workplace_state") or values.get("state") or "NW"
        spans = self.absences().get(values["id"], [])
        this = inputs.get((self.year, self.month))
        overtime = this["overtime_pay"] if this else ZERO
        variable = (earnings(this, rate) + overtime) if this else ZERO
        first, last = month_bounds(self.year, self.month)
        days = sum((working_days(s, e, work_days, state, hs, he, (first, last))
                    for s, e, hs, he, is_vacation in spans if is_vacation), Decimal(0))
        history = []
        for y, m in self.months:
            entry = inputs.get((y, m))
            if entry is None:
                continue
            lo, hi = month_bounds(y, m)
            lo = max(lo, values["hire_date"])
            if lo > hi:
                continue
            absent = sum((working_days(s, e, work_days, state, hs, he, (lo, hi))
                          for s, e, hs, he, _ in spans), Decimal(0))
            worked = working_days(lo, hi, work_days, state) - absent
            if worked > 0:
                history.append((earnings(entry, rate), worked))
        pay = vacation_pay(days, history, rate, values.get("weekly_hours"), work_days)
        return MonthPay(variable_gross=variable, overtime_pay=overtime, vacation_days=days,
                        vacation_pay=pay)


def _day(value) -> date:
    return value.date() if hasattr(value, "date") else value

"""HR reports: headcount by department per month end, sick-leave rate, vacation liability at
the year end (Urlaubsrückstellung), turnover.

- headcount: employees employed on the last day of each month, by department;
- sick-leave rate: sick working days (approved sick absences) / target working days of
  everyone employed in the year, in percent;
- vacation liability: remaining days at 31 December × daily rate; the daily rate follows
  § 11 BUrlG: the gross of the last 13 weeks / the working days in them, i.e.
  3 × monthly gross / (13 × days per week);
- turnover: leavers in the year / average month-end headcount, in percent.
"""
import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from models.absence import Absence, AbsenceType
from models.employee import Employee
from services.hr import absences
from services.hr.workdays import days_per_week, working_days

CENT = Decimal("0.01")


def _employed(employee: Employee, day: date) -> bool:
    return employee.hire_date <= day and (employee.exit_date is None or employee.exit_date >= day)


def headcount(year: int) -> dict[str, list[int]]:
    """Department -> 12 month-end headcounts."""
    counts = {}
    employees = list(Employee.objects.only("department", "hire_date", "exit_date"))
    for month in range(1, 13):
        end = date(year, month, calendar.monthrange(year, month)[1])
        for dept, n in Counter(e.department or "–" for e in employees if _employed(e, end)).items():
            counts.setdefault(dept, [0] * 12)[month - 1] = n
    return dict(sorted(counts.items()))


def sick_rate(year: int) -> Decimal:
    """Sick working days / target working days of the year, in percent (two places)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    sick_types = [t.pk for t in AbsenceType.objects(payroll_treatment="sick").only("id")]
    target = sick = Decimal(0)
    for employee in Employee.objects(hire_date__lte=last):
        if employee.exit_date and employee.exit_date < first:
            continue
        span = (max(first, employee.hire_date), min(last, employee.exit_date or last))
        target += absences.count_days(employee, *span)
        for a in Absence.objects(employee=employee, status="approved",
                                 absence_type__in=sick_types, start__lte=last, end__gte=first):
            sick += absences.count_days(employee, a.start, a.end, a.half_day_start,
                                        a.half_day_end, span)
    return (sick * 100 / target).quantize(CENT, ROUND_HALF_UP) if target else Decimal("0.00")


def daily_rate(employee: Employee) -> Decimal:
    """§ 11 BUrlG: 13 weeks' pay / working days in them (3 months' gross / 13 weeks)."""
    per_week = days_per_week(employee.work_days)
    return (employee.monthly_gross * 3 / (13 * per_week)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class LiabilityLine:
    employee: Employee
    remaining: Decimal
    daily_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.remaining * self.daily_rate).quantize(CENT, ROUND_HALF_UP)


def vacation_liability(year: int) -> list[LiabilityLine]:
    """Remaining leave at 31 December × daily rate, per employee employed then."""
    end = date(year, 12, 31)
    lines = []
    for employee in Employee.objects(hire_date__lte=end):
        if not _employed(employee, end):
            continue
        account = absences.balance(employee, year, as_of=end)
        remaining = max(account.remaining, Decimal(0)) if account else Decimal(0)
        if remaining:
            lines.append(LiabilityLine(employee, remaining, daily_rate(employee)))
    return lines


def turnover(year: int) -> tuple[int, Decimal, Decimal]:
    """(leavers, average month-end headcount, turnover in percent)."""
    leavers = Employee.objects(exit_date__gte=date(year, 1, 1),
                               exit_date__lte=date(year, 12, 31)).count()
    monthly = [sum(v[m] for v in headcount(year).values()) for m in range(12)]
    average = (Decimal(sum(monthly)) / 12).quantize(CENT, ROUND_HALF_UP)
    rate = (leavers * 100 / average).quantize(CENT, ROUND_HALF_UP) if average else Decimal(0)
    return leavers, average, rate


def as_rows(year: int) -> list[list]:
    """The whole report as CSV rows (German headings)."""
    rows = [["Bericht", "Abteilung/Person", "Wert"] + [f"{m:02d}/{year}" for m in range(1, 13)]]
    for dept, counts in headcount(year).items():
        rows.append(["Personalbestand", dept, ""] + counts)
    rows.append(["Krankenquote (%)", "", str(sick_rate(year)).replace(".", ",")])
    leavers, average, rate = turnover(year)
    rows.append(["Fluktuation (%)", f"{leavers} Austritte / Ø {average}",
                 str(rate).replace(".", ",")])
    for line in vacation_liability(year):
        rows.append(["Urlaubsrückstellung", str(line.employee),
                     str(line.amount).replace(".", ",")])
    return rows

"""The team calendar: one month of a department, who is away on which day, with holidays."""
import calendar
from dataclasses import dataclass, field
from datetime import date

from models.absence import Absence
from models.employee import Employee
from services.hr.workdays import days_between, public_holidays


@dataclass
class Row:
    employee: Employee
    cells: dict = field(default_factory=dict)   # date -> Absence


@dataclass
class MonthView:
    year: int
    month: int
    department: str
    days: list
    holidays: dict       # date -> name (any state of the team)
    rows: list


def month_view(department: str, year: int, month: int) -> MonthView:
    """Employees of the department employed in the month and their live absences."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    employees = [e for e in Employee.objects(department=department, hire_date__lte=last)
                 if e.exit_date is None or e.exit_date >= first]
    rows = {e.pk: Row(e) for e in employees}
    for absence in Absence.objects(employee__in=list(rows), status__in=["requested", "approved"],
                                   start__lte=last, end__gte=first):
        for day in days_between(max(absence.start, first), min(absence.end, last)):
            rows[absence.employee.pk].cells[day] = absence
    holidays = {}
    for state in {e.workplace_state or e.state for e in employees} or {"NW"}:
        holidays.update({d: n for d, n in public_holidays(state, year).items()
                         if first <= d <= last})
    return MonthView(year, month, department, list(days_between(first, last)), holidays,
                     sorted(rows.values(), key=lambda r: (r.employee.last_name,
                                                          r.employee.first_name)))


def departments() -> list[str]:
    return sorted(d for d in Employee.objects.distinct("department") if d)

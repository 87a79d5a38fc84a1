"""Demo absences: vacations approved and requested, sick leaves with eAU, over the year.

Everything goes through services.hr.absences (working days counted against each
person's holidays, the leave balance checked, HR deciding for employees without a
manager), so the team calendar, the leave accounts and the approvals on HR's task list
show what the product would have recorded. Nothing is added if absences exist.
"""
from datetime import date, timedelta

from models.absence import Absence
from models.employee import Employee
from seeds.demo_payables import demo_user

HR = "hr@backoffice.example.com"
# (employee index, type, start offset in days from the first of this year's January,
#  working days long, decided): spread over the year and over departments
PLAN = ((0, "urlaub", 40, 5, True), (1, "urlaub", 130, 10, True), (2, "urlaub", 190, 10, True),
        (3, "urlaub", 215, 15, True), (4, "urlaub", 285, 5, True), (5, "urlaub", 345, 4, True),
        (6, "krank", 60, 3, None), (7, "krank", 240, 8, None), (8, "kind_krank", 100, 2, None),
        (9, "fortbildung", 160, 2, True))
# requested, not yet decided: in the weeks after today (on HR's task list)
REQUESTS = ((1, "urlaub", 14, 5), (2, "urlaub", 30, 10), (10, "urlaub", 45, 3))


def seed_demo_absences(today: date | None = None) -> dict:
    """About a dozen absences of ten people; a sick leave of this month still open."""
    from services.hr.absences import decide, record_eau, request_absence

    if Absence.objects.first() is not None:
        return {}
    hr = demo_user(HR, "hr")
    people = list(Employee.objects(status="active").order_by("personnel_no")[1:15])
    if len(people) < 12:
        return {}
    today = today or date.today()
    year_start, made = date(today.year, 1, 1), 0
    for index, code, offset, length, decided in PLAN:
        start = _workday(year_start + timedelta(days=offset))
        if start > today + timedelta(days=60):
            start = _workday(today - timedelta(days=20 + index))   # early in the year: past
        end = _after_workdays(start, length)
        person = people[index]
        if start < person.hire_date:
            continue
        absence, _ = request_absence(person, code, start, end, HR, as_of=today)
        if decided and absence.status == "requested":
            decide(absence.pk, hr, approve=True)
        if code in ("krank", "kind_krank") and start <= today:
            record_eau(absence.pk, HR, "eau_present")
        made += 1
    # a sick leave that started two working days ago: the eAU is not there yet
    person = people[11]
    start = _workday(today - timedelta(days=3))
    if start <= today and start >= person.hire_date:
        absence, _ = request_absence(person, "krank", start, _after_workdays(start, 5), HR,
                                     as_of=today)
        record_eau(absence.pk, HR, "eau_not_yet")
        made += 1
    for index, code, offset, length in REQUESTS:
        start = _workday(today + timedelta(days=offset))
        request_absence(people[index], code, start, _after_workdays(start, length), HR,
                        as_of=today)
        made += 1
    return {"absences": made}


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _after_workdays(start: date, count: int) -> date:
    """The last day of `count` weekdays from `start` (holidays are skipped by the count)."""
    day, left = start, count - 1
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day

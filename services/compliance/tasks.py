"""Task-list source: statutory deadlines overdue or due within two weeks, not yet marked done."""
from datetime import timedelta

from services.compliance.calendar import RESPONSIBLE_ROLES, berlin_today, calendar, visible_to
from services.core.tasks import Task, register_task_source

AHEAD_DAYS = 14
BACK_DAYS = 92
# areas with their own task source (contracts, HR instructions) or handled by a job on the
# day (ends of retention, restriction): in the calendar, not twice in the task list
OWN_TASKS = ("contracts", "hr", "archive", "privacy")


def compliance_deadlines(user, today=None):
    """Yield the user's open statutory and licence deadlines (contracts have their own source)."""
    if not user.has_role(*RESPONSIBLE_ROLES):
        return   # auditors read the calendar but have nothing to do
    today = today or berlin_today()
    for item in calendar(today - timedelta(days=BACK_DAYS), today + timedelta(days=AHEAD_DAYS)):
        if item.done or item.area in OWN_TASKS or not visible_to(item, user):
            continue
        yield Task(kind="overdue" if item.overdue(today) else "deadline", area=item.area,
                   ref=item.key, title=item.title, params=item.params, due=item.due,
                   overdue=item.overdue(today), url=item.url or "/admin/compliance/")


register_task_source("compliance.deadlines", compliance_deadlines)

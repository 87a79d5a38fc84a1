"""The start page's deadline tile: overdue and upcoming deadlines, IT watch list, contract reminders."""
from datetime import date, timedelta

from services.compliance.calendar import calendar_for
from services.contracts.register import reminders_due
from services.it.watch import watch_list

SOON_DAYS = 14
BACK_DAYS = 92


def deadline_figures(user, today: date) -> dict:
    """Figures for the user's roles: statutory deadlines, IT (admin, support), contracts."""
    items = [i for i in calendar_for(user, today - timedelta(days=BACK_DAYS),
                                     today + timedelta(days=SOON_DAYS)) if not i.done]
    overdue = [i for i in items if i.due < today]
    soon = [i for i in items if i.due >= today]
    figures = {"overdue": len(overdue), "due_soon": len(soon),
               "next": [(i, i.due < today) for i in (overdue + soon)[:6]]}
    if user.has_role("admin", "support"):
        figures["it"] = watch_list(today).counts()
    if user.has_role("admin", "finance", "auditor"):
        figures["contract_reminders"] = len(reminders_due(today))
    return figures

"""Task-list source: the VAT return of the last finished period until its VAT is booked."""
from datetime import date

from models.company import Company
from models.ledger import JournalEntry
from services.core.messages import N_
from services.core.tasks import Task, register_task_source
from services.ledger.vat_return import due_date

ROLES = ("admin", "finance")


def vat_return_due(user, today: date | None = None):
    """Yield the last finished VAT period's return while its booking is missing."""
    if not user.has_role(*ROLES):
        return
    today = today or date.today()
    company = Company.current()
    quarterly = bool(company and company.vat_filing == "quarterly")
    year, last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    if quarterly:
        last = last // 3 * 3
        if last == 0:
            year, last = year - 1, 12
    first = last - 2 if quarterly else last
    label = f"{first:02d}-{last:02d}"
    if JournalEntry.objects(voucher_ref=f"UStVA-{year}-{label}", source="manual",
                            status="posted").first() is not None:
        return
    due = due_date(year, last, bool(company and company.vat_extension))
    period = f"Q{last // 3}" if quarterly else str(last)
    yield Task(kind="deadline", area="ledger", ref=f"ustva:{year}:{label}",
               title=N_("Umsatzsteuer-Voranmeldung %(period)s/%(year)s abgeben und buchen"),
               params={"period": period, "year": str(year)},
               url=f"/closing/vat?year={year}&period={period}", due=due, overdue=today > due)


register_task_source("ledger.vat_return_due", vat_return_due)

"""Task-list source "Meine Freigaben": checked supplier invoices the user may approve."""
from datetime import date

from models.supplier_invoice import SupplierInvoice
from services.core.messages import N_
from services.core.tasks import Task, register_task_source


def my_approvals(user, today: date | None = None):
    """Yield one task per checked invoice that `user` may approve (never their own capture)."""
    from services.payables.approval import may_approve

    today = today or date.today()
    for inv in SupplierInvoice.objects(status="checked"):
        if may_approve(inv, user):
            yield Task(kind="approval", area="payables", ref=inv.number or str(inv.pk),
                       title=N_("Eingangsrechnung %(no)s von %(supplier)s freigeben"),
                       params={"no": inv.number or "", "supplier":
                               inv.supplier.name if inv.supplier else ""},
                       url=f"/payables/{inv.pk}", due=inv.due_date,
                       overdue=bool(inv.due_date and inv.due_date < today))


register_task_source("payables.approvals", my_approvals)

"""Operations jobs: SLA escalation and the reorder report (plain callables).

Register them in jobs/__init__.py::register_jobs (built on the archive branch), e.g.::

    from jobs.operations import escalate_overdue_tickets, reorder_report, recover_stock
    scheduler.add_job(with_app(app, escalate_overdue_tickets), "cron", day_of_week="mon-fri",
                      hour="8-17", minute="*/15", id="sla_escalation")
    scheduler.add_job(with_app(app, reorder_report), "cron", hour=6, id="reorder_report")
    scheduler.add_job(with_app(app, recover_stock), "interval", minutes=10, id="stock_recovery")

Each needs an app context (database connection) and returns a summary dict.
"""
from datetime import datetime

from models.base import utcnow
from models.ticket import Ticket, TicketComment
from services.operations.tickets import overdue_query

ESCALATION_AUTHOR = "system (SLA)"


def escalate_overdue_tickets(now: datetime | None = None) -> dict:
    """Raise overdue open tickets one priority step and note it on the ticket, once per step."""
    from models.ticket import PRIORITIES

    now = now or utcnow()
    escalated = []
    for raw in Ticket._get_collection().find(overdue_query(now), {"priority": 1, "number": 1}):
        current = raw.get("priority", "normal")
        if current == PRIORITIES[-1]:
            continue
        higher = PRIORITIES[PRIORITIES.index(current) + 1]
        note = TicketComment(author=ESCALATION_AUTHOR, at=now, internal=True,
                             text=f"SLA überschritten: Priorität {current} → {higher}")
        # The filter on the old priority makes a second run (or a parallel one) a no-op.
        done = Ticket._get_collection().update_one(
            {"_id": raw["_id"], "priority": current},
            {"$set": {"priority": higher}, "$push": {"comments": note.to_mongo()}})
        if done.modified_count:
            escalated.append(raw.get("number"))
    return {"escalated": escalated}


def reorder_report() -> dict:
    """List what to reorder, per supplier name: {supplier: [(sku, suggested), ...]}."""
    from services.operations.purchasing import on_order_by_item
    from services.operations.stock_reports import reorder_list, supplier_names

    groups = reorder_list(on_order_by_item())
    names = supplier_names(groups)
    return {names.get(sid, "ohne Lieferant"): [(l.sku, l.suggested) for l in lines
                                               if l.suggested > 0]
            for sid, lines in groups.items()}


def recover_stock() -> dict:
    """Finish movements and receipts a crash left pending; refresh ticket caches."""
    from services.operations.purchasing import finish_pending_receipts
    from services.operations.stock import recover_pending_movements

    from services.operations.tickets import refresh_all_ticket_caches

    counts = recover_pending_movements()
    counts["receipts"] = finish_pending_receipts()
    counts["tickets"] = refresh_all_ticket_caches()
    return counts


# The scheduler's entry points (a jobs.runner.JobContext in, a small summary dict out).
def sla_escalation_job(ctx) -> dict:
    """Escalate tickets that were overdue at the run's due time."""
    escalated = escalate_overdue_tickets(now=ctx.scheduled_for)["escalated"]
    return {"escalated": len(escalated), "tickets": escalated[:50]}


def reorder_report_job(ctx) -> dict:
    """Report the items at or below their reorder point, grouped by preferred supplier."""
    groups = reorder_report()
    return {"suppliers": len(groups), "items": sum(len(v) for v in groups.values()),
            "by_supplier": {name: len(lines) for name, lines in groups.items()}}


def stock_recovery_job(ctx) -> dict:
    """Complete stock movements and receipts that a crash left pending."""
    return recover_stock()

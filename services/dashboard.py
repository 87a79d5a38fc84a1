"""Figures for the start page, per role. Pure aggregation helpers plus the reads."""
import importlib
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

from models.employee import Employee
from models.ticket import OPEN_STATUSES, PRIORITIES, Ticket
from services.stock_reports import reorder_list, valuation
from services.tickets import overdue_query


def optional_model(module: str, name: str):
    """The named document class if another part of the product has built it, else None."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 of the moment's ISO week (same timezone)."""
    day = moment - timedelta(days=moment.weekday())
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def opened_closed_per_week(events, now: datetime, weeks: int = 8) -> list[tuple]:
    """Count (week start, opened, closed) over the last weeks from (kind, time) events."""
    first = week_start(now) - timedelta(weeks=weeks - 1)
    counts = Counter()
    for kind, at in events:
        if at is not None and at >= first:
            counts[(kind, week_start(at))] += 1
    return [(first + timedelta(weeks=i), counts[("opened", first + timedelta(weeks=i))],
             counts[("closed", first + timedelta(weeks=i))]) for i in range(weeks)]


def _ticket_events(since: datetime):
    query = {"$or": [{"created_at": {"$gte": since}}, {"history.at": {"$gte": since}}]}
    for raw in Ticket._get_collection().find(query, {"created_at": 1, "history": 1}):
        yield "opened", _aware(raw.get("created_at"))
        for change in raw.get("history", []):
            if change.get("to_status") == "closed":
                yield "closed", _aware(change.get("at"))


def _aware(moment):
    from datetime import timezone
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


def support_figures(now: datetime) -> dict:
    coll = Ticket._get_collection()
    by_priority = {p: coll.count_documents({"status": {"$in": list(OPEN_STATUSES)},
                                            "priority": p}) for p in PRIORITIES}
    weeks = opened_closed_per_week(_ticket_events(week_start(now) - timedelta(weeks=8)), now)
    return {"open_by_priority": by_priority, "overdue": coll.count_documents(overdue_query(now)),
            "weeks": weeks}


def warehouse_figures() -> dict:
    below = sum(len(lines) for lines in reorder_list({}).values())
    return {"below_reorder_point": below, "stock_value": valuation().total}


def hr_figures() -> dict:
    headcount = Employee.objects(status="active").count()
    payroll_run = optional_model("models.payroll", "PayrollRun")
    next_run = None
    if payroll_run is not None:
        run = payroll_run.objects.order_by("-id").first()
        next_run = str(getattr(run, "status", "")) if run else ""
    return {"headcount": headcount, "payroll_available": payroll_run is not None,
            "payroll_status": next_run}


def finance_figures(today) -> dict:
    invoice = optional_model("models.invoice", "Invoice")
    if invoice is None:
        return {"available": False}
    open_invoices = [i for i in invoice.objects() if getattr(i, "status", "") not in
                     ("paid", "cancelled", "draft")]
    total = sum((getattr(i, "gross_total", None) or Decimal(0) for i in open_invoices), Decimal(0))
    overdue = [i for i in open_invoices if getattr(i, "due_date", None) and i.due_date < today]
    return {"available": True, "open_count": len(open_invoices), "open_total": total,
            "overdue_count": len(overdue)}


def admin_figures() -> dict:
    job_run = optional_model("models.job", "JobRun")
    if job_run is None:
        return {"available": False}
    runs = list(job_run.objects.order_by("-id").limit(10))
    return {"available": True, "runs": runs,
            "failures": sum(1 for r in runs if getattr(r, "status", "") == "failed")}

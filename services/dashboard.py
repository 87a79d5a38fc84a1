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


CENT = Decimal("0.01")


def _cents(value) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def receivables(rows, today) -> dict:
    """Open receivables from raw issued/paid invoices: count, amount, overdue count and amount.

    An invoice is open while its gross total exceeds what was paid; it is overdue
    once its due date lies before today. Credit notes are not receivables.
    """
    result = {"open_count": 0, "open_total": Decimal("0.00"), "overdue_count": 0,
              "overdue_total": Decimal("0.00")}
    for row in rows:
        if row.get("kind", "invoice") != "invoice" or row.get("status") != "issued":
            continue
        open_amount = _cents(row.get("gross_total")) - _cents(row.get("paid_total"))
        if open_amount <= 0:
            continue
        result["open_count"] += 1
        result["open_total"] += open_amount
        due = _day(row.get("due_date"))
        if due is not None and due < today:
            result["overdue_count"] += 1
            result["overdue_total"] += open_amount
    return result


def revenue_by_month(rows, today, months: int = 6) -> list[tuple]:
    """Net revenue of invoices (issued or paid) per month of issue, the last months."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.insert(0, (year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    totals = {key: Decimal("0.00") for key in keys}
    for row in rows:
        issued = _day(row.get("issue_date"))
        if row.get("kind", "invoice") != "invoice" or issued is None:
            continue
        if row.get("status") in ("issued", "paid") and (issued.year, issued.month) in totals:
            totals[(issued.year, issued.month)] += _cents(row.get("net_total"))
    return [(f"{m:02d}/{y}", totals[(y, m)]) for y, m in keys]


def finance_figures(today) -> dict:
    """Receivables, this month's revenue and revenue by month, once invoices exist."""
    invoice = optional_model("models.invoice", "Invoice")
    if invoice is None:
        return {"available": False}
    fields = {"kind": 1, "status": 1, "gross_total": 1, "paid_total": 1, "net_total": 1,
              "due_date": 1, "issue_date": 1}
    rows = list(invoice._get_collection().find({"status": {"$in": ["issued", "paid"]}},
                                                 fields))
    months = revenue_by_month(rows, today)
    return {"available": True, **receivables(rows, today), "month_revenue": months[-1][1],
            "revenue_months": months}


def hr_figures() -> dict:
    """Active headcount and the newest live payroll run (once payroll exists)."""
    headcount = Employee.objects(status="active").count()
    run_model = optional_model("models.payroll", "PayrollRun")
    run = None
    if run_model is not None:
        run = run_model._get_collection().find_one(
            {"status": {"$nin": ["reversed", "discarded"]}},
            {"year": 1, "month": 1, "status": 1}, sort=[("year", -1), ("month", -1)])
    return {"headcount": headcount, "payroll_available": run_model is not None,
            "payroll_period": f"{run['month']:02d}/{run['year']}" if run else "",
            "payroll_status": run["status"] if run else ""}


def admin_figures() -> dict:
    """The last job runs and how many of them failed (once the scheduler exists)."""
    job_run = optional_model("models.jobs", "JobRun")
    if job_run is None:
        return {"available": False}
    runs = list(job_run._get_collection().find(
        {}, {"job": 1, "status": 1, "scheduled_for": 1, "error": 1},
        sort=[("scheduled_for", -1)], limit=10))
    return {"available": True, "runs": runs,
            "failures": sum(1 for r in runs if r.get("status") == "failed")}

"""Figures for the start page, per role. Pure aggregation helpers plus the reads."""
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from models.employee import Employee
from models.ticket import OPEN_STATUSES, PRIORITIES, Ticket
from services.operations.stock_reports import reorder_list, valuation
from services.operations.tickets import overdue_query


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
    from models.payroll import PayrollRun
    from services.payroll.runs import STATUS_LABELS

    run = PayrollRun.objects.order_by("-year", "-month").first()
    # the status as its German label, translated where it is shown (an English page
    # showed "11/2026: gebucht")
    return {"headcount": Employee.objects(status="active").count(), "payroll_available": True,
            "payroll_period": run.period if run else "",
            "payroll_status": STATUS_LABELS.get(run.status, run.status) if run else ""}


def month_starts(today: date, months: int) -> list[date]:
    """First days of the last `months` calendar months, oldest first, ending with today's."""
    starts, year, month = [], today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def revenue_by_month(entries, revenue_accounts: set, starts: list[date]) -> list[tuple]:
    """Sum credit minus debit on revenue accounts per month of the given posted entries."""
    totals = {start: Decimal("0.00") for start in starts}
    for entry in entries:
        key = date(entry.date.year, entry.date.month, 1)
        if key in totals:
            for line in entry.lines:
                if line.account in revenue_accounts:
                    totals[key] += (line.credit or 0) - (line.debit or 0)
    return [(start, totals[start]) for start in starts]


def finance_figures(today: date) -> dict:
    from models.invoice import Invoice
    from models.ledger import Account, JournalEntry

    open_invoices = list(Invoice.objects(kind="invoice", status="issued").only(
        "gross_total", "paid_total", "due_date"))
    open_total = sum((i.gross_total - (i.paid_total or 0) for i in open_invoices),
                     Decimal("0.00"))
    overdue = [i for i in open_invoices if i.due_date and i.due_date < today]
    starts = month_starts(today, 6)
    entries = JournalEntry.objects(status="posted", date__gte=starts[0]).only("date", "lines")
    revenue_accounts = set(Account.objects(type="revenue").scalar("number"))
    months = revenue_by_month(entries, revenue_accounts, starts)
    return {"available": True, "open_count": len(open_invoices), "open_total": open_total,
            "overdue_count": len(overdue), "overdue_total": sum(
                (i.gross_total - (i.paid_total or 0) for i in overdue), Decimal("0.00")),
            "revenue_this_month": months[-1][1], "revenue_by_month": months}


def admin_figures() -> dict:
    from models.jobs import JobRun

    from services.backup.runs import last_ok, last_run, needs_attention

    runs = list(JobRun.objects.order_by("-started_at").limit(10))
    return {"available": True, "runs": runs,
            "failures": sum(1 for r in runs if r.status == "failed"),
            "backup": {"last": last_run(), "last_ok": last_ok(), "attention": needs_attention()}}

"""Figures for the start page, per role. Pure aggregation helpers plus the reads."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from models.employee import Employee
from models.stock import StockItem
from models.ticket import OPEN_STATUSES, PRIORITIES, Ticket
from services.operations.stock_reports import COST, QTY, item_bins, item_value
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
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


def support_figures(now: datetime) -> dict:
    coll = Ticket._get_collection()
    by_priority = {p: coll.count_documents({"status": {"$in": list(OPEN_STATUSES)},
                                            "priority": p}) for p in PRIORITIES}
    weeks = opened_closed_per_week(_ticket_events(week_start(now) - timedelta(weeks=8)), now)
    return {"open_by_priority": by_priority, "overdue": coll.count_documents(overdue_query(now)),
            "weeks": weeks}


# The stored tile is recomputed when it is older than this even if its stamp still holds:
# a write whose `updated_at` was taken before the newest one but landed after the tile
# was computed leaves the stamp unchanged (see stock_position_figures).
SUMMARY_MAX_AGE = timedelta(minutes=10)
# Changes younger than this may still be joined by writes with the same millisecond:
# figures computed then are not stored.
SUMMARY_SETTLE = timedelta(seconds=2)


def stock_position_figures(now: datetime | None = None) -> tuple[int, Decimal]:
    """(items at or below their reorder point, stock value), from the stored summary while
    no stock item changed since it was computed; otherwise counted anew and stored.

    Counting reads every active item (seconds at 20,000 items on the embedded database,
    on every log-in of the warehouse); the check reads two index-backed figures.
    """
    from models.stock_summary import StockSummary

    now = now or datetime.now(timezone.utc)
    count, latest = _stock_stamp()
    stored = StockSummary._get_collection().find_one({"_id": "warehouse"})
    if stored and stored.get("item_count") == count and stored.get("latest_change") == latest \
            and _aware(stored["computed_at"]) > now - SUMMARY_MAX_AGE:
        return stored["below_reorder_point"], \
            StockSummary.stock_value.to_python(stored["stock_value"])
    below, value = count_stock_position()
    if latest is None or _aware(latest) < now - SUMMARY_SETTLE:
        StockSummary(id="warehouse", item_count=count, latest_change=latest, computed_at=now,
                     below_reorder_point=below, stock_value=value).save()
    return below, value


def _stock_stamp() -> tuple[int, datetime | None]:
    """(number of stock items, newest `updated_at`), both answered by indexes."""
    coll = StockItem._get_collection()
    newest = coll.find_one({}, {"updated_at": 1}, sort=[("updated_at", -1)])
    return coll.count_documents({}), (newest or {}).get("updated_at")


def count_stock_position() -> tuple[int, Decimal]:
    """(items at or below their reorder point, stock value) in one pass over the active
    items' numbers only (the same rules as the reorder list and the valuation)."""
    below, total = 0, Decimal("0.00")
    fields = {"quantity": 1, "reorder_point": 1, "unit_cost": 1, "location": 1, "bins": 1}
    for raw in StockItem._get_collection().find({"active": {"$ne": False}}, fields):
        if QTY.to_python(raw.get("quantity") or 0) <= QTY.to_python(raw.get("reorder_point") or 0):
            below += 1
        cost = COST.to_python(raw.get("unit_cost") or 0)
        total += sum((item_value(qty, cost) for _, qty in item_bins(raw)), Decimal("0.00"))
    return below, total


EXPECTED_ORDERS = ("sent", "partly_received")


def warehouse_figures(shown: int = 5) -> dict:
    """Reorder count, stock value, orders whose goods are expected, the latest movements.

    Orders are read by their indexed status (open orders are few), movements by the
    newest-first index: no scan of the movement history.
    """
    from models.purchase_order import PurchaseOrder
    from models.stock_movement import StockMovement

    below, value = stock_position_figures()
    orders = PurchaseOrder.objects(status__in=EXPECTED_ORDERS).only(
        "number", "supplier", "order_date", "status", "lines")
    orders = list(orders)
    expected = sorted(orders, key=lambda o: (o.order_date or date.max, o.number or ""))
    movements = list(StockMovement.objects.order_by("-created_at").limit(shown).only(
        "kind", "item", "quantity", "moved", "date", "state", "reference"))
    refs = [_ref_id(m) for m in movements]
    items = {i.pk: i for i in StockItem.objects(pk__in=[r for r in set(refs) if r]).only(
        "sku", "name", "unit")}
    from services.operations.stock_reports import supplier_names

    expected = expected[:shown]
    suppliers = supplier_names({getattr(o._data.get("supplier"), "id", None) for o in expected})
    return {"below_reorder_point": below, "stock_value": value,
            "expected_count": len(orders), "expected": [
                (o, suppliers.get(getattr(o._data.get("supplier"), "id", None), ""))
                for o in expected],
            "draft_orders": PurchaseOrder.objects(status="draft").count(),
            "movements": [(m, items.get(ref)) for m, ref in zip(movements, refs)]}


def _ref_id(movement):
    """The item id of a movement without loading the item (one query for all, above)."""
    ref = movement._data.get("item")
    return getattr(ref, "id", getattr(ref, "pk", ref))


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


def admin_figures(jobs: dict | None = None, next_runs: dict | None = None,
                  now: datetime | None = None, days: int = 7) -> dict:
    """Backups and the scheduled jobs: each job's last run, next run and failures of the
    last `days` days (jobs: name -> trigger; next_runs: name -> the scheduler's stored time).

    One query per job on the (job, scheduled_for) index for its last run, one on the status
    index for the failures (few); the job history itself is never scanned.
    """
    from models.jobs import JobRun

    from services.backup.runs import last_ok, last_run, needs_attention

    now = now or datetime.now(timezone.utc)
    failed = Counter(r.job for r in JobRun.objects(
        status="failed", scheduled_for__gte=now - timedelta(days=days)).only("job"))
    rows = []
    for name, trigger in (jobs or {}).items():
        last = JobRun.objects(job=name).order_by("-scheduled_for").only(
            "status", "started_at", "finished_at", "scheduled_for").first()
        stored = (next_runs or {}).get(name)
        planned = stored or trigger.get_next_fire_time(None, now)
        rows.append({"name": name, "trigger": trigger, "last": last, "next": planned,
                     "next_planned_only": stored is None, "failed": failed.get(name, 0)})
    return {"available": True, "jobs": rows, "failures": sum(failed.values()),
            "failure_days": days, "scheduler_running": bool(next_runs),
            "backup": {"last": last_run(), "last_ok": last_ok(), "attention": needs_attention()}}

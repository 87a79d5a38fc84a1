"""The start page shows each role its own figures, matching the data."""
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.base import utcnow
from models.ticket import Ticket
from services.operations.dashboard import opened_closed_per_week
from services.operations.tickets import apply_sla, change_status
from tests.factories import make_employee, make_stock_item


def value(page, element_id):
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def test_warehouse_sees_reorder_count_and_stock_value_only(client, login):
    make_stock_item(quantity=Decimal(2), reorder_point=Decimal(5), unit_cost=Decimal("10"))
    make_stock_item(quantity=Decimal(100), reorder_point=Decimal(5), unit_cost=Decimal("1.005"))
    login("warehouse")
    page = client.get("/admin/").get_data(as_text=True)
    assert value(page, "below-reorder") == "1"
    assert value(page, "stock-value") == "120,50 €"
    assert 'id="headcount"' not in page and 'id="overdue"' not in page


def test_hr_sees_headcount(client, login):
    make_employee(), make_employee(), make_employee(status="left")
    login("hr")
    page = client.get("/admin/").get_data(as_text=True)
    assert value(page, "headcount") == "2"
    assert "Lohnlauf" in page and "noch nicht verfügbar" not in page
    assert 'id="stock-value"' not in page


def test_the_payroll_run_status_is_shown_in_the_page_language(client, login):
    from models.payroll import PayrollRun

    login("hr")
    assert value(client.get("/admin/").get_data(as_text=True), "payroll-status") == "noch keiner"
    PayrollRun._get_collection().insert_one({"year": 2026, "month": 11, "status": "posted",
                                             "month_key": "2026-11", "created_by": "hr"})
    german = client.get("/admin/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    english = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert value(german, "payroll-status") == "11/2026: gebucht"
    assert value(english, "payroll-status") == "11/2026: posted"


def test_support_sees_open_by_priority_overdue_and_a_chart(client, login):
    for priority, days in (("high", 10), ("high", 0), ("low", 0)):
        ticket = Ticket(title="X", priority=priority, created_at=utcnow() - timedelta(days=days))
        apply_sla(ticket)
        ticket.save()
    done = Ticket.objects(priority="low").first()
    for status in ("in_progress", "resolved", "closed"):
        change_status(done.pk, status, "s")
    login("support")
    page = client.get("/admin/").get_data(as_text=True)
    assert (value(page, "open-high"), value(page, "open-low")) == ("2", "0")
    assert value(page, "overdue") == "1"
    assert "<svg" in page and "http://" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_finance_sees_receivables_overdue_and_revenue(client, login):
    from datetime import date
    from decimal import Decimal

    from models.invoice import Invoice
    from services.operations import dashboard
    from services.ledger.posting import post_entry
    from tests.factories import make_entry
    from models.ledger import JournalLine

    today = date.today()
    post_entry(make_entry(date=today, text="Umsatz", lines=[
        JournalLine(account="1400", debit=Decimal("119.00")),
        JournalLine(account="8400", credit=Decimal("100.00")),
        JournalLine(account="1776", credit=Decimal("19.00"))]), "test")
    figures = dashboard.finance_figures(today)
    assert figures["revenue_this_month"] == Decimal("100.00")
    assert figures["revenue_by_month"][-1][1] == Decimal("100.00")
    assert len(figures["revenue_by_month"]) == 6 and figures["open_count"] == Invoice.objects(
        kind="invoice", status="issued").count()
    login("finance")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="revenue-month">100,00 €' in page and "noch nicht verfügbar" not in page
    assert "<svg" in page


def test_month_starts_cross_the_year():
    from datetime import date

    from services.operations.dashboard import month_starts

    assert month_starts(date(2026, 2, 17), 3) == [date(2025, 12, 1), date(2026, 1, 1),
                                                 date(2026, 2, 1)]


def test_admin_sees_job_runs(client, login):
    login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="job-failures">0' in page and "noch nicht verfügbar" not in page


def test_opened_closed_per_week_buckets():
    now = datetime(2026, 3, 18, 12, tzinfo=timezone.utc)  # Wednesday
    events = [("opened", datetime(2026, 3, 16, 9, tzinfo=timezone.utc)),
              ("opened", datetime(2026, 3, 10, 9, tzinfo=timezone.utc)),
              ("closed", datetime(2026, 3, 17, 9, tzinfo=timezone.utc)),
              ("opened", datetime(2025, 1, 1, tzinfo=timezone.utc))]
    weeks = opened_closed_per_week(events, now, weeks=2)
    assert [(w.date().isoformat(), a, b) for w, a, b in weeks] == [
        ("2026-03-09", 1, 0), ("2026-03-16", 1, 1)]


def _ordered(item, quantity, price, on):
    from services.operations.purchasing import DraftLine, create_draft, send_order

    draft = create_draft(item.supplier, [DraftLine(item.pk, Decimal(quantity), Decimal(price))],
                         "lager")
    return send_order(draft.pk, on=on)


def test_warehouse_tile_lists_expected_deliveries_and_the_last_movements(client, login):
    from datetime import date

    from services.operations.purchasing import DraftLine, create_draft, receive
    from services.operations.stock import MovementRequest, post_movement
    from tests.factories import make_supplier

    supplier = make_supplier(name="Schrauben Schulz GmbH")
    bolt = make_stock_item(sku="M8-100", name="Sechskantschraube M8", unit="H87",
                           quantity=Decimal(500), supplier=supplier)
    first = _ordered(bolt, "1000", "0.0450", date(2026, 11, 2))     # 45,00 €
    second = _ordered(bolt, "250", "0.05", date(2026, 11, 20))      # 12,50 €
    done = _ordered(bolt, "10", "1", date(2026, 10, 1))
    receive(done.pk, [Decimal(10)], "tok-done", "lager")              # fully received
    create_draft(supplier, [DraftLine(bolt.pk, Decimal(5), Decimal(1))], "lager")
    post_movement(MovementRequest("issue", bolt.pk, Decimal("2.5"), "Werkstatt", "lager",
                                  key="issue-1", on=date(2026, 11, 25)))
    login("warehouse")
    german = client.get("/admin/").get_data(as_text=True)
    english = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert value(german, "expected-receipts") == "2" and value(german, "draft-orders") == "1"
    orders = german[german.index('id="expected-orders"'):german.index('id="last-movements"')]
    assert orders.index(first.number) < orders.index(second.number)  # oldest order first
    assert done.number not in orders
    assert "Schrauben Schulz GmbH" in orders and "02.11.2026" in orders and "45,00 €" in orders
    moves = german[german.index('id="last-movements"'):]
    # newest first: the issue, then the receipt of the delivered order
    assert moves.index("Abgang") < moves.index("Zugang")
    assert "25.11.2026" in moves and "2,5 Stück" in moves and "M8-100 Sechskantschraube" in moves
    assert "2026-11-02" in english and "€45.00" in english and "2.5 piece" in english
    assert "02.11.2026" not in english


def test_warehouse_tile_without_orders_or_movements_says_so(client, login):
    login("warehouse")
    page = client.get("/admin/").get_data(as_text=True)
    assert value(page, "expected-receipts") == "0"
    assert "Keine offenen Bestellungen." in page and "Noch keine Lagerbewegungen." in page


def test_admin_tile_lists_every_job_with_last_run_next_run_and_failures(client, login):
    from datetime import datetime, timedelta, timezone

    from jobs import ensure_registry
    from models.jobs import JobRun

    now = datetime.now(timezone.utc)

    def run(job, status, days_ago, n):
        at = now - timedelta(days=days_ago)
        JobRun(run_id=f"{job}@test-{n}", job=job, scheduled_for=at, trigger="schedule",
               status=status, started_at=at, finished_at=at).save()

    run("nightly_backup", "failed", 1, 1)
    run("nightly_backup", "failed", 3, 2)
    run("nightly_backup", "failed", 9, 3)       # older than 7 days: not counted
    run("nightly_backup", "ok", 0.5, 4)         # the last run
    run("retention_cleanup", "failed", 2, 5)
    login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert value(page, "job-failures") == "3"
    rows = {name: page[page.index(f'id="job-{name}"'):].split("</tr>")[0]
            for name in ensure_registry()}
    assert len(rows) == len(ensure_registry()) >= 17
    backup = re.findall(r"<td[^>]*>([^<]*)</td>", rows["nightly_backup"])
    assert backup[0] == "Nächtliche Datensicherung" and backup[3] == "erfolgreich" and backup[-1] == "2"
    assert re.fullmatch(r"\d\d\.\d\d\.2\d{3} 01:30", backup[4])  # next: 01:30 Berlin
    cleanup = re.findall(r"<td[^>]*>([^<]*)</td>", rows["retention_cleanup"])
    assert cleanup[3] == "fehlgeschlagen" and cleanup[-1] == "1"
    never = re.findall(r"<td[^>]*>([^<]*)</td>", rows["it_watch"])
    assert never[2] == "noch nie" and never[-1] == "0"
    assert 'id="scheduler-down"' in page  # no scheduler process stored its next runs


def test_a_revenue_chart_without_revenue_says_so_instead_of_empty_axes(client, login):
    login("finance")
    page = client.get("/admin/").get_data(as_text=True)
    tile = page[page.index('id="tile-finance"'):page.index("</section>", page.index('id="tile-finance"'))]
    assert "<svg" not in tile and "Keine Werte in diesem Zeitraum." in tile

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

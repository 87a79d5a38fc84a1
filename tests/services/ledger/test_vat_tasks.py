"""Task list: the VAT return of the last finished period, until its VAT is booked."""
from datetime import date

from models.company import Company
from services.core.tasks import tasks_for
from services.ledger import vat_booking
from services.ledger.vat_tasks import vat_return_due
from tests.factories import make_user
from tests.services.ledger.test_statements import entry


def test_monthly_return_is_a_task_until_booked(app):
    user = make_user("finance")
    [task] = vat_return_due(user, today=date(2026, 2, 3))
    assert task.params == {"period": "1", "year": "2026"} and task.due == date(2026, 2, 10)
    assert task.url == "/closing/vat?year=2026&period=1" and not task.overdue
    assert list(vat_return_due(user, today=date(2026, 2, 11)))[0].overdue
    assert list(vat_return_due(make_user("hr"), today=date(2026, 2, 3))) == []
    entry(date(2026, 1, 10), ("1400", "debit", "119.00"), ("8400", "credit", "100.00", "USt19"),
          ("1776", "credit", "19.00", "USt19"))
    vat_booking.book_vat_liability(2026, "1", "u")
    assert list(vat_return_due(user, today=date(2026, 2, 3))) == []
    # registered in the task list: today's last period is never booked in a fresh database
    # through the task list (other areas' deadlines, e.g. the calendar, may be there too)
    assert [t.area for t in tasks_for(user).tasks
            if t.kind == "deadline" and t.area == "ledger"] == ["ledger"]


def test_quarterly_with_extension_and_january(app):
    Company(name="Muster GmbH", street="Weg 1", postal_code="10115", city="Berlin",
            vat_filing="quarterly", vat_extension=True).save()
    user = make_user("admin")
    [task] = vat_return_due(user, today=date(2026, 1, 15))
    assert task.params == {"period": "Q4", "year": "2025"} and task.due == date(2026, 2, 10)
    [task] = vat_return_due(user, today=date(2026, 5, 2))
    assert task.params == {"period": "Q1", "year": "2026"} and task.due == date(2026, 5, 10)

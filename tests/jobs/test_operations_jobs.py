"""SLA escalation and reorder report, called directly."""
from datetime import timedelta
from decimal import Decimal

from jobs.operations import escalate_overdue_tickets, recover_stock, reorder_report
from models.base import utcnow
from models.ticket import Ticket
from services.operations.tickets import apply_sla
from tests.factories import make_stock_item, make_supplier


def test_overdue_ticket_is_escalated_once_per_step(app):
    late = Ticket(title="Server down", priority="normal", created_at=utcnow() - timedelta(days=14))
    apply_sla(late)
    late.save()
    on_time = Ticket(title="Maus", priority="normal")
    apply_sla(on_time)
    on_time.save()
    assert escalate_overdue_tickets()["escalated"] == [late.number]
    late.reload()
    assert late.priority == "high" and late.comments[-1].internal
    assert "normal → high" in late.comments[-1].text
    assert Ticket.objects.get(pk=on_time.pk).priority == "normal"


def test_reorder_report_groups_by_supplier(app):
    supplier = make_supplier(name="Schrauben Meyer")
    item = make_stock_item(quantity=Decimal(0), reorder_point=Decimal(3), reorder_qty=Decimal(7),
                           supplier=supplier)
    make_stock_item(quantity=Decimal(50), reorder_point=Decimal(3), supplier=supplier)
    assert reorder_report() == {str(supplier): [(item.sku, Decimal(10))]}
    assert recover_stock() == {"done": 0, "refused": 0, "receipts": 0, "tickets": 0}

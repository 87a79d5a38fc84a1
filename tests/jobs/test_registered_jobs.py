"""The nightly and periodic jobs the issues name are registered and run through the runner."""
from datetime import timedelta
from decimal import Decimal

from jobs import ensure_registry
from jobs.runner import REGISTRY, run_now
from models.base import utcnow
from models.ticket import Ticket
from tests.factories import make_stock_item, make_supplier


def test_the_default_jobs_are_registered_with_their_times(app):
    ensure_registry(app)
    assert {"retention_cleanup", "sla_escalation", "reorder_report", "stock_recovery"} <= \
        set(REGISTRY)
    assert "hour='2'" in str(REGISTRY["retention_cleanup"].trigger)
    assert "hour='6'" in str(REGISTRY["reorder_report"].trigger)
    assert REGISTRY["sla_escalation"].trigger.interval == timedelta(minutes=15)


def test_sla_escalation_runs_through_the_runner(app):
    ensure_registry(app)
    from services.operations.tickets import apply_sla

    ticket = Ticket(title="Drucker streikt", priority="normal",
                    created_at=utcnow() - timedelta(days=20))
    apply_sla(ticket)
    ticket.save()
    run = run_now("sla_escalation", requested_by="admin@firma.example.com")
    assert run.status == "ok", run.error
    assert run.summary["escalated"] == 1 and Ticket.objects.get(pk=ticket.pk).priority == "high"
    assert run_now("sla_escalation", requested_by="admin").summary["escalated"] in (0, 1)


def test_reorder_report_runs_through_the_runner(app):
    ensure_registry(app)
    supplier = make_supplier(name="Schrauben Süd GmbH")
    make_stock_item(supplier=supplier, quantity=Decimal("2"), reorder_point=Decimal("10"),
                    reorder_qty=Decimal("50"))
    make_stock_item(supplier=supplier, quantity=Decimal("99"), reorder_point=Decimal("10"))
    run = run_now("reorder_report", requested_by="admin")
    assert run.status == "ok", run.error
    assert run.summary["items"] == 1
    assert run.summary["by_supplier"] == {f"Schrauben Süd GmbH ({supplier.supplier_no})": 1}

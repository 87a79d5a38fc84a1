"""Customers, company data and invoice drafts: validation a clerk sees."""
from decimal import Decimal

import mongoengine as me
import pytest

from models.invoice import FrozenInvoiceError, Invoice, InvoiceLine
from tests.factories import make_customer, make_invoice


def test_customer_vat_id_is_validated_and_normalised(app):
    assert make_customer(vat_id="de 136 695 976").vat_id == "DE136695976"
    with pytest.raises(me.ValidationError, match="USt-IdNr. .* ist ungültig"):
        make_customer(vat_id="DE123")
    with pytest.raises(me.ValidationError, match="fünf Ziffern"):
        make_customer(postal_code="123")


def test_unknown_vat_rate_is_refused(app):
    with pytest.raises(me.ValidationError, match="den Steuersatz '16' gibt es nicht"):
        make_invoice(lines=[InvoiceLine(description="x", quantity=Decimal("1"),
                                        unit_price=Decimal("1"), vat_rate="16")])


def test_draft_invoice_can_be_edited_and_deleted(app):
    inv = make_invoice()
    inv.notes = "Bitte Bestellnummer angeben"
    inv.save()
    assert Invoice.objects.get(pk=inv.pk).notes == "Bitte Bestellnummer angeben"
    inv.delete()
    assert Invoice.objects.count() == 0


def test_invoice_in_issuing_state_refuses_changes(app):
    inv = make_invoice()
    Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": "issuing"}})
    stale = Invoice.objects.get(pk=inv.pk)
    stale.status = "draft"
    stale.notes = "heimlich"
    with pytest.raises(FrozenInvoiceError):
        stale.save()
    with pytest.raises(FrozenInvoiceError):
        stale.delete()

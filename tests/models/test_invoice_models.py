"""Customers, company data and invoice drafts: validation a clerk sees.

These tests need only customers, VAT rates and invoices, so they use a bare database
(fresh name, the two VAT rates the factory's lines use, written here by hand) instead of
the full app fixture: the mutation run of models/invoice.py (TESTING.md) runs them once
per mutant.
"""
import uuid
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models import connect_db
from models.invoice import (FrozenInvoiceError, Invoice, InvoiceLine, Payment, TaxLine,
                            VatRate)
from tests.factories import make_customer, make_invoice


@pytest.fixture
def db(db_server):
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    VatRate(code="19", rate=Decimal("19.00"), label="Umsatzsteuer 19 %", category="S",
            revenue_account="8400").save()
    VatRate(code="7", rate=Decimal("7.00"), label="Umsatzsteuer 7 %", category="S",
            revenue_account="8300").save()
    yield
    me.get_connection().drop_database(name)


def line(**kw) -> InvoiceLine:
    values = dict(description="Beratung", quantity=Decimal("1"), unit_price=Decimal("10"),
                  vat_rate="19")
    values.update(kw)
    return InvoiceLine(**values)


def test_customer_vat_id_is_validated_and_normalised(db):
    assert make_customer(vat_id="de 136 695 976").vat_id == "DE136695976"
    with pytest.raises(me.ValidationError, match="USt-IdNr. .* ist ungültig"):
        make_customer(vat_id="DE123")
    with pytest.raises(me.ValidationError, match="fünf Ziffern"):
        make_customer(postal_code="123")


def test_unknown_vat_rate_is_refused(db):
    with pytest.raises(me.ValidationError, match="den Steuersatz '16' gibt es nicht"):
        make_invoice(lines=[InvoiceLine(description="x", quantity=Decimal("1"),
                                        unit_price=Decimal("1"), vat_rate="16")])


def test_the_refusal_of_a_vat_rate_names_the_line_and_the_known_rates(db):
    with pytest.raises(me.ValidationError) as refused:
        make_invoice(lines=[line(), line(vat_rate="16")])
    assert "Position 2: den Steuersatz '16' gibt es nicht; bitte einen dieser wählen: 19, 7" \
        in str(refused.value)
    assert Invoice.objects.count() == 0


def test_units_are_stored_as_their_code_and_unknown_units_refused(db):
    inv = make_invoice(lines=[line(unit="Std"), line(unit="Stk"), line()])
    # UN/ECE Recommendation 20: HUR hour, H87 piece (the default)
    assert [entry["unit"] for entry in
            Invoice._get_collection().find_one({"_id": inv.pk})["lines"]] == \
        ["HUR", "H87", "H87"]
    with pytest.raises(me.ValidationError) as refused:
        make_invoice(lines=[line(), line(unit="Schubkarre")])
    assert "Position 2:" in str(refused.value) and "Schubkarre" in str(refused.value)


@pytest.mark.parametrize("days, percent", [(10, None), (None, Decimal("2.00"))])
def test_skonto_needs_both_days_and_percent(db, days, percent):
    with pytest.raises(me.ValidationError, match="Skonto braucht Tage und Prozentsatz"):
        make_invoice(skonto_days=days, skonto_percent=percent)


def test_skonto_with_both_or_neither_is_taken(db):
    assert make_invoice(skonto_days=10, skonto_percent=Decimal("2.00")).skonto_days == 10
    assert make_invoice().skonto_days is None


def test_the_skonto_period_ends_at_the_latest_with_the_payment_term(db):
    # payment_days 14 (the default): 14 days of Skonto allowed, 15 refused
    assert make_invoice(skonto_days=14, skonto_percent=Decimal("2.00")).pk
    with pytest.raises(me.ValidationError, match="Skontofrist darf nicht länger"):
        make_invoice(skonto_days=15, skonto_percent=Decimal("2.00"))
    with pytest.raises(me.ValidationError, match="Skontofrist darf nicht länger"):
        make_invoice(skonto_days=1, skonto_percent=Decimal("2.00"), payment_days=0)


def test_the_service_period_never_ends_before_it_starts(db):
    assert make_invoice(service_date=date(2026, 3, 10), service_date_end=date(2026, 3, 10)).pk
    assert make_invoice(service_date=date(2026, 3, 10), service_date_end=date(2026, 3, 11)).pk
    with pytest.raises(me.ValidationError, match="Ende des Leistungszeitraums liegt vor"):
        make_invoice(service_date=date(2026, 3, 10), service_date_end=date(2026, 3, 9))
    assert make_invoice(service_date=None, service_date_end=date(2026, 3, 9)).pk


def test_draft_invoice_can_be_edited_and_deleted(db):
    inv = make_invoice()
    inv.notes = "Bitte Bestellnummer angeben"
    inv.save()
    assert Invoice.objects.get(pk=inv.pk).notes == "Bitte Bestellnummer angeben"
    inv.delete()
    assert Invoice.objects.count() == 0


def test_a_new_draft_never_replaces_a_stored_invoice(db):
    inv = make_invoice(notes="erste")
    copy = Invoice(pk=inv.pk, customer=inv.customer, notes="zweite")
    with pytest.raises(me.NotUniqueError):
        copy.save()
    assert Invoice._get_collection().find_one({"_id": inv.pk})["notes"] == "erste"


def test_deleting_an_invoice_that_is_gone_deletes_nothing_else(db):
    inv, other = make_invoice(), make_invoice()
    Invoice._get_collection().delete_one({"_id": inv.pk})
    inv.delete()
    assert [i.pk for i in Invoice.objects] == [other.pk]


@pytest.mark.parametrize("status", ["issuing", "issued", "paid", "cancelled"])
def test_an_invoice_not_a_draft_in_memory_is_never_saved(db, status):
    inv = make_invoice(notes="alt")
    inv.status = status
    inv.notes = "heimlich"
    with pytest.raises(FrozenInvoiceError, match="is issued and cannot be changed; cancel"):
        inv.save()
    stored = Invoice._get_collection().find_one({"_id": inv.pk})
    assert (stored["status"], stored["notes"]) == ("draft", "alt")
    with pytest.raises(FrozenInvoiceError):
        Invoice(customer=inv.customer, status=status).save()
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize("status", ["issuing", "issued", "paid", "cancelled"])
def test_an_invoice_stored_as_not_a_draft_is_never_deleted(db, status):
    # "cancelled" sorts before "draft", the others after it
    inv = make_invoice()
    Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": status}})
    with pytest.raises(FrozenInvoiceError, match="cannot be deleted"):
        inv.delete()
    assert Invoice._get_collection().find_one({"_id": inv.pk})["status"] == status


def test_invoice_in_issuing_state_refuses_changes(db):
    inv = make_invoice()
    Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": "issuing"}})
    stale = Invoice.objects.get(pk=inv.pk)
    stale.status = "draft"
    stale.notes = "heimlich"
    with pytest.raises(FrozenInvoiceError, match="is issued and cannot be changed$"):
        stale.save()
    with pytest.raises(FrozenInvoiceError, match="cannot be deleted"):
        stale.delete()
    stored = Invoice._get_collection().find_one({"_id": inv.pk})
    assert stored["status"] == "issuing" and "notes" not in stored


def test_a_draft_read_back_is_saved_and_a_credit_note_read_back_named(db):
    """Values as the driver returns them (not the literals of the code)."""
    inv = make_invoice(kind="credit_note", number="GS-2026-00001")
    stored = Invoice.objects.get(pk=inv.pk)
    assert str(stored) == "Stornorechnung GS-2026-00001"
    stored.notes = "nachgetragen"
    stored.save()
    assert Invoice._get_collection().find_one({"_id": inv.pk})["notes"] == "nachgetragen"


def test_the_names_shown_for_invoices_lines_and_rates(db):
    inv = make_invoice()
    assert str(inv) == "Rechnung Entwurf"
    inv.number = "RE-2026-00007"
    assert str(inv) == "Rechnung RE-2026-00007"
    inv.kind = "credit_note"
    assert str(inv) == "Stornorechnung RE-2026-00007"
    assert str(line(quantity=Decimal("3"), unit="HUR")) == "3 HUR Beratung"
    assert str(VatRate.objects.get(pk="7")) == "Umsatzsteuer 7 %"


def test_what_a_payment_clears(db):
    # by hand: 100.00 paid, 10.00 of it beyond the open amount, 2.00 Skonto, 0.50 written off
    payment = Payment(key="p", date=date(2026, 4, 1), amount=Decimal("100.00"),
                      overpaid=Decimal("10.00"), discount=Decimal("2.00"),
                      write_off=Decimal("0.50"))
    assert payment.cleared == Decimal("92.50")
    plain = Payment(key="q", date=date(2026, 4, 1), amount=Decimal("40.00"),
                    overpaid=None, discount=None, write_off=None)
    assert plain.cleared == Decimal("40.00")
    payment.returned_on = date(2026, 4, 9)  # the bank took it back: settles nothing
    assert payment.cleared == Decimal("0.00")


def _vat_rate(**kw):
    values = dict(code="S19", rate=Decimal("19.00"), label="Umsatzsteuer", category="S",
                  revenue_account="8400")
    return VatRate(**{**values, **kw})


def _payment(**kw):
    return Payment(**{**dict(key="p", date=date(2026, 4, 1), amount=Decimal("1.00")), **kw})


def _invoice(**kw):
    return Invoice(**{**dict(customer=make_customer(), lines=[line()]), **kw})


def _skonto(skonto_days):
    """With a percent where there are days (0 days and no percent pass clean())."""
    return _invoice(skonto_days=skonto_days,
                    skonto_percent=Decimal("2.00") if skonto_days else None)


# The bounds of the fields a clerk fills in, written out by hand: the largest (or
# smallest) value taken and the first one refused.
BOUNDS = [
    (_vat_rate, "code", "x" * 10, "x" * 11),
    (_vat_rate, "rate", Decimal("0"), Decimal("-0.01")),
    (_vat_rate, "label", "x" * 120, "x" * 121),
    (_vat_rate, "category", "AE", "AEX"),
    (_vat_rate, "vatex", "x" * 30, "x" * 31),
    (_vat_rate, "ustva_kz", "8181", "81810"),
    (_vat_rate, "invoice_text", "x" * 200, "x" * 201),
    (line, "description", "x" * 500, "x" * 501),
    (line, "quantity", Decimal("0.001"), Decimal("0.0009")),
    (line, "unit", "x" * 20, "x" * 21),
    (line, "unit_price", Decimal("0"), Decimal("-0.0001")),
    (line, "vat_rate", "x" * 10, "x" * 11),
    (line, "exemption_reason", "x" * 200, "x" * 201),
    (line, "cost_center", "x" * 20, "x" * 21),
    (_payment, "reference", "x" * 120, "x" * 121),
    (_invoice, "number", "x" * 30, "x" * 31),
    (_invoice, "payment_terms", "x" * 300, "x" * 301),
    (_invoice, "payment_days", 0, -1),
    (_invoice, "payment_days", 365, 366),
    (_skonto, "skonto_days", 1, 0),
    (_invoice, "notes", "x" * 2000, "x" * 2001),
    (_invoice, "cost_center", "x" * 20, "x" * 21),
]


@pytest.mark.parametrize("make, field, taken, refused", BOUNDS,
                         ids=[f"{m.__name__}.{f}-{t}" for m, f, t, _ in BOUNDS])
def test_the_bounds_of_each_field_from_both_sides(db, make, field, taken, refused):
    make(**{field: taken}).validate()
    with pytest.raises(me.ValidationError) as error:
        make(**{field: refused}).validate()
    assert field in error.value.to_dict()


def test_the_longest_skonto_period_is_a_year(db):
    _invoice(payment_days=365, skonto_days=365, skonto_percent=Decimal("2.00")).validate()
    with pytest.raises(me.ValidationError) as error:
        _invoice(payment_days=365, skonto_days=366, skonto_percent=Decimal("2.00")).validate()
    assert "skonto_days" in error.value.to_dict()


def test_amounts_are_stored_in_their_smallest_unit_and_defaults(db):
    """Rates and percentages in hundredths, quantities in thousandths, unit prices in
    ten-thousandths (by hand); a new invoice: 14 days, nothing paid, never dunned."""
    inv = make_invoice(lines=[line(quantity=Decimal("2.5"), unit_price=Decimal("95.1234"))],
                       skonto_days=7, skonto_percent=Decimal("2.5"),
                       payments=[_payment(amount=Decimal("12.34"))],
                       tax_lines=[TaxLine(rate_code="19", rate=Decimal("19"),
                                          net=Decimal("1"), vat=Decimal("0.19"))])
    stored = Invoice._get_collection().find_one({"_id": inv.pk})
    assert (stored["lines"][0]["quantity"], stored["lines"][0]["unit_price"]) == (2500, 951234)
    assert stored["skonto_percent"] == 250
    assert stored["payments"][0]["amount"] == 1234
    assert stored["payments"][0]["discount"] == 0 and stored["payments"][0]["overpaid"] == 0
    assert stored["tax_lines"][0]["rate"] == 1900 and stored["tax_lines"][0]["vat"] == 19
    assert (stored["payment_days"], stored["paid_total"], stored["dunning_level"]) == (14, 0, 0)
    rate = VatRate._get_collection().find_one({"_id": "19"})
    assert rate["rate"] == 1900
    # a rate asks for no buyer's VAT ID and allows a small-amount invoice unless it says so
    assert (rate["needs_buyer_vat_id"], rate["small_amount_allowed"]) == (False, True)


def _tax_line(**kw):
    values = dict(rate_code="19", rate=Decimal("19"), net=Decimal("1"), vat=Decimal("0.19"))
    return TaxLine(**{**values, **kw})


# What a clerk (or the service) must fill in, by hand from what each field means (a
# line's VAT rate is required too, but None falls back to its default "19")
REQUIRED = [(_vat_rate, "rate"), (_vat_rate, "label"), (_vat_rate, "revenue_account"),
            (_vat_rate, "category"), (line, "description"), (line, "quantity"),
            (line, "unit_price"), (_tax_line, "rate_code"),
            (_tax_line, "rate"), (_tax_line, "net"), (_tax_line, "vat"), (_payment, "key"),
            (_payment, "date"), (_payment, "amount"), (_invoice, "customer")]


@pytest.mark.parametrize("make, field", REQUIRED,
                         ids=[f"{m.__name__}.{f}" for m, f in REQUIRED])
def test_a_required_field_left_empty_is_refused(db, make, field):
    make().validate()
    with pytest.raises(me.ValidationError) as error:
        make(**{field: None}).validate()
    assert field in error.value.to_dict()

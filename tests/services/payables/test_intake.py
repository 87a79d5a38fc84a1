"""Intake: archive the original, extract attachments, refuse duplicates, match the supplier,
flag a changed IBAN; a crash before the invoice is written leaves nothing half-made."""
import hashlib
from datetime import date
from decimal import Decimal as D

import pytest

from models.archive import ArchivedFile
from models.supplier_invoice import SupplierInvoice
from services.archive.store import read_file
from services.payables import intake
from tests.factories import make_supplier
from tests.services.payables.samples import (Line, Sample, cii_xml, facturx_pdf, plain_pdf, ubl_xml,
                                             zugferd1_pdf, zugferd1_xml)

USER = "fibu@firma.example.com"
TODAY = date(2026, 11, 25)


def run(data, name="rechnung.xml", **kw):
    return intake.import_invoice_file(data, name, user=USER, today=TODAY, **kw)


def test_xml_invoice_becomes_a_draft_with_the_original_archived(app):
    supplier = make_supplier()
    xml = cii_xml(Sample(attachments=[("stundenzettel.pdf", "application/pdf", plain_pdf("Stunden"))]))
    result = run(xml)
    assert result.status == "draft" and result.errors == []
    inv = SupplierInvoice.objects.get(pk=result.invoice.pk)
    assert inv.supplier.pk == supplier.pk and not inv.supplier_proposed
    assert (inv.number, inv.issue_date, inv.gross_total, inv.amount_due) == (
        "RE-2026-0815", date(2026, 11, 20), D("148.75"), D("148.75"))
    assert inv.captured_by == USER and inv.history[0].action == "captured"
    original = ArchivedFile.objects.get(pk=inv.source_file)
    assert original.category.pk == "invoice_in"
    assert original.sha256 == hashlib.sha256(xml).hexdigest() == inv.sha256
    assert read_file(original.pk) == xml  # unchanged
    (attachment,) = [ArchivedFile.objects.get(pk=a) for a in inv.attachments]
    assert attachment.filename == "stundenzettel.pdf" and attachment.category.pk == "invoice_in"
    assert read_file(attachment.pk).startswith(b"%PDF")


def test_same_file_twice_is_a_duplicate_with_a_link_to_the_first(app):
    make_supplier()
    first = run(cii_xml(Sample()))
    again = run(cii_xml(Sample()))
    assert again.status == "duplicate" and again.duplicate_of.pk == first.invoice.pk
    assert f"/payables/{first.invoice.pk}" in again.errors[0]
    assert SupplierInvoice.objects.count() == 1


def test_same_supplier_and_number_in_another_file_is_a_duplicate(app):
    make_supplier()
    first = run(cii_xml(Sample()))
    other_file = run(ubl_xml(Sample()), "rechnung-ubl.xml")  # same invoice, other syntax
    assert other_file.status == "duplicate" and other_file.duplicate_of.pk == first.invoice.pk
    next_number = run(cii_xml(Sample(number="RE-2026-0816")))
    assert next_number.status == "draft"
    other_supplier = run(cii_xml(Sample(seller_vat="DE136695976", seller_name="Andere GmbH",
                                        seller_iban="DE02120300000000202051")))
    assert other_supplier.status == "draft"


def test_supplier_is_matched_by_vat_id_then_iban_then_tax_number_then_name_and_postcode(app):
    by_vat = make_supplier(name="Nach USt-IdNr.", vat_id="DE123456788", iban=None)
    by_iban = make_supplier(name="Nach IBAN", vat_id=None, iban="DE02120300000000202051")
    by_tax = make_supplier(name="Nach Steuernummer", vat_id=None, iban=None, tax_number="143/123/45678")
    by_name = make_supplier(name="Schreinerei Holz", vat_id=None, iban=None, postal_code="80331")
    match = intake.match_supplier
    assert match({"vat_id": "DE123456788"}, "DE02120300000000202051").pk == by_vat.pk
    assert match({"vat_id": "DE999999999"}, "DE02120300000000202051").pk == by_iban.pk
    assert match({"tax_number": "143/123/45678"}, "DE75512108001245126199").pk == by_tax.pk
    assert match({"name": "Schreinerei Holz", "postal_code": "80331"}, None).pk == by_name.pk
    assert match({"name": "Schreinerei Holz", "postal_code": "10115"}, None) is None


def test_unknown_supplier_is_proposed_with_the_invoice_data(app):
    result = run(cii_xml(Sample()))
    inv = result.invoice
    assert inv.supplier is None and inv.supplier_proposed
    assert inv.supplier_data["name"] == "Großhandel Schäfer GmbH"
    assert inv.supplier_data["vat_id"] == "DE123456788"
    assert inv.supplier_data["postal_code"] == "80331"
    assert inv.supplier_data["contact_name"] == "Erika Schäfer"


def test_iban_other_than_master_data_is_flagged_as_fraud_risk(app):
    make_supplier(iban="DE02120300000000202051")
    inv = run(cii_xml(Sample())).invoice  # the invoice says DE8937…
    assert inv.iban_mismatch and "IBAN-CHANGED" in [f.code for f in inv.findings]
    clean = run(cii_xml(Sample(number="X-2", seller_iban="DE02120300000000202051"))).invoice
    assert not clean.iban_mismatch


def test_skonto_and_due_date_from_the_terms(app):
    make_supplier()
    inv = run(cii_xml(Sample(terms="#SKONTO#TAGE=10#PROZENT=3.00#"))).invoice
    # 148.75 × 3 % = 4.4625 → 4.46; 20.11. + 10 days
    assert (inv.skonto_days, inv.skonto_percent, inv.skonto_until, inv.skonto_amount) == (
        10, D("3.00"), date(2026, 11, 30), D("4.46"))


@pytest.mark.parametrize("make, syntax", [
    (lambda: facturx_pdf(cii_xml(Sample()), "en16931"), "cii"),
    (lambda: zugferd1_pdf(zugferd1_xml(Sample())), "zugferd1"),
])
def test_pdf_with_embedded_xml_is_read_and_the_pdf_archived(app, make, syntax):
    data = make()
    inv = run(data, "rechnung.pdf").invoice
    assert inv.source_format == syntax and inv.gross_total == D("148.75")
    assert read_file(inv.source_file) == data
    # the XML is parsed once: the XSD check validated the tree the reader read (ZUGFeRD 1.0
    # is read under CII's names, which its own XSD would refuse)
    assert [f.code for f in inv.findings if f.code == "XSD"] == []


def test_plain_pdf_and_image_become_drafts_to_type(app):
    scan = run(plain_pdf("Scan"), "scan.pdf")
    assert scan.status == "draft" and scan.invoice.manual_lines_required
    assert scan.invoice.source_format == "document" and scan.invoice.lines == []
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    image = run(png, "foto.png")
    assert image.status == "draft" and image.invoice.manual_lines_required


def test_minimum_profile_needs_manual_lines(app):
    inv = run(cii_xml(Sample(profile="minimum"))).invoice
    assert inv.manual_lines_required and inv.lines == []
    assert "PROFILE" in [f.code for f in inv.findings]


def test_unreadable_file_is_rejected_with_the_reason(app):
    result = run(b"Hallo Welt", "notiz.txt")
    assert result.status == "rejected" and "nicht unterstützt" in result.errors[0]
    assert SupplierInvoice.objects.count() == 0


def test_schematron_errors_are_stored_and_listed(app):
    make_supplier()
    xml = cii_xml(Sample()).replace(b"<ram:GrandTotalAmount>148.75<",
                                    b"<ram:GrandTotalAmount>150.00<")
    result = run(xml)
    assert result.status == "draft"
    codes = [f.code for f in result.invoice.findings]
    assert "BR-CO-15" in codes  # our arithmetic check
    assert any(e.startswith("[BR-CO-15]") for e in result.errors)  # the Schematron's own finding


def test_a_crash_before_the_invoice_is_written_leaves_nothing_half_made(app, monkeypatch):
    make_supplier()
    xml = cii_xml(Sample())

    def crash(self, *a, **kw):
        raise SystemExit("killed")

    monkeypatch.setattr(SupplierInvoice, "save", crash)
    with pytest.raises(SystemExit):
        run(xml)
    monkeypatch.undo()
    assert SupplierInvoice.objects.count() == 0
    result = run(xml)  # processed again
    assert result.status == "draft"
    assert ArchivedFile.objects(sha256=hashlib.sha256(xml).hexdigest()).count() == 1


def test_line_of_several_rates_and_allowances_is_stored(app):
    make_supplier()
    sample = Sample(lines=[Line("A", D("2"), D("10.00"), allowance=D("1.00")),
                           Line("B", D("1"), D("50.00"), rate=D("7"))])
    inv = run(ubl_xml(sample)).invoice
    assert [ln.net_amount for ln in inv.lines] == [D("19.00"), D("50.00")]
    assert {(r.rate, r.base, r.amount) for r in inv.vat_breakdown} == {
        (D("19.00"), D("19.00"), D("3.61")), (D("7.00"), D("50.00"), D("3.50"))}

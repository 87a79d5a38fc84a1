"""Typing a scan or a MINIMUM / BASIC WL invoice: computed totals, checks, then check → book.

Expected nets, VAT and journal lines are worked out by hand in the comments (SKR03:
4930 Bürobedarf, 4940 Bücher, 1576/1571 input VAT 19 %/7 %, 1600 payables).
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.cost_center import CostCenter
from models.ledger import JournalEntry
from models.supplier_invoice import SupplierInvoice
from services.core.messages import RuleError
from services.payables import approval, intake, manual
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import Sample, cii_xml, facturx_pdf, plain_pdf

TODAY = date(2026, 11, 25)
HEADER = {"number": "2026-4711", "issue_date": "20.11.2026", "due_date": "20.12.2026",
          "currency": "EUR"}


def row(description, quantity, price, category="S", rate="19", account="4930", cost_center=""):
    return {"description": description, "quantity": quantity, "unit": "Stk",
            "unit_price": price, "vat_category": category, "vat_rate": rate,
            "account": account, "cost_center": cost_center}


# 5 × 4,99 = 24.95 and 1 × 89,00 = 89.00 at 19 %: base 113.95, VAT 21.6505 → 21.65;
# 2 × 19,90 = 39.80 at 7 %: VAT 2.786 → 2.79. Net 153.75, VAT 24.44, gross 178.19.
ROWS = [row("Druckerpapier A4", "5", "4,99"), row("Fachbuch Steuerrecht", "2", "19,90",
                                                    rate="7", account="4940"),
        row("Toner schwarz", "1", "89,00")]


@pytest.fixture
def people(app):
    return make_user("finance"), make_user("finance")


@pytest.fixture
def supplier(app):
    return make_supplier(name="Bürohaus Lindner KG", vat_id="DE136695976",
                         iban="DE02100100100006820101", postal_code="10115")


def scan(capturer, data=None, name="scan.pdf"):
    result = intake.import_invoice_file(data or plain_pdf("Rechnung 2026-4711"), name,
                                        user=capturer.email, today=TODAY)
    assert result.status == "draft" and result.invoice.manual_lines_required
    return result.invoice


def header(supplier, **changes):
    return {**HEADER, "supplier": str(supplier.pk), **changes}


def test_a_typed_scan_gets_computed_totals_and_is_booked(people, supplier):
    capturer, approver = people
    inv = scan(capturer)
    saved = manual.save_entry(inv.pk, header(supplier), ROWS + [row("", "", "")],
                              capturer.email, today=TODAY)
    assert [(ln.description, ln.net_amount, ln.vat_rate) for ln in saved.lines] == [
        ("Druckerpapier A4", D("24.95"), D("19.00")),
        ("Fachbuch Steuerrecht", D("39.80"), D("7.00")),
        ("Toner schwarz", D("89.00"), D("19.00"))]  # the empty row is not stored
    assert [(r.category, r.rate, r.base, r.amount) for r in saved.vat_breakdown] == [
        ("S", D("19.00"), D("113.95"), D("21.65")), ("S", D("7.00"), D("39.80"), D("2.79"))]
    assert (saved.net_total, saved.vat_total, saved.gross_total, saved.amount_due) == (
        D("153.75"), D("24.44"), D("178.19"), D("178.19"))
    assert (saved.number, saved.issue_date, saved.due_date, saved.supplier.pk) == (
        "2026-4711", date(2026, 11, 20), date(2026, 12, 20), supplier.pk)
    assert saved.status == "draft" and saved.history[-1].action == "lines_entered"
    assert not [f for f in saved.findings if f.severity == "error"]
    inv = approval.check_invoice(saved, capturer)
    inv = approval.approve_invoice(inv, approver, today=TODAY)
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
        ("1571", D("2.79"), D("0.00")), ("1576", D("21.65"), D("0.00")),
        ("1600", D("0.00"), D("178.19")), ("4930", D("113.95"), D("0.00")),
        ("4940", D("39.80"), D("0.00"))]
    assert entry.voucher_ref == f"ER:{inv.source_file}"


def test_an_untyped_scan_cannot_be_checked(people, supplier):
    capturer, _ = people
    inv = scan(capturer)
    inv.supplier = supplier
    inv.save()
    with pytest.raises(RuleError):
        approval.check_invoice(inv, capturer)
    assert inv.reload().status == "draft"


def test_every_mistake_is_named_and_nothing_is_written(people, supplier):
    capturer, _ = people
    inv = scan(capturer)
    rows = [row("", "2", "1,00"), row("Papier", "abc", "1,00"),
            row("Papier", "1", "1,00", rate="16"), row("Beratung", "1", "100", category="AE"),
            row("Papier", "0", "1,00"), row("Papier", "1", "-5,00"),
            row("Papier", "1,12345", "1,00"), row("Papier", "1", "1,00", category="X"),
            row("Papier", "1", "1,00", account="9999"),
            row("Papier", "1", "1,00", cost_center="KST-NIX")]
    with pytest.raises(manual.EntryErrors) as caught:
        manual.save_entry(inv.pk, header(supplier, number="", issue_date="31.02.2026",
                                         due_date="", currency="US"), rows, capturer.email)
    messages = [str(e) for e in caught.value.errors]
    expected = ["Bitte die Rechnungsnummer vom Beleg eintragen",
                "Rechnungsdatum: „31.02.2026“ ist kein Datum",
                "Währung „US“: bitte den dreistelligen Code angeben",
                "Position 1: bitte die Beschreibung eintragen",
                "Position 2: Menge „abc“ ist keine Zahl",
                "Position 3: zum Steuersatz 16,00 % gibt es kein Vorsteuerkonto",
                "Position 4: bei Steuerkategorie AE steht auf der Rechnung keine Steuer",
                "Position 5: die Menge muss größer als 0 sein",
                "Position 6: der Einzelpreis darf nicht negativ sein",
                "Position 7: Menge hat mehr als 4 Nachkommastellen",
                "Position 8: Steuerkategorie „X“ unbekannt",
                "Konto 9999 gibt es nicht",
                "Kostenstelle KST-NIX gibt es nicht"]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert len(messages) == len(expected)
    stored = SupplierInvoice.objects.get(pk=inv.pk)
    assert stored.lines == [] and stored.number is None and stored.history[-1].action == "captured"


def test_no_lines_and_no_supplier_are_refused(people):
    capturer, _ = people
    inv = scan(capturer)
    with pytest.raises(manual.EntryErrors) as caught:
        manual.save_entry(inv.pk, dict(HEADER), [row("", "", "")], capturer.email)
    messages = " | ".join(str(e) for e in caught.value.errors)
    assert "mindestens eine Position" in messages and "Lieferanten auswählen" in messages


def test_the_edges_that_are_allowed(people, supplier):
    capturer, _ = people
    CostCenter(code="VERW", name="Verwaltung").save()
    inv = scan(capturer)
    rows = [row("Schrauben", "1,2345", "0,015", cost_center="VERW"),  # 0.0185175 → 0.02
            row("Export", "1", "10", category="G", rate="0"),
            row("Beratung AT", "1", "100", category="AE", rate="0", account="4900")]
    saved = manual.save_entry(inv.pk, header(supplier), rows, capturer.email, today=TODAY)
    assert [ln.net_amount for ln in saved.lines] == [D("0.02"), D("10.00"), D("100.00")]
    assert saved.lines[0].cost_center == "VERW"
    assert (saved.net_total, saved.vat_total, saved.gross_total) == (D("110.02"), D("0.00"),
                                                                     D("110.02"))
    # 19 %: 0.02 × 19 % = 0.0038 → 0.00
    assert [(r.category, r.amount) for r in saved.vat_breakdown] == [
        ("S", D("0.00")), ("G", D("0.00")), ("AE", D("0.00"))]


def test_the_typed_gross_of_a_scan_is_cross_checked(people, supplier):
    capturer, _ = people
    inv = scan(capturer)
    saved = manual.save_entry(inv.pk, header(supplier, document_gross="178,91"), ROWS,
                              capturer.email, today=TODAY)
    found = [f for f in saved.findings if f.code == "MANUAL-TOTAL"]
    assert len(found) == 1 and found[0].severity == "error"
    assert "Brutto laut Positionen 178,19, laut Beleg (erfasst) 178,91" in found[0].message
    with pytest.raises(RuleError, match="passen nicht zum Beleg"):
        approval.check_invoice(saved, capturer)
    fixed = manual.save_entry(inv.pk, header(supplier, document_gross="178,19"), ROWS,
                              capturer.email, today=TODAY)
    assert not [f for f in fixed.findings if f.code == "MANUAL-TOTAL"]
    assert approval.check_invoice(fixed, capturer).status == "checked"


@pytest.mark.parametrize("level", ["minimum", "basicwl"])
def test_minimum_and_basic_wl_totals_from_the_xml_are_the_yardstick(people, level):
    capturer, approver = people
    supplier = make_supplier(default_account="4980")
    # The XML says: net 125.00, VAT 23.75, gross 148.75, due 148.75 (10 × 12.50 at 19 %).
    data = facturx_pdf(cii_xml(Sample(profile=level)), level)
    result = intake.import_invoice_file(data, "minimum.pdf", user=capturer.email, today=TODAY)
    inv = result.invoice
    assert inv.manual_lines_required and inv.source_format == "cii"
    typo = [row("Kabelbinder 200 mm", "10", "12,05", account="4980")]  # 120.50: a typo
    saved = manual.save_entry(inv.pk, header(supplier, number=inv.number), typo,
                              capturer.email, today=TODAY)
    message = next(f.message for f in saved.findings if f.code == "MANUAL-TOTAL")
    for part in ("Netto laut Positionen 120,50, laut Beleg 125,00",
                 "Umsatzsteuer laut Positionen 22,90, laut Beleg 23,75",
                 "Brutto laut Positionen 143,40, laut Beleg 148,75"):
        assert part in message
    with pytest.raises(RuleError, match="passen nicht zum Beleg"):
        approval.check_invoice(saved, capturer)
    right = [row("Kabelbinder 200 mm", "10", "12,50", account="4980")]
    saved = manual.save_entry(inv.pk, header(supplier, number=inv.number), right,
                              capturer.email, today=TODAY)
    assert not [f for f in saved.findings if f.code == "MANUAL-TOTAL"]
    inv = approval.approve_invoice(approval.check_invoice(saved, capturer), approver, today=TODAY)
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
        ("1576", D("23.75"), D("0.00")), ("1600", D("0.00"), D("148.75")),
        ("4980", D("125.00"), D("0.00"))]


def test_a_currency_other_than_the_xmls_is_a_mismatch(people):
    capturer, _ = people
    supplier = make_supplier(default_account="4980")
    data = facturx_pdf(cii_xml(Sample(profile="minimum")), "minimum")
    inv = intake.import_invoice_file(data, "m.pdf", user=capturer.email, today=TODAY).invoice
    saved = manual.save_entry(inv.pk, header(supplier, number=inv.number, currency="USD"),
                              [row("Kabelbinder", "10", "12,50", account="4980")],
                              capturer.email, today=TODAY)
    message = next(f.message for f in saved.findings if f.code == "MANUAL-TOTAL")
    assert "Währung USD, laut Beleg EUR" in message


def test_an_e_invoice_with_lines_is_not_typed_over(people):
    capturer, _ = people
    make_supplier()
    inv = intake.import_invoice_file(cii_xml(Sample()), "re.xml", user=capturer.email,
                                     today=TODAY).invoice
    with pytest.raises(RuleError, match="aus der E-Rechnung gelesen"):
        manual.save_entry(inv.pk, header(inv.supplier), ROWS, capturer.email)


def test_only_a_draft_takes_typed_lines(people, supplier):
    capturer, _ = people
    inv = scan(capturer)
    manual.save_entry(inv.pk, header(supplier), ROWS, capturer.email, today=TODAY)
    approval.check_invoice(SupplierInvoice.objects.get(pk=inv.pk), capturer)
    with pytest.raises(RuleError, match="nur im Entwurf"):
        manual.save_entry(inv.pk, header(supplier), ROWS[:1], capturer.email, today=TODAY)
    assert len(SupplierInvoice.objects.get(pk=inv.pk).lines) == 3


def test_the_same_number_of_the_same_supplier_is_a_duplicate(people, supplier):
    capturer, _ = people
    first = scan(capturer, plain_pdf("Erster Scan"), "a.pdf")
    manual.save_entry(first.pk, header(supplier), ROWS, capturer.email, today=TODAY)
    second = scan(capturer, plain_pdf("Zweiter Scan derselben Rechnung"), "b.pdf")
    with pytest.raises(RuleError, match=f"2026-4711 dieses Lieferanten ist bereits erfasst.*"
                                        f"/payables/{first.pk}"):
        manual.save_entry(second.pk, header(supplier), ROWS, capturer.email, today=TODAY)
    assert SupplierInvoice.objects.get(pk=second.pk).lines == []


def test_a_typed_foreign_currency_scan_needs_a_rate(people, supplier):
    from models.exchange_rate import ExchangeRate

    capturer, approver = people
    inv = scan(capturer)
    saved = manual.save_entry(inv.pk, header(supplier, currency="usd"), ROWS[:1],
                              capturer.email, today=TODAY)
    assert saved.currency == "USD" and any(f.code == "FX" for f in saved.findings)
    with pytest.raises(RuleError, match="Kein Umrechnungskurs für USD"):
        approval.check_invoice(saved, capturer)
    ExchangeRate(currency="USD", kind="ecb_day", day=date(2026, 11, 20), rate=D("1.25")).save()
    inv = approval.approve_invoice(approval.check_invoice(saved.reload(), capturer), approver,
                                   today=TODAY)
    # 24.95 USD / 1.25 = 19.96; VAT 24.95 × 19 % = 4.7405 → 4.74 USD / 1.25 = 3.792 → 3.79
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
        ("1576", D("3.79"), D("0.00")), ("1600", D("0.00"), D("23.75")),
        ("4930", D("19.96"), D("0.00"))]

"""Check, approve (four eyes, rules), post, cancel and pay supplier invoices.

Journal lines are stated by hand (SKR03): see each test's comment for the arithmetic.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from models.ledger import JournalEntry
from models.supplier_invoice import ApprovalRule, FrozenSupplierInvoiceError, SupplierInvoice
from services.core.messages import RuleError
from services.core.tasks import tasks_for
from services.ledger.posting import verify_chain
from services.payables import approval, intake
from services.payables.payments import open_supplier_invoices, record_supplier_payment
from tests.factories import make_supplier, make_user
from tests.services.payables.samples import DocAC, Line, Sample, cii_xml, ubl_xml

TODAY = date(2026, 11, 25)


@pytest.fixture
def people(app):
    capturer = make_user("finance", email="erfasser@firma.example.com")
    approver = make_user("finance", email="freigabe@firma.example.com")
    return capturer, approver


def capture(data, capturer, name="re.xml"):
    result = intake.import_invoice_file(data, name, user=capturer.email, today=TODAY)
    assert result.status == "draft", result.errors
    return result.invoice


def lines_of(entry_id):
    entry = JournalEntry.objects.get(pk=entry_id)
    return sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines), entry


def book(inv, capturer, approver):
    inv = approval.check_invoice(inv, capturer)
    return approval.approve_invoice(inv, approver, today=TODAY)


def test_several_rates_with_allowances_are_posted_by_hand_computed_figures(people):
    capturer, approver = people
    make_supplier(default_account="4980")
    sample = Sample(lines=[Line("Kabelbinder", D("10"), D("12.50")),
                           Line("Fachbuch", D("3"), D("4.99"), rate=D("7"), allowance=D("1.00")),
                           Line("Koffer", D("1"), D("100.00"), charge=D("5.00"))],
                    doc_acs=[DocAC(D("10.00")), DocAC(D("7.50"), charge=True)], prepaid=D("50.00"))
    inv = capture(cii_xml(sample), capturer)
    inv.lines[0].account = "3400"  # goods; the other two take the supplier's 4980
    inv.save()
    inv = book(inv, capturer, approver)
    assert inv.status == "posted" and inv.frozen
    # 19 %: A 125.00 (3400) + C 105.00 (4980) − 10.00 + 7.50 = 227.50: the −2.50 of the
    # document go to the larger line's account: 3400 122.50. 7 %: B 13.97 (4980).
    # 4980 = 105.00 + 13.97 = 118.97. VAT 227.50 × 19 % = 43.225 → 43.23; 13.97 × 7 % = 0.98.
    # Gross: 122.50 + 118.97 + 43.23 + 0.98 = 285.68, less the advance of 50.00 already paid:
    # payable 235.68. The advance is cleared, split by the gross of each rate: 19 % 270.73,
    # 7 % 14.95: 50 × 270.73 / 285.68 = 47.383 → 47.38 (VAT × 19/119 = 7.5649 → 7.56, net
    # 39.82 off 1518), 7 %: 2.62 (VAT × 7/107 = 0.1714 → 0.17, net 2.45 off 1511).
    lines, entry = lines_of(inv.journal_entry)
    assert lines == [("1511", D("0.00"), D("2.45")), ("1518", D("0.00"), D("39.82")),
                     ("1571", D("0.00"), D("0.17")), ("1571", D("0.98"), D("0.00")),
                     ("1576", D("0.00"), D("7.56")), ("1576", D("43.23"), D("0.00")),
                     ("1600", D("0.00"), D("235.68")), ("3400", D("122.50"), D("0.00")),
                     ("4980", D("118.97"), D("0.00"))]
    assert entry.date == date(2026, 11, 20) and entry.source == "payables"
    assert entry.voucher_ref == f"ER:{inv.source_file}"
    assert verify_chain(2026).ok
    assert [h.action for h in inv.history] == ["captured", "checked", "approved", "posted"]
    assert inv.open_amount == D("235.68")  # gross minus prepaid


def test_reverse_charge_posts_input_and_output_vat(people):
    capturer, approver = people
    make_supplier(vat_id="ATU13585627", country="AT", postal_code="1010", default_account="4900")
    inv = capture(cii_xml(Sample(seller_vat="ATU13585627", seller_country="AT", seller_postal="1010",
                                 lines=[Line("Montage", D("8"), D("95.00"), category="AE",
                                             rate=D("0"))])), capturer)
    inv = book(inv, capturer, approver)
    # 8 × 95.00 = 760.00; § 13b: 19 % of 760.00 = 144.40 on 1577 (debit) and 1787 (credit).
    assert lines_of(inv.journal_entry)[0] == [
        ("1577", D("144.40"), D("0.00")), ("1600", D("0.00"), D("760.00")),
        ("1787", D("0.00"), D("144.40")), ("4900", D("760.00"), D("0.00"))]


def test_intra_eu_acquisition_posts_input_and_output_vat(people):
    capturer, approver = people
    make_supplier(vat_id="FR40303265045", country="FR", postal_code="75001", default_account="3400")
    inv = capture(ubl_xml(Sample(seller_vat="FR40303265045", seller_country="FR", seller_postal="75001",
                                 lines=[Line("Maschine", D("1"), D("5000.00"), category="K",
                                             rate=D("0"))])), capturer)
    inv = book(inv, capturer, approver)
    # 5,000.00 × 19 % = 950.00 on 1574 (debit) and 1774 (credit); payable 5,000.00.
    assert lines_of(inv.journal_entry)[0] == [
        ("1574", D("950.00"), D("0.00")), ("1600", D("0.00"), D("5000.00")),
        ("1774", D("0.00"), D("950.00")), ("3400", D("5000.00"), D("0.00"))]


def test_credit_note_reduces_the_payable(people):
    capturer, approver = people
    make_supplier(default_account="3400")
    note = capture(ubl_xml(Sample(number="GS-1"), credit_note=True), capturer)
    note = book(note, capturer, approver)
    # 10 × 12.50 = 125.00, 19 % = 23.75, 148.75 debit on the payable.
    assert lines_of(note.journal_entry)[0] == [
        ("1576", D("0.00"), D("23.75")), ("1600", D("148.75"), D("0.00")),
        ("3400", D("0.00"), D("125.00"))]
    (row,) = open_supplier_invoices()
    assert row["kind"] == "credit_note" and row["amount_open"] == D("-148.75")


def test_four_eyes_the_capturer_may_not_approve(people):
    capturer, approver = people
    make_supplier(default_account="4980")
    inv = approval.check_invoice(capture(cii_xml(Sample()), capturer), capturer)
    with pytest.raises(RuleError, match="Vier-Augen"):
        approval.approve_invoice(inv, capturer)
    assert SupplierInvoice.objects.get(pk=inv.pk).status == "checked"
    assert approval.approve_invoice(inv, approver, today=TODAY).status == "posted"


def test_approval_rules_by_amount_and_supplier(people):
    capturer, approver = people
    boss = make_user("warehouse", email="chefin@firma.example.com")
    special = make_supplier(default_account="4980")
    ApprovalRule(name="bis 100 €", priority=10, max_amount=D("100.00"), approver_roles=["finance"]).save()
    ApprovalRule(name="ab 100 €", priority=20, min_amount=D("100.00"),
                 approver_users=["chefin@firma.example.com"]).save()
    inv = approval.check_invoice(capture(cii_xml(Sample()), capturer), capturer)  # 148.75
    assert approval.approvers_for(inv) == ((), ("chefin@firma.example.com",))
    with pytest.raises(RuleError, match="nicht als Freigebende"):
        approval.approve_invoice(inv, approver)
    def approvals(user):  # the payables tasks (the calendar's deadlines may be there too)
        return [t.ref for t in tasks_for(user).tasks if t.area == "payables"]

    assert approvals(boss) == ["RE-2026-0815"]  # Meine Freigaben
    assert approvals(approver) == []
    small = approval.check_invoice(capture(cii_xml(Sample(number="K-1", lines=[
        Line("Stift", D("1"), D("50.00"))])), capturer), capturer)  # 59.50
    assert approval.approvers_for(small) == (("finance",), ())
    assert approval.approve_invoice(inv, boss, today=TODAY).status == "posted"
    assert approvals(boss) == []
    ApprovalRule(name="Sonderlieferant", priority=1, supplier=special,
                 approver_roles=["admin"]).save()
    assert approval.approvers_for(small) == (("admin",), ())
    other = make_supplier(vat_id="DE136695976", iban=None)
    small.supplier = other
    assert approval.approvers_for(small) == (("finance",), ())


def test_reject_with_reason_and_ask_back(people):
    capturer, approver = people
    make_supplier(default_account="4980")
    inv = approval.check_invoice(capture(cii_xml(Sample()), capturer), capturer)
    with pytest.raises(RuleError, match="Rückfrage"):
        approval.ask_back(inv, approver, "")
    inv = approval.ask_back(inv, approver, "Ist die Lieferung vollständig?")
    assert inv.status == "draft" and inv.history[-1].note == "Ist die Lieferung vollständig?"
    with pytest.raises(RuleError, match="Grund"):
        approval.reject_invoice(inv, approver, " ")
    inv = approval.reject_invoice(inv, approver, "Doppelt berechnet")
    assert inv.status == "rejected" and inv.reject_reason == "Doppelt berechnet"
    with pytest.raises(RuleError, match="Status"):
        approval.check_invoice(inv, capturer)


def test_changed_iban_blocks_the_check_until_confirmed(people):
    capturer, approver = people
    make_supplier(iban="DE02120300000000202051", default_account="4980")
    inv = capture(cii_xml(Sample()), capturer)
    with pytest.raises(RuleError, match="IBAN"):
        approval.check_invoice(inv, capturer)
    inv = approval.confirm_iban(inv, capturer, "Telefonisch mit Frau Schäfer bestätigt")
    assert approval.check_invoice(inv, capturer).status == "checked"


def test_schematron_errors_need_confirmation_by_finance(people):
    capturer, approver = people
    boss = make_user("admin", email="admin@firma.example.com")
    make_supplier(default_account="4980")
    xml = cii_xml(Sample()).replace(b"<ram:GrandTotalAmount>148.75<", b"<ram:GrandTotalAmount>148.76<")
    inv = approval.check_invoice(capture(xml, capturer), capturer)
    assert inv.errors
    with pytest.raises(RuleError, match="Prüffehler"):
        approval.approve_invoice(inv, approver)
    with pytest.raises(RuleError, match="finance"):
        approval.confirm_findings(inv, boss)  # admin is not the accounting
    inv = approval.confirm_findings(inv, approver)
    assert inv.findings_confirmed_by == approver.email
    assert approval.approve_invoice(inv, approver, today=TODAY).status == "posted"


def test_posted_invoice_is_frozen_and_cancelled_only_by_reversal(people):
    capturer, approver = people
    make_supplier(default_account="4980")
    inv = book(capture(cii_xml(Sample()), capturer), capturer, approver)
    inv.number = "GEÄNDERT"
    with pytest.raises(FrozenSupplierInvoiceError):
        inv.save()
    with pytest.raises(FrozenSupplierInvoiceError):
        SupplierInvoice.objects(pk=inv.pk).update(set__number="X")
    with pytest.raises(FrozenSupplierInvoiceError):
        inv.delete()
    cancelled = approval.cancel_invoice(SupplierInvoice.objects.get(pk=inv.pk), capturer,
                                        "Falscher Empfänger", day=date(2026, 11, 26))
    assert cancelled.status == "cancelled"
    original, _ = lines_of(inv.journal_entry)
    mirror, reversal = lines_of(cancelled.reversal_entry)
    assert mirror == sorted((a, c, d) for a, d, c in original)
    assert reversal.reversal_of == inv.journal_entry and reversal.date == date(2026, 11, 26)
    assert open_supplier_invoices() == []


def test_payment_interface_and_manual_payment(people):
    capturer, approver = people
    make_supplier(default_account="4980")
    inv = book(capture(cii_xml(Sample(terms="#SKONTO#TAGE=14#PROZENT=2.00#")), capturer),
               capturer, approver)
    (row,) = open_supplier_invoices(due_until=date(2026, 12, 20))
    assert open_supplier_invoices(due_until=date(2026, 12, 19)) == []
    assert row["iban"] == "DE89370400440532013000" and row["number"] == "RE-2026-0815"
    assert row["amount_open"] == D("148.75") and row["due_date"] == date(2026, 12, 20)
    # 148.75 × 2 % = 2.975 → 2.98 until 20.11. + 14 days
    assert (row["skonto_until"], row["skonto_amount"]) == (date(2026, 12, 4), D("2.98"))
    assert row["end_to_end_ref"] and len(row["end_to_end_ref"]) <= 35
    with pytest.raises(RuleError, match="höchstens"):
        record_supplier_payment(inv.pk, D("148.76"), date(2026, 12, 1), "bank", "K1")
    paid = record_supplier_payment(inv.pk, D("100.00"), date(2026, 12, 1), "bank", "K1")
    again = record_supplier_payment(inv.pk, D("100.00"), date(2026, 12, 1), "bank", "K1")
    assert paid.paid_total == again.paid_total == D("100.00") and len(again.payments) == 1
    lines, _ = lines_of(paid.payments[0].entry_id)
    assert lines == [("1200", D("0.00"), D("100.00")), ("1600", D("100.00"), D("0.00"))]
    assert open_supplier_invoices()[0]["amount_open"] == D("48.75")
    record_supplier_payment(inv.pk, "48.75", date(2026, 12, 2), "bank", "K2")
    assert open_supplier_invoices() == []
    with pytest.raises(RuleError, match="bezahlt"):
        approval.cancel_invoice(SupplierInvoice.objects.get(pk=inv.pk), capturer, "zu spät")


def test_lines_without_account_cannot_be_checked(people):
    capturer, _ = people
    make_supplier()  # no default account, no earlier booking
    inv = capture(cii_xml(Sample()), capturer)
    with pytest.raises(RuleError, match="Aufwandskonto"):
        approval.check_invoice(inv, capturer)
    inv.lines[0].account = "9999"
    inv.save()
    with pytest.raises(RuleError, match="9999"):
        approval.check_invoice(inv, capturer)


def test_last_booking_of_the_supplier_proposes_the_account(people):
    capturer, approver = people
    make_supplier()
    first = capture(cii_xml(Sample()), capturer)
    first.lines[0].account = "4980"
    first.save()
    book(first, capturer, approver)
    second = approval.check_invoice(capture(cii_xml(Sample(number="RE-2")), capturer), capturer)
    assert (second.lines[0].account, second.lines[0].account_source) == ("4980", "last_booking")


def test_a_non_eur_invoice_is_not_posted_in_eur_by_mistake(people):
    capturer, _ = people
    make_supplier(default_account="4980")
    inv = capture(cii_xml(Sample(currency="USD")), capturer)
    with pytest.raises(RuleError, match="USD"):
        approval.check_invoice(inv, capturer)
    assert SupplierInvoice.objects.get(pk=inv.pk).status == "draft"

"""Invoices: totals and rounding, §14 checks, issuing, numbers, PDF/XML, payments, credit notes."""
import io
import threading
from datetime import date
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader

from models import JournalEntry
from models.invoice import FrozenInvoiceError, Invoice, InvoiceLine
from services.invoicing import issuing as invoicing
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.invoicing.totals import compute_totals, line_net
from tests.factories import make_company, make_customer, make_invoice


@pytest.fixture
def app(reused_app):
    """One app per module, emptied to the seeded state before each test (conftest)."""
    return reused_app


RATES = {"19": Decimal("19.00"), "7": Decimal("7.00"), "0": Decimal("0.00")}


def L(qty, price, rate="19", **kw):
    return InvoiceLine(description=kw.pop("description", "Posten"), quantity=Decimal(qty),
                       unit_price=Decimal(price), vat_rate=rate, **kw)


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


# ---------------------------------------------------------------- pure arithmetic

def test_line_net_is_rounded_half_up_to_the_cent():
    assert line_net(Decimal("3"), Decimal("0.3350")) == Decimal("1.01")  # 1.005 -> 1.01
    assert line_net(Decimal("1.5"), Decimal("2.3333")) == Decimal("3.50")


def test_vat_is_computed_per_rate_on_the_summed_net():
    # Three lines of 0.10 net: VAT per line would be 3 x 0.02 = 0.06, on the sum it is 0.06
    # (0.057 -> 0.06); with 0.05 nets per line rounding differs: 7 x 0.0095 -> 0.07 vs 0.
    lines = [L("1", "0.05")] * 7 + [L("1", "10.00", "7"), L("2", "4.99", "0",
                                                          exemption_reason="§ 4 Nr. 21 UStG")]
    totals = compute_totals(lines, RATES)
    by_rate = {r.code: r for r in totals.rates}
    assert by_rate["19"].net == Decimal("0.35") and by_rate["19"].vat == Decimal("0.07")
    assert by_rate["7"].vat == Decimal("0.70") and by_rate["0"].vat == 0
    assert totals.net == Decimal("20.33") and totals.vat == Decimal("0.77")
    assert totals.gross == Decimal("21.10")
    assert [r.code for r in totals.rates] == ["19", "7", "0"]


# ---------------------------------------------------------------- issuing

def test_issue_freezes_numbers_posts_and_archives(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    assert inv.status == "issued" and inv.number == "RE-2026-00001"
    assert inv.net_total == Decimal("334.80") and inv.vat_total == Decimal("57.64")
    assert inv.gross_total == Decimal("392.44")
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    amounts = {(ln.account, ln.debit, ln.credit) for ln in entry.lines}
    assert amounts == {("1400", Decimal("392.44"), 0), ("8400", 0, Decimal("285.00")),
                       ("1776", 0, Decimal("54.15")), ("8300", 0, Decimal("49.80")),
                       ("1771", 0, Decimal("3.49"))}
    assert entry.status == "posted" and entry.source == "invoice"
    assert entry.voucher_ref == "RE-2026-00001"
    pdf = read_file(inv.pdf_file)
    import hashlib
    assert hashlib.sha256(pdf).hexdigest() == inv.pdf_sha256
    assert invoicing.issue_invoice(inv, "fibu").number == "RE-2026-00001"  # repeat-safe
    assert JournalEntry.objects.count() == 1
    inv.notes = "geändert"
    with pytest.raises(FrozenInvoiceError):
        inv.status = "draft"
        inv.save()
    with pytest.raises(FrozenInvoiceError):
        Invoice.objects.get(pk=inv.pk).delete()


def test_pdf_shows_the_mandatory_content_and_carries_valid_xml(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    pdf = read_file(inv.pdf_file)
    text = pdf_text(pdf)
    for expected in ("Rechnung RE-2026-00001", "Müller & Söhne GmbH", "Hauptstraße 5",
                     "80331 München", "Bäckerei Größer KG", "Lindenweg 12", "10115 Berlin",
                     "15.03.2026", "10.03.2026", "DE136695976", "Fachbuch „Ordnung“",
                     "Umsatzsteuer 19 % auf 285,00 €: 54,15 €",
                     "Umsatzsteuer 7 % auf 49,80 €: 3,49 €", "392,44 €", "Seite 1 von 1",
                     "DE89370400440532013000"):
        assert expected in text, expected
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert b"<ram:ID>RE-2026-00001</ram:ID>" in xml
    assert b"<ram:GrandTotalAmount>392.44</ram:GrandTotalAmount>" in xml
    assert read_file(inv.xml_file) == xml


@pytest.mark.parametrize("change,message", [
    (dict(customer_kw=dict(street="")), "customer address (street)"),
    (dict(service_date=None), "date of supply or service"),
    (dict(lines=[L("1", "300.00", "0")]), "reason for the VAT exemption"),
])
def test_issue_refuses_missing_mandatory_fields_and_takes_no_number(app, change, message):
    make_company()
    customer = make_customer(**change.pop("customer_kw", {}))
    inv = make_invoice(customer=customer, **change)
    with pytest.raises(BusinessRuleError, match="missing: .*" + message.replace("(", r"\(")
                       .replace(")", r"\)")):
        invoicing.issue_invoice(inv, "fibu")
    assert Invoice.objects.get(pk=inv.pk).status == "draft"
    ok = invoicing.issue_invoice(make_invoice(), "fibu")
    assert ok.number == "RE-2026-00001"


def test_small_amount_invoice_needs_no_customer_address(app):
    # Our tax number stays: § 33 UStDV would not need it, the e-invoice does (BR-S-02).
    make_company(vat_id=None)
    customer = make_customer(street="", postal_code="", city="", vat_id=None)
    inv = invoicing.issue_invoice(make_invoice(customer=customer, service_date=None,
                                               lines=[L("2", "50.00")]), "fibu")
    assert inv.gross_total == Decimal("119.00") and inv.status == "issued"
    assert "Kleinbetragsrechnung" in pdf_text(read_file(inv.pdf_file))
    big = make_invoice(customer=customer, lines=[L("3", "100.00")])
    with pytest.raises(BusinessRuleError, match=r"customer address \(street\)"):
        invoicing.issue_invoice(big, "fibu")
    from models.company import Company
    Company.objects.update(set__tax_number=None)
    small = make_invoice(customer=customer, service_date=None, lines=[L("2", "50.00")])
    with pytest.raises(BusinessRuleError, match="company VAT ID or tax number"):
        invoicing.issue_invoice(small, "fibu")


def test_missing_company_data_is_named(app):
    with pytest.raises(BusinessRuleError, match="company's own name"):
        invoicing.issue_invoice(make_invoice(), "fibu")


def test_parallel_issues_of_the_same_invoice_use_one_number(app):
    make_company()
    inv = make_invoice()
    numbers = []
    threads = [threading.Thread(target=lambda: numbers.append(
        invoicing.issue_invoice(inv, "fibu").number)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert numbers == ["RE-2026-00001"] * 4
    assert invoicing.issue_invoice(make_invoice(), "fibu").number == "RE-2026-00002"
    assert JournalEntry.objects(status="posted").count() == 2


def test_payments_partial_then_full(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    inv = invoicing.record_payment(inv, amount=Decimal("100.00"), day=date(2026, 3, 20),
                                   user="fibu", key="p1")
    assert inv.status == "issued" and inv.paid_total == Decimal("100.00")
    again = invoicing.record_payment(inv, amount=Decimal("100.00"), day=date(2026, 3, 20),
                                     user="fibu", key="p1")
    assert again.paid_total == Decimal("100.00")  # same key: recorded once
    with pytest.raises(BusinessRuleError, match="exceeds the open amount of 292,44|292.44"):
        invoicing.record_payment(inv, amount=Decimal("300.00"), day=date(2026, 3, 21),
                                 user="fibu", key="p2")
    inv = invoicing.record_payment(inv, amount=Decimal("292.44"), day=date(2026, 3, 21),
                                   user="fibu", key="p3")
    assert inv.status == "paid" and len(inv.payments) == 2
    bank = [ln for e in JournalEntry.objects(source="payment") for ln in e.lines
            if ln.account == "1200"]
    assert sum(ln.debit for ln in bank) == Decimal("392.44")


def test_parallel_payments_never_exceed_the_open_amount(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")  # 392,44 € gross
    ok, refused, barrier = [], [], threading.Barrier(6)

    def pay(n):
        barrier.wait(timeout=60)
        try:
            invoicing.record_payment(inv, amount=Decimal("100.00"), day=date(2026, 3, 20),
                                     user="fibu", key=f"parallel-{n}")
            ok.append(n)
        except BusinessRuleError:
            refused.append(n)

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    final = Invoice.objects.get(pk=inv.pk)
    assert len(ok) == 3 and len(refused) == 3
    assert final.paid_total == Decimal("300.00") and len(final.payments) == 3
    # The books agree with the invoice: refused payments were reversed in the journal.
    bank = [ln for e in JournalEntry.objects(status="posted") for ln in e.lines
            if ln.account == "1200"]
    assert sum(ln.debit for ln in bank) - sum(ln.credit for ln in bank) == Decimal("300.00")


def test_cancel_creates_a_credit_note_that_reverses_the_posting(app):
    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")
    note = invoicing.cancel_invoice(inv, "fibu", today=date(2026, 3, 31))
    assert note.kind == "credit_note" and note.number == "ST-2026-00001"
    assert note.cancels == inv.pk and note.gross_total == inv.gross_total
    original = Invoice.objects.get(pk=inv.pk)
    assert original.status == "cancelled" and original.cancelled_by == note.pk
    entry = JournalEntry.objects.get(pk=original.journal_entry)
    reversal = JournalEntry.objects.get(pk=note.journal_entry)
    assert entry.reversed_by == reversal.pk and reversal.reversal_of == entry.pk
    text = pdf_text(read_file(note.pdf_file))
    assert "Stornorechnung ST-2026-00001" in text and "RE-2026-00001" in text
    _, xml = facturx.get_xml_from_pdf(read_file(note.pdf_file), check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert invoicing.cancel_invoice(original, "fibu").pk == note.pk  # once only
    assert Invoice.objects(kind="credit_note").count() == 1


def test_crash_while_issuing_is_resumed(app):
    make_company()
    inv = make_invoice()
    invoicing._freeze(inv, "fibu", date(2026, 3, 15))  # crash right after freezing
    frozen = Invoice.objects.get(pk=inv.pk)
    assert frozen.status == "issuing" and frozen.number == "RE-2026-00001"
    assert invoicing.resume_issuing() == 1
    done = Invoice.objects.get(pk=inv.pk)
    assert done.status == "issued" and done.pdf_file and done.journal_entry
    assert JournalEntry.objects.count() == 1


def test_closing_the_month_first_finishes_a_half_issued_invoice_in_it(app):
    """The invoice holds its March number already; it is posted into March, then March closes."""
    from services.ledger import periods, posting

    make_company()
    inv = make_invoice()
    invoicing._freeze(inv, "fibu", date(2026, 3, 15))  # a crash right after freezing
    periods.close_period(2026, 3, user="chefin")
    done = Invoice.objects.get(pk=inv.pk)
    assert done.status == "issued" and done.number == "RE-2026-00001"
    entry = JournalEntry.objects.get(pk=done.journal_entry)
    assert entry.status == "posted" and entry.date == date(2026, 3, 15)
    assert posting.is_period_closed(date(2026, 3, 15))
    with pytest.raises(BusinessRuleError, match="03/2026 is closed"):
        invoicing.issue_invoice(make_invoice(), "fibu", today=date(2026, 3, 20))


def test_an_invoice_caught_by_a_month_close_is_finished_into_an_open_period(app, runner):
    """The month closes between taking the number and posting: refused with the way out;
    the clerk then posts it into April, the invoice keeps its number and March date."""
    from services.ledger import posting

    make_company()
    inv = make_invoice()  # dated 15.03.2026
    invoicing._freeze(inv, "fibu", date(2026, 3, 15))  # number taken ...
    posting.close_period(2026, 3, user="chefin")       # ... and March closed right then
    with pytest.raises(BusinessRuleError, match="invoice finish RE-2026-00001 --post-date"):
        invoicing.issue_invoice(inv, "fibu")
    assert Invoice.objects.get(pk=inv.pk).status == "issuing"
    with pytest.raises(BusinessRuleError, match="03/2026 is closed too"):
        invoicing.finish_issue_in_open_period(inv, "fibu", date(2026, 3, 31))
    result = runner.invoke(args=["invoice", "finish", "RE-2026-00001", "--post-date",
                                 "2026-04-01", "--user", "chefin"])
    assert result.exit_code == 0, result.output
    assert "posted on 01.04.2026 (invoice date 15.03.2026)" in result.output
    done = Invoice.objects.get(pk=inv.pk)
    assert done.status == "issued" and done.number == "RE-2026-00001" and done.pdf_file
    assert done.issue_date == date(2026, 3, 15)
    entry = JournalEntry.objects.get(pk=done.journal_entry)
    assert entry.status == "posted" and entry.date == date(2026, 4, 1)
    assert entry.text.startswith("Rechnung RE-2026-00001 vom 15.03.2026")
    assert JournalEntry.objects.count() == 1 and posting.verify_chain(2026).ok
    result = runner.invoke(args=["invoice", "finish", "RE-2026-00001", "--post-date",
                                 "2026-04-02"])
    assert result.exit_code != 0 and "only an invoice held up" in result.output


def test_a_credit_note_caught_by_a_month_close_is_finished_and_cancels_its_invoice(app):
    from services.ledger import posting

    make_company()
    inv = invoicing.issue_invoice(make_invoice(), "fibu")  # March
    note = invoicing._credit_note_for(inv, "fibu", date(2026, 4, 10))
    invoicing._freeze(note, "fibu", date(2026, 4, 10))
    posting.close_period(2026, 4, user="chefin")
    with pytest.raises(BusinessRuleError, match="invoice finish ST-2026-00001"):
        invoicing.cancel_invoice(inv, "fibu")
    done = invoicing.finish_issue_in_open_period(note, "fibu", date(2026, 5, 2))
    assert done.status == "issued" and Invoice.objects.get(pk=inv.pk).status == "cancelled"
    reversal = JournalEntry.objects.get(pk=done.journal_entry)
    assert reversal.date == date(2026, 5, 2) and reversal.reversal_of is not None
    assert reversal.text == "Stornorechnung ST-2026-00001 vom 10.04.2026 zu RE-2026-00001"
    assert posting.verify_chain(2026).ok


def test_invalid_xml_is_refused_with_a_clear_message():
    from services.invoicing.einvoice import NS, check_xml

    broken = (f'<rsm:CrossIndustryInvoice xmlns:rsm="{NS["rsm"]}">'
              '<rsm:Unknown/></rsm:CrossIndustryInvoice>').encode()
    with pytest.raises(BusinessRuleError, match="does not validate against the EN 16931"):
        check_xml(broken)
    with pytest.raises(BusinessRuleError, match="does not validate"):
        check_xml(b"<not-closed>")

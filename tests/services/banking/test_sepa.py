"""SEPA payment runs: proposal from payroll, four eyes, pain.001 .09/.03 valid by the XSD.

The files are checked with `xmlschema` (another validator than the lxml the product
uses) against the XSDs vendored from the sepaxml package.
"""
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from models.payment_run import PaymentClaim, PaymentPayee, PaymentRun
from models.payroll import Payslip
from services.archive.store import read_file
from services.banking import sepa
from services.banking.sepa_xml import check_pain, dk_id, dk_text
from services.core.errors import BusinessRuleError
from services.payroll import posting as payroll_posting
from services.payroll import runs
from tests.factories import make_company
from tests.views.test_payroll_runs import staff

XSD = Path(__file__).resolve().parents[3] / "services" / "banking" / "xsd"
HR = "hr@firma.example.com"


def payroll(post=False):
    staff()
    run = runs.calculate_run(runs.create_run(2026, 3, HR).pk, HR)
    run = runs.approve_run(run.pk, HR)
    if post:
        run = payroll_posting.post_run(run.pk, HR)
    return run


def files_of(run):
    return {schema: read_file(file_id) for schema, file_id in run.files.items()}


def texts(xml, tag):
    root = etree.fromstring(xml)
    return [el.text for el in root.iter() if etree.QName(el).localname == tag]


def test_dk_character_set_and_lengths():
    assert dk_text("Müller & Söhne GmbH – Zürich", 70) == "Mueller + Soehne GmbH - Zuerich"
    assert dk_text("Straße; Büro #4 <ok>", 70) == "Strasse Buero 4 ok"
    assert len(dk_text("x" * 200, 140)) == 140
    assert dk_id("//payroll-net:abc//def ghi") == "payroll-net:abc/def-ghi"
    assert len(dk_id("a" * 80)) == 35


def test_salary_run_four_eyes_and_valid_files(app):
    make_company()
    run = payroll()
    slips = list(Payslip.objects(run=run.pk))
    expected = sorted(s.net for s in slips if s.net > 0)
    pay = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    assert sorted(i.amount for i in pay.items) == expected
    assert {i.category_purpose for i in pay.items} == {"SALA"}
    # the clerk who proposed it cannot release it
    with pytest.raises(BusinessRuleError, match="Vier-Augen"):
        sepa.release_run(pay.pk, "clerk@firma", pay.version)
    # a change after the second person looked makes the release fail (compare-and-set)
    removed = sepa.remove_item(pay.pk, pay.items[0].key, "clerk@firma", pay.version)
    with pytest.raises(BusinessRuleError, match="geändert"):
        sepa.release_run(pay.pk, "boss@firma", pay.version)
    back = sepa.add_item(pay.pk, pay.items[0].key, "clerk@firma", removed.version)
    assert back.total == sum(expected, D("0.00"))
    # whoever edited it cannot release either
    with pytest.raises(BusinessRuleError, match="Vier-Augen"):
        sepa.release_run(pay.pk, "clerk@firma", back.version)
    done = sepa.release_run(pay.pk, "boss@firma", back.version)
    assert done.status == "released" and done.released_by == "boss@firma"
    files = files_of(done)
    assert set(files) == {"pain_001_001_09", "pain_001_001_03"}
    for name, xml in files.items():
        schema = xmlschema.XMLSchema(str(XSD / f"{name.replace('_', '.')}.xsd"))
        schema.validate(xml.decode())
        assert texts(xml, "Cd") == ["SEPA", "SALA"]
        assert texts(xml, "NbOfTxs") == [str(len(expected))] * 2
        total = f"{sum(expected, D('0.00')):.2f}"
        assert texts(xml, "CtrlSum") == [total, total]
        assert texts(xml, "IBAN")[0] == "DE89370400440532013000"  # the company's account
        assert "Mueller + Soehne GmbH" in texts(xml, "Nm")
    assert texts(files["pain_001_001_09"], "BICFI") and not texts(files["pain_001_001_03"],
                                                                   "BICFI")
    # items are in payment: not proposed again, a second run cannot pay them twice
    assert all(sepa.in_payment(i.key) for i in done.items)
    assert sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma").items == []
    assert sepa.mark_paid(done.items[0].key) and not sepa.in_payment(done.items[0].key)


def test_an_item_is_released_in_one_run_only(app):
    make_company()
    payroll()
    first = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    second = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    sepa.release_run(first.pk, "boss@firma", first.version)
    with pytest.raises(BusinessRuleError, match="schon in einem freigegebenen"):
        sepa.release_run(second.pk, "boss@firma", second.version)
    assert PaymentRun.objects.get(pk=second.pk).status == "draft"
    assert PaymentClaim.objects(run=second.pk).count() == 0


def test_a_broken_file_is_refused_by_the_xsd(app):
    make_company()
    payroll()
    pay = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    done = sepa.release_run(pay.pk, "boss@firma", pay.version)
    for name, xml in files_of(done).items():
        schema = name.replace("_", ".")
        check_pain(xml, schema)
        broken = xml.replace(b'Ccy="EUR"', b'Ccy="EURO"', 1)
        with pytest.raises(BusinessRuleError, match="XSD"):
            check_pain(broken, schema)
        with pytest.raises(xmlschema.XMLSchemaValidationError):
            xmlschema.XMLSchema(str(XSD / f"{schema}.xsd")).validate(broken.decode())


def test_an_invalid_iban_stops_the_release(app):
    make_company()
    payroll()
    pay = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    PaymentRun._get_collection().update_one({"_id": pay.pk},
                                            {"$set": {"items.0.iban": "DE89370400440532013001"}})
    with pytest.raises(BusinessRuleError, match="IBAN"):
        sepa.release_run(pay.pk, "boss@firma", pay.version)
    assert PaymentRun.objects.get(pk=pay.pk).status == "draft"


def test_liabilities_need_a_payee_and_carry_their_purpose(app):
    make_company()
    payroll(post=True)
    items, problems = sepa.open_proposals(date(2026, 4, 10))
    assert {p.source for p in problems} >= {"payroll_tax", "payroll_si"}
    assert all("fehlt" in p.problem for p in problems)
    PaymentPayee(key="tax_office", name="Finanzamt München",
                 iban="DE58700500000000024002").save()
    items, problems = sepa.open_proposals(date(2026, 4, 9))
    assert "payroll_tax" not in {p.source for p in items}  # due on the 10th
    items, problems = sepa.open_proposals(date(2026, 4, 10))
    tax = [p for p in items if p.source == "payroll_tax"]
    assert len(tax) == 1 and tax[0].category_purpose == "TAXS"
    slips = list(Payslip.objects(run__ne=None))
    assert tax[0].amount == sum((s.wage_tax + s.solidarity + s.church_tax for s in slips
                                 if not s.minijob), D("0.00"))


def _posted_supplier_invoice(today=date(2026, 11, 25), **sample):
    from services.payables import approval, intake
    from tests.factories import make_supplier, make_user
    from tests.services.payables.samples import Sample, cii_xml

    capturer, approver = make_user("finance"), make_user("finance")
    make_supplier(default_account="4980")
    result = intake.import_invoice_file(cii_xml(Sample(**sample)), "re.xml", user=capturer.email,
                                        today=today)
    return approval.approve_invoice(approval.check_invoice(result.invoice, capturer), approver,
                                    today=today)


def test_a_supplier_invoice_is_paid_by_a_run_once(app):
    """Wiring payables into the payment run: due by date, full open amount, valid file."""
    make_company()
    inv = _posted_supplier_invoice()  # 148.75 €, due 20.12.2026 (the sample's terms)
    assert sepa.create_run(date(2026, 12, 19), date(2026, 12, 18), "clerk@firma").items == []
    pay = sepa.create_run(date(2026, 12, 20), date(2026, 12, 18), "clerk@firma")
    (item,) = pay.items
    assert item.key == f"supplier-invoice:{inv.pk}" and item.amount == D("148.75")
    assert item.iban == "DE89370400440532013000" and inv.number in item.purpose
    done = sepa.release_run(pay.pk, "boss@firma", pay.version)
    for name, xml in files_of(done).items():
        xmlschema.XMLSchema(str(XSD / f"{name.replace('_', '.')}.xsd")).validate(xml.decode())
        assert texts(xml, "InstdAmt") == ["148.75"]
    assert sepa.create_run(date(2026, 12, 31), date(2026, 12, 18), "clerk@firma").items == []
    # the statement's debit closes the invoice and the run's item
    from services.banking.reconcile_items import settle
    assert sepa.in_payment(item.key)
    settle(f"supplier_invoice:{inv.pk}", amount=D("148.75"), day=date(2026, 12, 21), user="fibu",
           key="bank:tx1:0", bank_account="1200", reference="SEPA")
    assert not sepa.in_payment(item.key)


def test_a_skonto_deadline_brings_the_invoice_into_an_earlier_run(app):
    make_company()
    inv = _posted_supplier_invoice(terms="#SKONTO#TAGE=14#PROZENT=2.00#")  # until 04.12.
    pay = sepa.create_run(date(2026, 12, 4), date(2026, 12, 2), "clerk@firma")
    assert [i.key for i in pay.items] == [f"supplier-invoice:{inv.pk}"]
    # executed by the deadline: 148.75 less 2 % Skonto (2.975 → 2.98) = 145.77
    assert pay.items[0].amount == D("145.77") and "abzgl. Skonto 2,98" in pay.items[0].purpose
    late = sepa.create_run(date(2026, 12, 4), date(2026, 12, 5), "other@firma")
    assert late.items[0].amount == D("148.75")  # executed after it: the full amount
    sepa.cancel_run(late.pk, "other@firma")
    done = sepa.release_run(pay.pk, "boss@firma", pay.version)
    for name, xml in files_of(done).items():
        assert texts(xml, "InstdAmt") == ["145.77"]
    # the debit on the statement settles it with the Skonto, booked with the VAT correction
    from models.ledger import JournalEntry
    from models.supplier_invoice import SupplierInvoice
    from services.banking.reconcile_items import settle
    settle(f"supplier_invoice:{inv.pk}", amount=D("145.77"), day=date(2026, 12, 3), user="fibu",
           key="bank:tx1:0", bank_account="1200", reference="SEPA", discount=D("2.98"))
    paid = SupplierInvoice.objects.get(pk=inv.pk)
    assert paid.open_amount == D("0.00") and not sepa.in_payment(pay.items[0].key)
    entry = JournalEntry.objects.get(pk=paid.payments[0].entry_id)
    # 2.98 × 19/119 = 0.4758 → 0.48 input VAT back, 2.50 to Erhaltene Skonti 19 % (3736)
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == [
        ("1200", D("0.00"), D("145.77")), ("1576", D("0.00"), D("0.48")),
        ("1600", D("148.75"), D("0.00")), ("3736", D("0.00"), D("2.50"))]


def test_a_run_pays_from_the_chosen_bank_account(app):
    from models.bank_account import BankAccount

    make_company()  # master data IBAN DE89370400440532013000
    payroll()
    second = BankAccount(name="Volksbank Geschäftskonto", iban="DE02120300000000202051",
                         ledger_account="1200").save()
    inactive = BankAccount(name="Altes Konto", iban="DE12500105170648489890",
                           ledger_account="1200", active=False).save()
    for wrong in (inactive.pk, "not-an-id"):
        with pytest.raises(BusinessRuleError, match="nicht aktiv"):
            sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma",
                            bank_account_id=wrong)
    pay = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma",
                          bank_account_id=second.pk)
    done = sepa.release_run(pay.pk, "boss@firma", pay.version)
    assert done.debtor["iban"] == "DE02120300000000202051"
    assert done.debtor["bic"] == "BYLADEM1001"  # derived from the IBAN's bank code
    for xml in files_of(done).values():
        debtor = etree.fromstring(xml).xpath("//*[local-name()='DbtrAcct']//*[local-name()='IBAN']")
        assert [el.text for el in debtor] == ["DE02120300000000202051"]  # not the master data's
        assert "Mueller + Soehne GmbH" in texts(xml, "Nm")  # the company still pays

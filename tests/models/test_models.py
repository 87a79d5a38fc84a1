"""Validation of every business document, against the real server."""
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest

from models import (Account, ArchivedFile, DocumentCategory, Employee, JournalEntry,
                    StockItem, Supplier, Ticket, User)
from models.ledger import JournalLine
from tests.factories import (make_employee, make_entry, make_stock_item, make_supplier,
                             make_ticket, make_user)

pytestmark = pytest.mark.usefixtures("app")


def test_umlauts_survive_a_round_trip():
    emp = make_employee(first_name="Jörg-Özgür", last_name="Weiß-Ärmel", city="Görlitz",
                        street="Äußere Straße 5")
    again = Employee.objects.get(pk=emp.pk)
    assert (again.first_name, again.last_name, again.city, again.street) == (
        "Jörg-Özgür", "Weiß-Ärmel", "Görlitz", "Äußere Straße 5")
    assert Supplier.objects.get(pk=make_supplier(name="Müller & Söhne").pk).name == "Müller & Söhne"


def test_money_is_exact_to_the_cent_and_stored_as_integer_cents():
    emp = make_employee(monthly_gross=Decimal("4321.09"))
    raw = Employee._get_collection().find_one({"_id": emp.pk})
    assert raw["monthly_gross"] == 432109
    assert Employee.objects.get(pk=emp.pk).monthly_gross == Decimal("4321.09")
    assert Employee.objects(monthly_gross__gt=Decimal("4321.08")).count() == 1
    assert Employee.objects(monthly_gross__gt=Decimal("4321.09")).count() == 0


def test_money_refuses_fractions_of_a_cent_and_negative_salaries():
    with pytest.raises(me.ValidationError, match="decimal places"):
        make_employee(monthly_gross=Decimal("1000.001"))
    with pytest.raises(me.ValidationError, match="at least"):
        make_employee(monthly_gross=Decimal("-1"))


def test_personnel_number_is_unique():
    make_employee(personnel_no="P-1")
    with pytest.raises(me.NotUniqueError):
        make_employee(personnel_no="P-1")


@pytest.mark.parametrize("field,value,message", [
    ("iban", "DE89370400440532013001", "IBAN"),
    ("tax_class", 7, "tax_class"),
    ("postal_code", "1234", "postal_code"),
    ("state", "XX", "state"),
    ("child_allowances", Decimal("0.3"), "Schritten von 0,5"),
    ("email", "not-an-email", "email"),
])
def test_employee_rejects_bad_values(field, value, message):
    with pytest.raises(me.ValidationError, match=message):
        make_employee(**{field: value})


def test_employee_exit_before_hire_is_refused():
    with pytest.raises(me.ValidationError, match="Austrittsdatum liegt vor dem Eintrittsdatum"):
        make_employee(hire_date=date(2024, 5, 1), exit_date=date(2024, 4, 30))


def test_iban_is_stored_compact():
    emp = make_employee(iban="de89 3704 0044 0532 0130 00")
    assert emp.iban == "DE89370400440532013000"


def test_supplier_validates_vat_id_and_iban():
    with pytest.raises(me.ValidationError, match="USt-IdNr"):
        make_supplier(vat_id="DE123456789")  # wrong check digit
    with pytest.raises(me.ValidationError, match="IBAN"):
        make_supplier(iban="DE00123")
    assert make_supplier(vat_id="de 123 456 788").vat_id == "DE123456788"


def test_supplier_german_postal_code_has_five_digits():
    with pytest.raises(me.ValidationError, match="fünf Ziffern"):
        make_supplier(postal_code="8033")
    assert make_supplier(country="AT", postal_code="1010").postal_code == "1010"


def test_supplier_number_is_unique():
    make_supplier(supplier_no="L1")
    with pytest.raises(me.NotUniqueError):
        make_supplier(supplier_no="L1")


def test_stock_item_quantities_and_value():
    supplier = make_supplier()
    item = make_stock_item(quantity=Decimal("2.5"), unit_cost=Decimal("1.9990"),
                           supplier=supplier)
    again = StockItem.objects.get(pk=item.pk)
    assert again.quantity == Decimal("2.500") and again.supplier == supplier
    assert again.stock_value == Decimal("5.00")
    with pytest.raises(me.ValidationError):
        make_stock_item(quantity=Decimal("-1"))
    with pytest.raises(me.ValidationError):
        make_stock_item(unit="Fass")


def test_supplier_with_stock_items_cannot_be_deleted():
    supplier = make_supplier()
    make_stock_item(supplier=supplier)
    with pytest.raises(me.OperationError):
        supplier.delete()


def test_ticket_gets_a_unique_number_per_year():
    first, second = make_ticket(), make_ticket()
    assert first.number.startswith("T-") and first.number != second.number
    with pytest.raises(me.ValidationError):
        make_ticket(priority="urgent")
    with pytest.raises(me.ValidationError):
        make_ticket(title="")


def test_ticket_references_requester_and_assignee():
    emp, user = make_employee(), make_user("support")
    ticket = make_ticket(requester=emp, assignee=user)
    again = Ticket.objects.get(pk=ticket.pk)
    assert again.requester.last_name == "Müller" and again.assignee == user


def test_journal_entry_must_balance():
    entry = make_entry("119.00")
    assert entry.total_debit == entry.total_credit == Decimal("119.00")
    assert entry.fiscal_year == 2026 and entry.status == "draft"
    with pytest.raises(me.ValidationError, match="sind nicht ausgeglichen"):
        JournalEntry(date=date(2026, 1, 2), text="x", lines=[
            JournalLine(account="1200", debit=Decimal("100.00")),
            JournalLine(account="8400", credit=Decimal("99.99"))]).save()


@pytest.mark.parametrize("lines,message", [
    ([JournalLine(account="1200", debit=Decimal("5"))], "mindestens zwei Zeilen"),
    ([JournalLine(account="1200", debit=Decimal("5"), credit=Decimal("5")),
      JournalLine(account="8400", credit=Decimal("0"))], "entweder einen Soll- oder einen Haben-Betrag"),
    ([JournalLine(account="9999", debit=Decimal("5")),
      JournalLine(account="1200", credit=Decimal("5"))], "Unbekannte Konten"),
])
def test_journal_entry_line_rules(lines, message):
    with pytest.raises(me.ValidationError, match=message):
        JournalEntry(date=date(2026, 1, 2), text="x", lines=lines).save()


def test_chart_of_accounts_is_seeded():
    assert Account.objects(number="1200").first().name == "Bank"
    assert Account.objects(number="8400").first().type == "revenue"
    assert Account.objects(number="1776").first().vat_key == "USt19"
    with pytest.raises(me.NotUniqueError):
        Account(number="1200", name="Bank 2", type="asset").save()


def test_user_password_is_hashed_and_checked():
    user = make_user("finance")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("Test-Passw0rd!") and not user.check_password("wrong")
    with pytest.raises(ValueError, match="mindestens 10 Zeichen"):
        user.set_password("short1")
    with pytest.raises(ValueError, match="Buchstaben und mindestens eine Ziffer"):
        user.set_password("onlyletters")
    user.set_password("letters-and-1")   # ten characters and more, with a digit: accepted
    with pytest.raises(me.ValidationError):
        User(email="x@firma.example.com", roles=["boss"], password_hash="h").save()


def test_archived_file_requires_hash_and_category():
    with pytest.raises(me.ValidationError):
        ArchivedFile(filename="a.pdf", content_type="application/pdf", size=1,
                     sha256="nothex", document_date=date(2026, 1, 1),
                     uploaded_by="x").save()
    category = DocumentCategory.objects.get(code="invoice")
    record = ArchivedFile(filename="Rechnung Müller.pdf", content_type="application/pdf",
                          size=3, sha256="a" * 64, category=category,
                          document_date=date(2026, 1, 1), uploaded_by="x").save()
    assert ArchivedFile.objects.get(pk=record.pk).filename == "Rechnung Müller.pdf"


def test_employee_identifiers_are_checked(app):
    import mongoengine as me
    import pytest

    from tests.factories import make_employee

    emp = make_employee(social_security_no="15 070649 C 103", tax_id="36574261809",
                        church_denomination="ev")
    assert emp.social_security_no == "15070649C103" and emp.church_tax
    with pytest.raises(me.ValidationError, match="Prüfziffer"):
        make_employee(social_security_no="15070649C104")
    with pytest.raises(me.ValidationError, match="Steuer-ID"):
        make_employee(tax_id="36574261808")

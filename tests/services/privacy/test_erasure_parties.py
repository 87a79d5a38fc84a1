"""Erasure of customers, suppliers and users: booked documents stay, the rest goes.

Keep-until dates are worked out by hand from the seeded retention rules: books 10 years,
invoices 8 years, both counted from the end of the year of the last document
(§ 147 (3), (4) AO; § 257 (4), (5) HGB). A record is anonymised the day after.
"""
from datetime import date
from decimal import Decimal

import pytest

from models.customer import Customer
from models.invoice import Invoice
from models.ledger import Account
from models.privacy_log import ErasureLogEntry
from models.supplier import Supplier
from models.supplier_invoice import SupplierInvoice
from models.user import User
from services.core.errors import BusinessRuleError
from services.ledger import posting
from services.privacy.erasure_parties import erase_party, purge_restricted_parties
from tests.factories import PASSWORD, make_customer, make_invoice, make_supplier, make_user

TODAY = date(2026, 12, 1)


def _booked_invoice(customer, issued=date(2025, 3, 15), status="paid"):
    inv = make_invoice(customer=customer, issue_date=issued)
    # the frozen copy of the recipient an issued invoice carries (services.invoicing)
    Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {
        "status": status, "number": "RE-2025-0001",
        "recipient": {"name": customer.name, "street": customer.street,
                      "city": customer.city}}})
    return inv


def _supplier_invoice(supplier, status="posted", paid="119.00", issued=date(2024, 6, 3)):
    inv = SupplierInvoice(supplier=supplier, issue_date=issued, gross_total=Decimal("119.00"),
                          amount_due=Decimal("119.00"), paid_total=Decimal(paid),
                          iban=supplier.iban,
                          supplier_data={"name": supplier.name, "iban": supplier.iban}).save()
    SupplierInvoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": status}})
    return inv


def _raw(model, pk):
    return model._get_collection().find_one({"_id": pk})


def test_a_customer_with_a_booked_invoice_is_restricted_until_the_books_expire(app):
    with app.app_context():
        customer = make_customer(name="Erika Mustermann", account_no="10001",
                                 email="erika@privat.example.com")
        Account(number="10001", name="Erika Mustermann", type="asset").save()
        invoice = _booked_invoice(customer)
        step = erase_party("customer", customer, user="dsb@firma.example.com",
                           reason="Antrag", today=TODAY)
        assert step == "restricted"
        stored = _raw(Customer, customer.pk)
        assert "email" not in stored and stored["active"] is False
        assert stored["name"] == "Erika Mustermann" and stored["city"] == "Berlin"
        # the personal account is a book: 10 years from the end of 2025
        assert Customer.objects.get(pk=customer.pk).restricted_until == date(2035, 12, 31)
        assert purge_restricted_parties(date(2035, 12, 31)) == 0
        assert purge_restricted_parties(date(2036, 1, 1)) == 1
        after = _raw(Customer, customer.pk)
        assert after["name"] == f"Gelöscht {customer.customer_no}"
        for gone in ("street", "postal_code", "city", "vat_id", "email"):
            assert gone not in after
        assert after["customer_no"] == customer.customer_no and after["erased_at"]
        assert Account.objects.get(number="10001").name == f"Gelöscht {customer.customer_no}"
        # the booked invoice keeps the recipient as invoiced
        assert _raw(Invoice, invoice.pk)["recipient"]["name"] == "Erika Mustermann"
        log = list(ErasureLogEntry.objects(document_id=str(customer.pk)).order_by("at"))
        assert [e.step for e in log] == ["restricted", "anonymised"]
        assert log[0].restricted_until == date(2035, 12, 31) and "147" in log[0].legal_basis
        assert all("Mustermann" not in str(e.to_mongo()) for e in log)
        assert purge_restricted_parties(date(2036, 1, 2)) == 0


def test_a_later_payment_on_the_personal_account_extends_the_books_retention(app):
    with app.app_context():
        customer = make_customer(account_no="10002")
        Account(number="10002", name=customer.name, type="asset").save()
        _booked_invoice(customer, issued=date(2025, 12, 10))
        posting.post_new_entry(
            date=date(2026, 1, 20), text="Zahlung RE-2025-0001", source="manual", user="u",
            lines=[{"account": "1200", "debit": Decimal("119.00")},
                   {"account": "10002", "credit": Decimal("119.00")}])
        erase_party("customer", customer, user="u", reason="x", today=TODAY)
        assert Customer.objects.get(pk=customer.pk).restricted_until == date(2036, 12, 31)


def test_without_a_personal_account_the_invoice_retention_counts(app):
    with app.app_context():
        customer = make_customer()
        _booked_invoice(customer, issued=date(2026, 2, 1))
        assert erase_party("customer", customer, user="u", reason="x", today=TODAY) \
            == "restricted"
        assert Customer.objects.get(pk=customer.pk).restricted_until == date(2034, 12, 31)


def test_a_customer_without_booked_documents_is_anonymised_at_once(app):
    with app.app_context():
        customer = make_customer(name="Max Muster")
        assert erase_party("customer", customer, user="u", reason="x", today=TODAY) \
            == "anonymised"
        stored = _raw(Customer, customer.pk)
        assert stored["name"] == f"Gelöscht {customer.customer_no}" and "street" not in stored
        with pytest.raises(BusinessRuleError, match="bereits gelöscht"):
            erase_party("customer", Customer.objects.get(pk=customer.pk), user="u",
                        reason="x", today=TODAY)


@pytest.mark.parametrize("status", ["draft", "issued"])
def test_a_customer_with_open_invoices_is_not_erased(app, status):
    with app.app_context():
        customer = make_customer(name="Offene Posten")
        if status == "draft":
            make_invoice(customer=customer)
        else:
            _booked_invoice(customer, status="issued")
        with pytest.raises(BusinessRuleError, match="1 offene Rechnungen"):
            erase_party("customer", customer, user="u", reason="x", today=TODAY)
        assert _raw(Customer, customer.pk)["email"] and ErasureLogEntry.objects.count() == 0


def test_a_supplier_keeps_the_books_and_loses_contact_and_bank_data(app):
    with app.app_context():
        supplier = make_supplier(name="Hans Handwerker", contact_name="Hans",
                                 email="hans@handwerk.example.com", phone="0171 555")
        invoice = _supplier_invoice(supplier)
        assert erase_party("supplier", supplier, user="u", reason="x", today=TODAY) \
            == "restricted"
        stored = _raw(Supplier, supplier.pk)
        for gone in ("iban", "email", "phone", "contact_name"):
            assert gone not in stored
        assert stored["name"] == "Hans Handwerker"
        # no personal account: the received invoices' 8 years from the end of 2024
        assert Supplier.objects.get(pk=supplier.pk).restricted_until == date(2032, 12, 31)
        kept = _raw(SupplierInvoice, invoice.pk)
        assert kept["iban"] == "DE89370400440532013000"
        assert kept["supplier_data"]["name"] == "Hans Handwerker"
        assert purge_restricted_parties(date(2033, 1, 1)) == 1
        assert _raw(Supplier, supplier.pk)["name"] == f"Gelöscht {supplier.supplier_no}"


def test_a_supplier_with_an_unpaid_invoice_is_not_erased(app):
    with app.app_context():
        supplier = make_supplier()
        _supplier_invoice(supplier, paid="100.00")
        with pytest.raises(BusinessRuleError, match="offene Rechnungen"):
            erase_party("supplier", supplier, user="u", reason="x", today=TODAY)
        assert _raw(Supplier, supplier.pk)["iban"]


def test_a_user_who_posted_is_locked_out_and_kept_until_the_books_expire(app, client):
    with app.app_context():
        make_user("admin", email="chefin@firma.example.com")
        clerk = make_user("finance", email="clerk@firma.example.com", name="Clara Clerk")
        entry = posting.post_new_entry(
            date=date(2026, 3, 2), text="Miete", source="manual", user=clerk.email,
            lines=[{"account": "4210", "debit": Decimal("500.00")},
                   {"account": "1200", "credit": Decimal("500.00")}])
        version = clerk.session_version
        assert erase_party("user", clerk, user="chefin@firma.example.com", reason="Antrag",
                           today=TODAY) == "restricted"
        stored = User.objects.get(pk=clerk.pk)
        assert stored.restricted_until == date(2036, 12, 31)
        assert stored.active is False and not stored.check_password(PASSWORD)
        assert stored.name is None and stored.session_version == version + 1
        assert stored.email == "clerk@firma.example.com"   # the journal's posted_by resolves
    from tests.conftest import csrf_token_from
    token = csrf_token_from(client.get("/login").data)
    response = client.post("/login", data={"email": "clerk@firma.example.com",
                                           "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 200   # the form again, no redirect into the panel
    with app.app_context():
        assert purge_restricted_parties(date(2037, 1, 1)) == 1
        after = User.objects.get(pk=clerk.pk)
        assert after.email == f"geloescht-{clerk.pk}@invalid.invalid"
        assert after.name == f"Gelöscht {clerk.pk}"
        from models import JournalEntry
        assert JournalEntry.objects.get(pk=entry.pk).created_by == "clerk@firma.example.com"
        assert posting.verify_chain(2026).ok


def test_a_user_without_bookings_goes_at_once_but_not_oneself_or_the_last_admin(app):
    with app.app_context():
        boss = make_user("admin", email="boss@firma.example.com")
        helper = make_user("support", email="helper@firma.example.com")
        with pytest.raises(BusinessRuleError, match="eigene Benutzerkonto"):
            erase_party("user", boss, user=boss.email, reason="x", today=TODAY)
        with pytest.raises(BusinessRuleError, match="letzte aktive Administrator"):
            erase_party("user", boss, user=helper.email, reason="x", today=TODAY)
        assert erase_party("user", helper, user=boss.email, reason="x", today=TODAY) \
            == "anonymised"
        assert User.objects(email="helper@firma.example.com").count() == 0
        make_user("admin", email="second@firma.example.com")
        assert erase_party("user", boss, user="second@firma.example.com", reason="x",
                           today=TODAY) == "anonymised"


def test_cli_erase_a_customer(app, runner):
    with app.app_context():
        customer = make_customer(customer_no="K-900")
        _booked_invoice(customer)
    result = runner.invoke(args=["privacy", "erase", "--kind", "customer", "K-900",
                                 "--reason", "Antrag"])
    assert result.exit_code == 0 and "restricted until 2033-12-31" in result.output, \
        result.output
    result = runner.invoke(args=["privacy", "erase", "--kind", "supplier", "L-404",
                                 "--reason", "Antrag"])
    assert result.exit_code == 1 and "Keine Person dieser Art mit „L-404“" in result.output

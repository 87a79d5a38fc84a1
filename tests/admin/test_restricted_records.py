"""Restricted records (Art. 18 DSGVO) leave HR's lists, details, search and pickers; admins
still read them (they carry out erasure), and an unrestricted colleague stays visible."""
from datetime import date

from bson import ObjectId

from models.payroll import EmployeeSnapshot, PayrollRun, Payslip
from services.privacy.erasure import erase_employee
from services.privacy.erasure_parties import erase_party
from tests.factories import make_customer, make_employee, make_invoice


def _restricted_employee():
    emp = make_employee(personnel_no="P-777", first_name="Rita", last_name="Restrikta",
                        exit_date=date(2026, 6, 30), status="left")
    # a posted run and its payslip are written by the payroll service (raw collection);
    # a save of either is refused (tests/models/test_frozen_saves.py)
    run = PayrollRun(id=ObjectId(), year=2026, month=6, month_key="2026-06", status="posted")
    PayrollRun._get_collection().insert_one(run.to_mongo())
    slip = Payslip(run=run.pk, employee=emp, year=2026, month=6,
                   employee_data=EmployeeSnapshot(first_name="Rita", last_name="Restrikta"))
    Payslip._get_collection().insert_one(slip.to_mongo())
    assert erase_employee(emp, user="dsb", reason="Antrag", today=date(2026, 12, 1)) \
        == "restricted"
    return emp


def _pages(client, emp):
    listing = client.get("/admin/employees/").get_data(as_text=True)
    details = client.get(f"/admin/employees/details/?id={emp.pk}")
    search = client.get("/search?q=Restrikta").get_data(as_text=True)
    absences = client.get(f"/hr/absences/?employee={emp.pk}")
    return listing, details, search, absences


def test_hr_no_longer_sees_a_restricted_employee(app, client, login):
    with app.app_context():
        emp = _restricted_employee()
        other = make_employee(personnel_no="P-778", last_name="Sichtbar")
    login("hr")
    listing, details, search, absences = _pages(client, emp)
    assert "Sichtbar" in listing and "Restrikta" not in listing
    assert details.status_code in (302, 404) and b"Restrikta" not in details.data
    assert str(emp.pk) not in search and "P-777" not in search
    assert absences.status_code == 404
    assert f"id={other.pk}" in client.get("/search?q=Sichtbar").get_data(as_text=True)


def test_an_admin_still_reads_the_restricted_record(app, client, login):
    with app.app_context():
        emp = _restricted_employee()
    login("admin")
    listing, details, search, absences = _pages(client, emp)
    assert "Restrikta" in listing
    assert details.status_code == 200 and b"Restrikta" in details.data
    assert absences.status_code == 200
    assert str(emp.pk) not in search   # the search finds it for no one; the list does


def test_after_anonymisation_the_record_shows_again_without_the_name(app, client, login):
    from services.privacy.erasure import purge_restricted

    with app.app_context():
        emp = _restricted_employee()
        assert purge_restricted(date(2033, 1, 1)) == 1
    login("hr")
    listing = client.get("/admin/employees/").get_data(as_text=True)
    assert "Person P-777" in listing and "Restrikta" not in listing


def test_finance_no_longer_sees_a_restricted_customer(app, client, login):
    from models.invoice import Invoice

    with app.app_context():
        customer = make_customer(name="Kundin Verborgen")
        inv = make_invoice(customer=customer)
        Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": "paid"}})
        assert erase_party("customer", customer, user="dsb", reason="x",
                           today=date(2026, 12, 1)) == "restricted"
        visible = make_customer(name="Kunde Sichtbar")
    login("finance")
    listing = client.get("/admin/customers/").get_data(as_text=True)
    assert "Kunde Sichtbar" in listing and "Kundin Verborgen" not in listing
    assert str(customer.pk) not in client.get("/search?q=Kundin").get_data(as_text=True)
    assert str(visible.pk) in client.get("/search?q=Kunde").get_data(as_text=True)


def test_a_restricted_supplier_is_not_offered_in_forms(app, client, login):
    from decimal import Decimal

    from models.supplier_invoice import SupplierInvoice
    from tests.factories import make_supplier

    with app.app_context():
        hidden = make_supplier(name="Südhandel Eingeschränkt")
        inv = SupplierInvoice(supplier=hidden, issue_date=date(2026, 2, 2),
                              gross_total=Decimal("10.00"), amount_due=Decimal("10.00"),
                              paid_total=Decimal("10.00")).save()
        SupplierInvoice._get_collection().update_one({"_id": inv.pk},
                                                     {"$set": {"status": "posted"}})
        assert erase_party("supplier", hidden, user="dsb", reason="x",
                           today=date(2026, 12, 1)) == "restricted"
        shown = make_supplier(name="Südhandel Offen")
    login("warehouse")
    found = client.get("/admin/stock/ajax/lookup/?name=supplier&query=Südhandel").get_json()
    ids = {str(row[0]) for row in found}
    assert str(shown.pk) in ids and str(hidden.pk) not in ids

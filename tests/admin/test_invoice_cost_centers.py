"""Cost centres in the invoice and employee forms of the panel."""
from decimal import Decimal as D

from models.cost_center import CostCenter
from models.invoice import Invoice
from models.ledger import JournalEntry
from tests.admin.test_crud import post_form
from tests.admin.test_invoices import _action
from tests.factories import make_company, make_customer, make_employee


def _new_invoice(client, customer, invoice_centre, line_centre):
    return post_form(client, "/admin/invoice/new/", {
        "customer": str(customer.pk), "issue_date": "2026-04-02",
        "service_date": "2026-03-31", "payment_terms": "Zahlbar in 14 Tagen",
        "payment_days": "14", "cost_center": invoice_centre,
        "lines-0-description": "Wartung März", "lines-0-quantity": "2",
        "lines-0-unit": "Std", "lines-0-unit_price": "80,00", "lines-0-vat_rate": "19",
        "lines-0-cost_center": line_centre,
        "lines-1-description": "Anfahrt", "lines-1-quantity": "1",
        "lines-1-unit": "Stk", "lines-1-unit_price": "40,00", "lines-1-vat_rate": "19"})


def test_invoice_form_takes_cost_centers_onto_the_revenue_lines(client, login):
    make_company()
    customer = make_customer()
    CostCenter(code="100", name="Vertrieb").save()
    CostCenter(code="200", name="Service").save()
    login("finance")
    page = client.get("/admin/invoice/new/").get_data(as_text=True)
    assert "Kostenstelle" in page and 'name="cost_center"' in page
    assert _new_invoice(client, customer, "200", "100").status_code == 302
    draft = Invoice.objects.get(status="draft")
    assert (draft.cost_center, draft.lines[0].cost_center) == ("200", "100")
    _action(client, "issue", [draft.pk])
    inv = Invoice.objects.get(pk=draft.pk)
    revenue = sorted((ln.cost_center, ln.credit) for ln in
                     JournalEntry.objects.get(pk=inv.journal_entry).lines if ln.account == "8400")
    assert revenue == [("100", D("160.00")), ("200", D("40.00"))]


def test_unknown_cost_center_is_shown_and_takes_no_number(client, login):
    make_company()
    customer = make_customer()
    login("finance")
    assert _new_invoice(client, customer, "", "777").status_code == 302
    draft = Invoice.objects.get(status="draft")
    page = _action(client, "issue", [draft.pk]).get_data(as_text=True)
    assert "Kostenstelle 777 gibt es nicht" in page
    assert Invoice.objects.get(pk=draft.pk).number is None


def test_employee_form_offers_the_cost_centers(client, login):
    CostCenter(code="300", name="Lager").save()
    employee = make_employee()
    login("hr")
    page = client.get(f"/admin/employees/edit/?id={employee.pk}").get_data(as_text=True)
    assert "Kostenstelle" in page and "300 Lager" in page

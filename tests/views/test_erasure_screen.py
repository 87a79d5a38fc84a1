"""The erasure screen (admin): erases or restricts, refuses with a reason, shows the log."""
from datetime import date

from models.customer import Customer
from models.invoice import Invoice
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_invoice


def test_admin_erases_a_customer_and_sees_the_log(app, client, login):
    with app.app_context():
        kept = make_customer(customer_no="K-700", name="Behalten Bleibt")
        inv = make_invoice(customer=kept, issue_date=date(2025, 5, 1))
        Invoice._get_collection().update_one({"_id": inv.pk}, {"$set": {"status": "paid"}})
        make_customer(customer_no="K-701", name="Weg Damit")
    login("admin")
    page = client.get("/privacy/erasure").get_data(as_text=True)
    assert "Noch keine Löschungen." in page
    token = csrf_token_from(page)
    form = {"csrf_token": token, "kind": "customer", "reason": "Antrag vom 01.12.2026"}
    response = client.post("/privacy/erasure", data={**form, "key": "K-700"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    # a customer without a personal account: the invoices' 8 years from the end of 2025
    assert "K-700: Kontaktdaten gelöscht" in text and "31.12.2033" in text
    text = client.post("/privacy/erasure", data={**form, "key": "K-701"},
                       follow_redirects=True).get_data(as_text=True)
    assert "K-701: anonymisiert." in text
    assert "eingeschränkt" in text and "anonymisiert" in text and "Antrag vom 01.12.2026" in text
    assert "Behalten Bleibt" not in text and "Weg Damit" not in text   # the log names no one
    with app.app_context():
        assert Customer.objects.get(customer_no="K-701").name == "Gelöscht K-701"
    text = client.post("/privacy/erasure", data={**form, "key": "K-999"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Keine Person dieser Art mit „K-999“ gefunden." in text
    text = client.post("/privacy/erasure", data={**form, "key": "K-701", "reason": " "},
                       follow_redirects=True).get_data(as_text=True)
    assert "Bitte den Anlass der Löschung angeben" in text


def test_only_admins_reach_the_erasure_screen(client, login):
    login("hr")
    assert client.get("/privacy/erasure").status_code in (302, 403)

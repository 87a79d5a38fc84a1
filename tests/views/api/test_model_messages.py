"""The model rules' messages through the API: German by default, saying what to fix;
English for a client that asks for it (Accept-Language), from translations/en.tsv.

The expected texts are written out here, not taken from the models.
"""
from models.customer import Customer
from models.invoice import Invoice
from tests.factories import make_customer
from tests.views.api.conftest import post_headers


def _errors(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {e["field"]: e["detail"] for e in response.get_json()["errors"]}


def _invoice(client, headers, customer, language=None, **fields):
    body = {"customer_id": str(customer.pk),
            "lines": [{"description": "Beratung", "quantity": "2", "unit_price": "95.00",
                       "vat_rate": fields.pop("vat_rate", "19")}], **fields}
    extra = {"Accept-Language": language} if language else {}
    return client.post("/api/v1/invoices", headers={**post_headers(headers), **extra},
                       json=body)


def test_an_unknown_vat_rate_is_named_with_the_rates_to_choose(client, make_token):
    headers, _ = make_token("invoices:write")
    customer = make_customer()
    german = _errors(_invoice(client, headers, customer, vat_rate="16"))
    assert list(german) == ["lines"]
    assert "Position 1: den Steuersatz '16' gibt es nicht; bitte einen dieser wählen:" \
        in german["lines"]
    assert "19" in german["lines"].rsplit(":", 1)[1]           # the known rates are listed
    english = _errors(_invoice(client, headers, customer, language="en", vat_rate="16"))
    assert "Line 1: VAT rate '16' does not exist; please choose one of:" in english["lines"]
    # the edge: a known rate is accepted
    assert _invoice(client, headers, customer, vat_rate="19").status_code == 201
    assert Invoice.objects.count() == 1


def test_a_service_period_ending_before_it_starts_is_refused_in_german(client, make_token):
    headers, _ = make_token("invoices:write")
    customer = make_customer()
    german = _errors(_invoice(client, headers, customer, service_date="2026-03-10",
                              service_date_end="2026-03-09"))
    assert german == {"service_date_end": "Das Ende des Leistungszeitraums liegt vor seinem "
                                          "Beginn; bitte die Daten prüfen."}
    english = _errors(_invoice(client, headers, customer, language="en",
                               service_date="2026-03-10", service_date_end="2026-03-09"))
    assert english == {"service_date_end": "The service period ends before it starts; "
                                           "please check the dates."}
    # one day is a period too
    same_day = _invoice(client, headers, customer, service_date="2026-03-10",
                        service_date_end="2026-03-10")
    assert same_day.status_code == 201


def test_postal_code_and_vat_id_in_both_languages(client, make_token):
    headers, _ = make_token("customers:write")
    for language, postal, vat in (
            (None, "Die Postleitzahl '123' muss in Deutschland fünf Ziffern haben",
             "Die USt-IdNr. 'DE123' ist ungültig: bitte das Länderkürzel und die Nummer "
             "angeben, z. B. DE123456789"),
            ("en", "The postal code '123' must have five digits in Germany",
             "The VAT ID 'DE123' is not valid: please enter the country prefix and the "
             "number, e.g. DE123456789")):
        extra = {"Accept-Language": language} if language else {}
        response = client.post("/api/v1/customers", headers={**post_headers(headers), **extra},
                               json={"customer_no": "K-9", "name": "X", "postal_code": "123"})
        assert _errors(response) == {"postal_code": postal}
        response = client.post("/api/v1/customers", headers={**post_headers(headers), **extra},
                               json={"customer_no": "K-9", "name": "X", "vat_id": "DE123"})
        assert _errors(response) == {"vat_id": vat}
    assert not Customer.objects(customer_no="K-9").first()
    # five digits and a valid USt-IdNr. (the Federal Central Tax Office's example) pass
    ok = client.post("/api/v1/customers", headers=post_headers(headers),
                     json={"customer_no": "K-9", "name": "X", "postal_code": "12345",
                           "vat_id": "DE136695976"})
    assert ok.status_code == 201


def test_an_unknown_unit_is_refused_in_german(client, make_token):
    headers, _ = make_token("invoices:write")
    customer = make_customer()
    body = {"customer_id": str(customer.pk),
            "lines": [{"description": "Kiste Wasser", "quantity": "1", "unit_price": "5",
                       "unit": "Kasten"}]}
    errors = _errors(client.post("/api/v1/invoices", headers=post_headers(headers), json=body))
    assert errors["lines"].startswith("Position 1: Unbekannte Einheit „Kasten“")

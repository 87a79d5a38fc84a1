"""German by default, English per user or browser; amounts in the page's language."""
from decimal import Decimal

from models.user import User
from tests.conftest import csrf_token_from
from tests.factories import make_stock_item


def test_list_view_in_german_by_default_and_english_by_accept_language(client, login):
    make_stock_item(sku="I18N-1", quantity=Decimal("1234.5"), unit_cost=Decimal("1"))
    login("warehouse")
    german = client.get("/admin/stock/").get_data(as_text=True)
    english = client.get("/admin/stock/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Liste" in german and "Erstellen" in german
    assert "List" in english and "Create" in english and "Erstellen" not in english
    # amounts in the page's language (issue 20): German 1.234,50 €, English €1,234.50
    assert "1.234,50 €" in german and "€1,234.50" in english and "1.234,50 €" not in english


def test_user_choice_wins_over_the_browser(client, login):
    user = login("warehouse")
    token = csrf_token_from(client.get("/admin/").data)
    client.post("/language", data={"locale": "en", "csrf_token": token, "next": "/admin/"})
    assert User.objects.get(pk=user.pk).locale == "en"
    page = client.get("/admin/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Stock value" in page and "Lagerwert" not in page


def _post_issue(client, headers):
    token = csrf_token_from(client.get("/admin/stock-ops/").data)
    return client.post("/admin/stock-ops/", headers=headers, follow_redirects=True, data={
        "csrf_token": token, "kind": "issue", "sku": "I18N-2", "quantity": "0",
        "reason": "x"}).get_data(as_text=True)


def test_error_message_in_german_and_english(client, login):
    make_stock_item(sku="I18N-2")
    login("warehouse")
    assert "Die Menge muss größer als 0 sein." in _post_issue(client, {})
    assert "The quantity must be greater than 0." in _post_issue(client, {"Accept-Language": "en"})


def test_menu_and_column_headers_follow_the_language(client, login):
    login("warehouse")
    german = client.get("/admin/stock/").get_data(as_text=True)
    english = client.get("/admin/stock/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Einkauf &" in german and "Artikelnummer" in german and "Meldebestand" in german
    assert "Procurement &" in english and "Reorder point" in english
    assert "Meldebestand" not in english


def test_refusal_with_figures_in_both_languages(client, login):
    make_stock_item(sku="I18N-3", quantity=Decimal("2.5"), unit="kg")

    def issue(headers):
        token = csrf_token_from(client.get("/admin/stock-ops/").data)
        return client.post("/admin/stock-ops/", headers=headers, follow_redirects=True, data={
            "csrf_token": token, "kind": "issue", "sku": "I18N-3", "quantity": "1000",
            "reason": "x"}).get_data(as_text=True)

    login("warehouse")
    # the unit is shown by its name from the unit table (issue 14: Rec 20 code KGM)
    assert "Nicht genug Bestand: I18N-3 hat 2,5 Kilogramm, angefordert 1.000 Kilogramm." in issue({})
    assert "Not enough stock: I18N-3 has 2,5 " in issue({"Accept-Language": "en"})


def test_ticket_refusal_translates_the_status_names(client, login):
    from models.ticket import Ticket
    from services.operations.tickets import apply_sla

    login("support")
    ticket = Ticket(title="Drucker")
    apply_sla(ticket)
    ticket.save()
    details = f"/admin/tickets/details/?id={ticket.pk}"
    token = csrf_token_from(client.get(details).data)
    page = client.post(f"/admin/ticket-ops/{ticket.pk}/status", follow_redirects=True,
                       headers={"Accept-Language": "en"},
                       data={"csrf_token": token, "to": "closed"}).get_data(as_text=True)
    assert f"Ticket {ticket.number}: changing from &#39;new&#39; to &#39;closed&#39; is not allowed " \
           "(allowed: in progress)." in page

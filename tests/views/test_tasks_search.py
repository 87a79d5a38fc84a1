"""'Meine Aufgaben' and the global search through the web, with the access rules."""
import pytest

from tests.factories import make_customer, make_employee, make_stock_item, make_supplier, make_ticket


@pytest.fixture
def people(app):
    make_employee(personnel_no="P-4711", last_name="Zimmermann", first_name="Klara",
                  iban="DE02120300000000202051")
    make_supplier(supplier_no="L-0815", name="Zeller Bürobedarf GmbH", iban="DE02100100100006820101")
    make_customer(customer_no="K-0042", name="Zander Bau GmbH")
    make_stock_item(sku="ZB-100", name="Zahnbürste")


def hits(client, term):
    body = client.get("/search", query_string={"q": term}).get_data(as_text=True)
    return body


@pytest.mark.parametrize("role, sees, hidden", [
    ("hr", ["Zimmermann"], ["Zeller", "Zander", "Zahnbürste"]),
    ("finance", ["Zeller", "Zander", "Zahnbürste"], ["Zimmermann"]),
    ("warehouse", ["Zeller", "Zahnbürste"], ["Zimmermann", "Zander"]),
    ("support", [], ["Zimmermann", "Zeller", "Zander", "Zahnbürste"]),
    ("admin", ["Zimmermann", "Zeller", "Zander", "Zahnbürste"], []),
])
def test_search_returns_only_what_the_role_may_read(client, login, people, role, sees, hidden):
    login(role)
    body = hits(client, "z")  # one letter: too short, nothing searched
    assert "Zimmermann" not in body and "mindestens 2 Zeichen" in body
    body = hits(client, "Z") + hits(client, "za") + hits(client, "zi") + hits(client, "ze")
    for name in sees:
        assert name in body, (role, name)
    for name in hidden:
        assert name not in body, (role, name)


def test_search_by_numbers_and_iban(client, login, people):
    login("admin")
    assert "Zimmermann" in hits(client, "p-47")
    assert "Zeller" in hits(client, "l-08")
    assert "Zander" in hits(client, "K-00")
    assert "Zahnbürste" in hits(client, "zb-1")
    assert "Zimmermann" in hits(client, "de02 1203 0000 0000 2020 51")
    iban_hits = hits(client, "DE02100100100006820101")
    assert "Zeller" in iban_hits and "Zimmermann" not in iban_hits
    assert "Nichts gefunden" in hits(client, "Q-999")


def test_iban_search_of_an_employee_is_hidden_from_finance(client, login, people):
    login("finance")
    assert "Zimmermann" not in hits(client, "DE02120300000000202051")


def test_task_list_shows_assigned_tickets_with_a_count_in_the_menu(client, login, app):
    from models.user import User

    login("support", email="sup@example.com")
    me_ = User.objects.get(email="sup@example.com")
    make_ticket(title="Drucker im 2. OG", assignee=me_)
    make_ticket(title="Nicht meins")
    body = client.get("/tasks").get_data(as_text=True)
    assert "Drucker im 2. OG" in body and "Nicht meins" not in body
    assert '<span class="badge badge-light">1' in body


def test_task_list_is_empty_for_a_user_without_work(client, login):
    login("auditor")
    body = client.get("/tasks").get_data(as_text=True)
    assert "Keine offenen Aufgaben." in body
    assert 'badge badge-light' not in body


def _badge(body: str):
    import re

    match = re.search(r'<span class="badge badge-light">(\d+)<', body)
    return int(match.group(1)) if match else 0


def test_menu_count_is_kept_for_a_while_and_the_task_list_is_always_fresh(client, login, app):
    """The count on every page is cached per user; /tasks recomputes and refreshes it."""
    from models.user import User

    app.config["TASK_BADGE_SECONDS"] = 3600  # longer than the test can take
    login("support", email="sup2@example.com")
    me_ = User.objects.get(email="sup2@example.com")
    make_ticket(title="Erster Auftrag", assignee=me_)
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 1  # computed
    make_ticket(title="Zweiter Auftrag", assignee=me_)
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 1  # cached
    body = client.get("/tasks").get_data(as_text=True)
    assert "Zweiter Auftrag" in body and _badge(body) == 2  # the list itself is live
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 2  # refreshed


def test_menu_count_without_the_cache_follows_every_change(client, login, app):
    from models.user import User

    app.config["TASK_BADGE_SECONDS"] = 0
    login("support", email="sup3@example.com")
    me_ = User.objects.get(email="sup3@example.com")
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 0
    make_ticket(title="Erster Auftrag", assignee=me_)
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 1
    make_ticket(title="Zweiter Auftrag", assignee=me_)
    assert _badge(client.get("/admin/tickets/").get_data(as_text=True)) == 2

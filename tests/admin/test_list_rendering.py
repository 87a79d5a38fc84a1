"""The list pages' faster rendering shows exactly what Flask-Admin's own templates show.

Two shortcuts make a list page cheaper (issue 22): the rows' cells are built in Python
(`SecuredModelView.row_cells`, template `admin/model/backoffice_list.html`) and the menu is
rendered once per role set, language and page (`views.frame.cached_menu`). The expectation
here is not written by this project's code: it is Flask-Admin's own list template and its
own menu macro, rendered for the same page, compared after the nonces and CSRF tokens
(random per request) and the whitespace between tags are taken out.
"""
import re
from datetime import date

import lxml.html
import pytest
from models import JournalEntry
from tests.factories import make_employee, make_entry, make_stock_item, make_ticket

DE = {"Accept-Language": "de-DE,de;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def normalised(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    for token in root.xpath("//input[@name='csrf_token']"):
        token.set("value", "T")
    for element in root.iter():
        if element.text:
            element.text = " ".join(element.text.split()) or None
        if element.tail:
            element.tail = " ".join(element.tail.split()) or None
    text = lxml.html.tostring(root, encoding=str)
    return re.sub(r'nonce="[^"]*"', 'nonce="N"', text)


def view(app, endpoint):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


def both_ways(client, url, endpoint, headers):
    """The page with the project's list template, and with Flask-Admin's own."""
    target = view(client.application, endpoint)
    ours = client.get(url, headers=headers)
    assert ours.status_code == 200
    target.list_template = "admin/model/list.html"
    try:
        theirs = client.get(url, headers=headers)
    finally:
        del target.list_template  # back to the class's template
    assert theirs.status_code == 200
    return ours.get_data(as_text=True), theirs.get_data(as_text=True)


@pytest.mark.parametrize("role, url, endpoint", [
    ("hr", "/admin/employees/", "employees"),
    ("auditor", "/admin/journal/", "journal"),               # read only: no buttons
    ("finance", "/admin/journal/", "journal"),               # with bulk actions (check boxes)
    ("finance", "/admin/journal/?search=April", "journal"),
    ("warehouse", "/admin/stock/", "stock"),
    ("admin", "/admin/tickets/", "tickets"),
])
@pytest.mark.parametrize("headers", [DE, EN], ids=["de", "en"])
def test_rows_are_what_flask_admins_template_renders(client, login, role, url, endpoint,
                                                     headers):
    make_employee(personnel_no="P0001", first_name="Jörg", last_name="<b>Ärger</b> & Söhne",
                  hire_date=date(2026, 3, 1))
    make_employee(personnel_no="P0002", first_name="Anna", last_name="Ölmann")
    make_entry(text="Miete März <script>alert(1)</script>")
    make_entry(amount="0.01", text="Miete April")
    make_stock_item(sku="M8-100", name="Mutter M8 \"verzinkt\"")
    make_ticket(title="Drucker 3. OG", priority="high")
    login(role)
    ours, theirs = both_ways(client, url, endpoint, headers)
    assert normalised(ours) == normalised(theirs)
    # the comparison sees the rows: the escaped names are there, never as markup
    if endpoint == "employees":
        assert "&lt;b&gt;Ärger&lt;/b&gt; &amp; Söhne" in ours and "<b>Ärger" not in ours
    if endpoint == "journal" and "search" not in url:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ours and "<script>alert" not in ours
    if endpoint == "journal":
        checkboxes = 0 if role == "auditor" else 1 if "search" in url else 2
        assert ours.count('class="action-checkbox"') == checkboxes


def test_a_changed_cell_is_seen_by_the_comparison(client, login, monkeypatch):
    """The comparison can fail: a cell written differently from Flask-Admin's is a difference."""
    from admin.base import SecuredModelView

    make_employee(personnel_no="P0001")
    login("hr")
    original = SecuredModelView.row_cells

    def with_unescaped_first_cell(self, context, row, columns):
        return original(self, context, row, columns).replace("<td", "<td data-x=\"1\"", 1)

    monkeypatch.setattr(SecuredModelView, "row_cells",
                        __import__("jinja2").pass_context(with_unescaped_first_cell))
    ours, theirs = both_ways(client, "/admin/employees/", "employees", DE)
    assert normalised(ours) != normalised(theirs)


def menu_of(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    nav = root.get_element_by_id("admin-navbar-collapse")
    return " ".join(" ".join(ul.text_content().split())
                    for ul in nav.xpath("./ul[contains(@class, 'navbar-nav')]")[:2])


PAGES = ["/admin/", "/admin/employees/", "/admin/journal/", "/tasks/"]


def test_the_menu_is_the_same_whatever_was_cached_before(app, client, login):
    """Each (role, language, page) gets the menu it gets on a cold cache, in any order."""
    users = {}
    for role in ("admin", "hr", "finance", "warehouse"):
        users[role] = login(role, email=f"{role}@firma.example.com")
        client.post("/logout", data={})
    from tests.conftest import PASSWORD, csrf_token_from

    def as_user(role):
        client.get("/logout")
        token = csrf_token_from(client.get("/login").data)
        client.post("/login", data={"email": users[role].email, "password": PASSWORD,
                                    "csrf_token": token})

    combos = [(r, h, p) for r in users for h in ("de", "en") for p in PAGES]

    def menus(order):
        found = {}
        for role, lang, page in order:
            as_user(role)
            response = client.get(page, headers=DE if lang == "de" else EN)
            if response.status_code == 200:
                found[(role, lang, page)] = menu_of(response.get_data(as_text=True))
        return found

    cold = {}
    for combo in combos:  # each one on an empty cache
        app.extensions.pop("backoffice_menu_cache", None)
        cold.update(menus([combo]))
    warm_forward = menus(combos)
    warm_backward = menus(list(reversed(combos)))
    assert warm_forward == cold == warm_backward
    # and the menus differ where they must (written out by hand)
    assert "Benutzer" in cold[("admin", "de", "/admin/")]
    assert "Benutzer" not in cold[("hr", "de", "/admin/")]
    assert "Mitarbeitende" in cold[("hr", "de", "/admin/employees/")]
    assert "Mitarbeitende" not in cold[("warehouse", "de", "/admin/")]
    assert "Joblauf-Protokoll" in cold[("admin", "de", "/admin/")]
    assert "Job runs" in cold[("admin", "en", "/admin/")]
    assert "Joblauf-Protokoll" not in cold[("admin", "en", "/admin/")]


def test_the_active_menu_entry_follows_the_page(client, login):
    login("hr")
    for url, label in (("/admin/employees/", "Mitarbeitende"), ("/admin/absences/", None)):
        html = client.get(url, headers=DE).get_data(as_text=True)
        root = lxml.html.document_fromstring(html)
        active = [" ".join(a.text_content().split())
                  for a in root.xpath("//nav//a[contains(@class, 'dropdown-item') and "
                                      "contains(concat(' ', @class, ' '), ' active ')]")]
        if label:
            assert active == [label]
        else:
            assert "Mitarbeitende" not in active
    assert JournalEntry.objects.count() == 0

"""One frame (issue 12): every menu entry of every role opens a page that carries the main
menu, the user and the log-out button — the admin views and the custom screens (payroll,
ledger reports and periods, CSV import) alike, and the error pages."""
import pytest

from models.user import ROLES
from tests.factories import make_user


def menu_links(page) -> list[str]:
    """Every target of the main menu, dropdown entries included, without duplicates."""
    hrefs = page.eval_on_selector_all(
        "nav.navbar a.nav-link[href], nav.navbar a.dropdown-item[href]",
        "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h and h.startswith("/") and h != "#"))


def assert_framed(session, user_email, where):
    page = session.page
    assert page.locator("nav.navbar a.navbar-brand").count() == 1, f"{where}: no main menu"
    assert page.locator("nav.navbar .dropdown-toggle").count() >= 1, f"{where}: no menu entries"
    assert user_email in page.inner_text("nav.navbar"), f"{where}: user not shown"
    assert page.locator("nav.navbar form[action='/logout'] button").count() == 1, \
        f"{where}: no log-out"


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_of_every_role_is_in_the_frame(session, live_app, role):
    with live_app.app_context():
        user = make_user(role, email=f"frame-{role}@firma.example.com")
    session.login(user.email)
    links = menu_links(session.page)
    assert len(links) >= 3, links
    for href in links:
        response = session.goto(href)
        assert response.status < 400, f"{role}: {href} answered {response.status}"
        assert_framed(session, user.email, href)
    session.shot("last-menu-entry")
    assert not session.console_errors, session.console_errors


def test_custom_screens_are_in_the_frame(session, live_app):
    with live_app.app_context():
        user = make_user("admin", email="frame-screens@firma.example.com")
    session.login(user.email)
    for path in ("/payroll/", "/ledger/trial-balance", "/ledger/account-ledger",
                 "/ledger/periods", "/import/"):
        response = session.goto(path)
        assert response.status < 400, f"{path} answered {response.status}"
        assert_framed(session, user.email, path)
        session.shot(path.strip("/").replace("/", "-"))


def test_error_pages_are_in_the_frame_and_offer_the_way_back(session, live_app):
    with live_app.app_context():
        user = make_user("warehouse", email="frame-errors@firma.example.com")
    session.login(user.email)
    response = session.goto("/payroll/")
    assert response.status == 403
    assert_framed(session, user.email, "403")
    assert "Diese Seite dürfen Sie nicht öffnen" in session.page.inner_text("body")
    assert session.page.locator("a.btn", has_text="Zur Startseite").count() == 1
    session.shot("403")
    response = session.goto("/admin/no-such-page/")
    assert response.status == 404
    assert_framed(session, user.email, "404")
    assert "Diese Seite gibt es nicht" in session.page.inner_text("body")
    session.shot("404")

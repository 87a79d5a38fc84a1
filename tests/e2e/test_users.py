"""An administrator manages users in the browser: create, change roles, reset, deactivate (13.6)."""
from models import User
from tests.factories import make_user

NEW_PASSWORD = "Browser-Passwort-1"
RESET_PASSWORD = "Zweites-Passwort-2"


def _save(page):
    page.click("input[type=submit][value='Speichern'], button:has-text('Speichern')")
    page.wait_for_load_state("networkidle")


def _logs_in(browser, base, email, password) -> bool:
    """Log in in a separate browser context; True when the panel opens."""
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page.url.rstrip("/").endswith("/admin")
    finally:
        context.close()


def test_admin_manages_a_user_in_the_browser(session, live_app, browser):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        admin = make_user("admin", email="e2e-users-admin@firma.example.com")
    session.login(admin.email)
    page = session.page

    session.goto("/admin/users/new/")
    page.fill("#email", "e2e-neu@firma.example.com")
    page.fill("#name", "Nina Neu")
    page.select_option("#roles", ["finance", "auditor"])
    page.fill("#password", NEW_PASSWORD)
    session.shot("create")
    _save(page)
    assert "e2e-neu@firma.example.com" in page.content()
    with live_app.app_context():
        user = User.objects.get(email="e2e-neu@firma.example.com")
        assert user.roles == ["finance", "auditor"] and user.active
    assert _logs_in(browser, base, user.email, NEW_PASSWORD)

    session.goto(f"/admin/users/edit/?id={user.pk}")
    page.select_option("#roles", ["finance"])  # revoke auditor
    page.fill("#password", RESET_PASSWORD)
    session.shot("edit")
    _save(page)
    with live_app.app_context():
        assert User.objects.get(pk=user.pk).roles == ["finance"]
    assert not _logs_in(browser, base, user.email, NEW_PASSWORD)
    assert _logs_in(browser, base, user.email, RESET_PASSWORD)

    session.goto(f"/admin/users/edit/?id={user.pk}")
    page.uncheck("#active")
    _save(page)
    session.shot("deactivated")
    with live_app.app_context():
        assert User.objects.get(pk=user.pk).active is False
    assert not _logs_in(browser, base, user.email, RESET_PASSWORD)
    assert not session.console_errors, session.console_errors

"""Accessibility and the visual review: every menu entry of every role, in German and in
English, checked by axe-core (no serious or critical violation) and saved as a full-page
screenshot under test-output/screens/ (role-language-page.png) for a person to look at.

axe-core comes from npm at the version the Makefile pins (`make axe`); Playwright injects
it past the panel's Content-Security-Policy (bypass_csp on the context).
"""
import re
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from models.user import ROLES
from tests.conftest import PASSWORD, REPO
from tests.e2e.test_frame import menu_links

SCREENS = REPO / "test-output" / "screens"
SERIOUS = ("serious", "critical")
# Forms where labels matter most, opened besides the menu entries (if the role may).
FORMS = ("/admin/employees/new/", "/admin/invoice/new/", "/admin/tickets/new/",
         "/admin/stock/new/", "/admin/users/new/", "/admin/journal/new/",
         # every role: the task list and a search with hits (issue 20)
         "/tasks", "/search?q=Sch")


def axe_script() -> Path:
    found = sorted(REPO.glob("var/axe-*/node_modules/axe-core/axe.min.js"))
    assert found, "axe-core missing: run `make axe` (part of `make test`)"
    return found[-1]


@pytest.fixture(scope="module")
def demo_live_app(db_server):
    """The app with the demo company and one user per role, served on loopback."""
    from app import create_app
    from models import ensure_indexes
    from seeds.demo import seed_demo_company
    from seeds.demo_books import seed_demo_books
    from seeds.reference import seed_reference
    from tests.factories import make_user

    name = f"a11y_{uuid.uuid4().hex[:10]}"
    data_dir = Path(tempfile.mkdtemp(prefix="backoffice-a11y-"))
    app = create_app({"TESTING": True, "MONGODB_URI": db_server, "MONGODB_DB": name,
                      "DATA_DIR": data_dir})
    with app.app_context():
        ensure_indexes()
        seed_reference()
        seed_demo_company()
        seed_demo_books()
        from datetime import date

        from seeds.demo_history import seed_demo_history
        seed_demo_history(date.today(), invoices=12)  # the screenshots show a year of books
        for role in ROLES:
            make_user(role, email=f"a11y-{role}@firma.example.com", name=f"Demo {role}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)
    import mongoengine as me

    me.get_connection().drop_database(name)
    shutil.rmtree(data_dir, ignore_errors=True)


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    # axe gets 60 s per page; a page it cannot finish is reported, the run goes on.
    result = page.evaluate("""async () => await Promise.race([
        axe.run(document, {resultTypes: ['violations']}),
        new Promise(done => setTimeout(() => done({violations: [{impact: 'critical',
            id: 'axe-timeout', help: 'axe-core did not finish within 60 s', nodes: []}]}),
            60000))])""")
    return [f"{v['impact']} {v['id']}: {v['help']} — "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in SERIOUS]


@pytest.mark.timeout(1200)  # the demo year is seeded in the first one; admin opens every page
@pytest.mark.parametrize("locale", ("de", "en"))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_is_photographed(browser, demo_live_app, role, locale):
    base = demo_live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True,
                                  locale="de-DE" if locale == "de" else "en-US")
    page = context.new_page()
    try:
        page.goto(base + "/login")
        page.fill("input[name=email]", f"a11y-{role}@firma.example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == locale
        paths = ["/admin/"] + [h for h in menu_links(page) if h != "/admin/"] + list(FORMS)
        problems, shots = {}, 0
        SCREENS.mkdir(parents=True, exist_ok=True)
        for path in paths:
            response = page.goto(base + path)
            if response.status == 403 and path in FORMS:
                continue  # a form this role may not open
            assert response.status == 200, f"{path}: {response.status}"
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENS / f"{role}-{locale}-{_slug(path)}.png"),
                            full_page=True)
            shots += 1
            found = _serious_violations(page)
            if found:
                problems[path] = found
        assert shots >= 3
        assert not problems, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
    finally:
        context.close()


def test_keyboard_reaches_the_content_and_the_menu(browser, demo_live_app):
    """Tab first lands on "skip to content"; the menu opens and is walked with the keyboard."""
    base = demo_live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(base + "/login")
        if page.evaluate("document.activeElement.name") != "email":  # no autofocus: Tab
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "email"
        page.keyboard.type("a11y-admin@firma.example.com")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/").endswith("/admin")

        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == \
            "Zum Inhalt springen"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"

        page.goto(base + "/admin/")
        toggle = page.locator("nav .dropdown-toggle", has_text="Personal")
        toggle.focus()
        page.keyboard.press("Enter")
        item = page.locator("nav .dropdown-menu a", has_text="Mitarbeitende")
        assert item.is_visible()
        for _ in range(6):  # walk into the open menu until the entry has the focus
            if page.evaluate("document.activeElement.textContent.trim()") == "Mitarbeitende":
                break
            page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        assert "/admin/employees/" in page.url
    finally:
        context.close()

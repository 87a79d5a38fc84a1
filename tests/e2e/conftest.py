"""Browser tests: the real app served on loopback, driven by Playwright in Debian's Chromium."""
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, REPO

CHROMIUM = "/usr/bin/chromium"
SHOTS = REPO / "test-output" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def live_app(db_server):
    """A Backoffice app on its own database, served by a real HTTP server thread."""
    from app import create_app
    from seeds.reference import seed_reference

    name = f"e2e_{uuid.uuid4().hex[:10]}"
    data_dir = Path(tempfile.mkdtemp(prefix="backoffice-e2e-"))
    app = create_app({"TESTING": True, "MONGODB_URI": db_server, "MONGODB_DB": name,
                      "DATA_DIR": data_dir})
    with app.app_context():
        seed_reference()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    import mongoengine as me

    me.get_connection().drop_database(name)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Chromium missing: run `make test` (it installs it)"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Session:
    """One browser page on the live app that records console errors and foreign requests."""

    def __init__(self, page, base_url, name):
        self.page, self.base, self.name = page, base_url, name
        self.console_errors, self.foreign_requests, self.step = [], [], 0
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} @ {m.location.get('url')}:{m.location.get('lineNumber')}"))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.route("**/*", self._only_the_app)

    def _only_the_app(self, route):
        # The panel must work with the network limited to the app itself (no CDN).
        # chrome:// and chrome-extension:// are the browser's own PDF viewer (no network).
        if route.request.url.startswith((self.base, "data:", "chrome://", "chrome-extension://")):
            route.continue_()
        else:
            self.foreign_requests.append(route.request.url)
            route.abort()

    def goto(self, path):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def login(self, email, password=PASSWORD):
        self.goto("/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def shot(self, label):
        """Save a screenshot of this step under test-output/ (not committed)."""
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.step:02d}-{label}.png"),
                             full_page=True)


@pytest.fixture
def session(browser, live_app, request):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = context.new_page()
    sess = Session(page, live_app.config["LIVE_URL"], request.node.name)
    yield sess
    context.close()
    assert not sess.foreign_requests, f"requests outside the app: {sess.foreign_requests}"

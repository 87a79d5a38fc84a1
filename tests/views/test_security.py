"""Log-in throttling, security headers, database outages."""
import shutil
import tempfile
from pathlib import Path

from tests.conftest import PASSWORD, REPO, csrf_token_from
from tests.factories import make_user


def _attempt(client, email, password):
    token = csrf_token_from(client.get("/login").data)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def test_five_failures_lock_the_account_with_a_clear_message(client):
    user = make_user("finance")
    for _ in range(5):
        assert _attempt(client, user.email, "Wrong-pass-1").status_code == 200
    locked = _attempt(client, user.email, PASSWORD)  # even the right password now waits
    assert locked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in 15 Minute(n)" in locked.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_a_success_resets_the_failure_count(client):
    user = make_user("finance")
    for _ in range(4):
        _attempt(client, user.email, "Wrong-pass-1")
    assert _attempt(client, user.email, PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").data)})
    for _ in range(4):
        _attempt(client, user.email, "Wrong-pass-1")
    assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_security_headers_on_every_page(client):
    for url in ("/login", "/healthz", "/admin/"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split(
            "script-src")[1].split(";")[0]
        assert headers["Referrer-Policy"] == "same-origin"


def test_nonce_is_fresh_per_request_and_used_by_inline_scripts(client, login):
    import re

    login("admin")
    first, second = client.get("/admin/suppliers/"), client.get("/admin/suppliers/")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
              for r in (first, second)]
    assert nonces[0] != nonces[1]
    html = second.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all(f'nonce="{nonces[1]}"' in attrs for attrs in inline), inline


def test_database_outage_gives_503_and_recovers_without_restart():
    from app import create_app
    from services.core.embedded_db import BINARY_NAME, EmbeddedMongo

    data_dir = Path(tempfile.mkdtemp(prefix="backoffice-outage-"))
    server = EmbeddedMongo(data_dir, binary_path=REPO / "var" / "bin" / BINARY_NAME)
    try:
        uri = server.start()
        app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": "outage",
                          "MONGODB_TIMEOUT_MS": 500})
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        server.stop()
        down = client.get("/healthz")
        assert down.status_code == 503
        page = client.get("/login")  # a page that reads nothing still renders
        assert page.status_code == 200
        user_page = client.post("/login", data={"email": "a@b.example.com", "password": "x",
                                                "csrf_token": csrf_token_from(page.data)})
        assert user_page.status_code == 503
        assert "erreicht seine Datenbank gerade nicht" in user_page.get_data(as_text=True)
        assert "Traceback" not in user_page.get_data(as_text=True)
        server.start()
        assert client.get("/healthz").status_code == 200
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_login_and_error_pages_in_english_when_chosen(client):
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">Log in<" in page and "Anmelden" not in page
    user = make_user("warehouse")
    token = csrf_token_from(client.get("/login").data)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    forbidden = client.get("/admin/employees/", headers={"Accept-Language": "en"})
    assert forbidden.status_code == 403
    assert "Your role does not include this area" in forbidden.get_data(as_text=True)


def test_oversized_uploads_are_refused_for_archive_and_import(app, client, login):
    import io

    from models import ArchivedFile, ImportRun

    login("admin")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # 1 MB for this test
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    for url, field in (("/admin/archive_files/new/", "upload"), ("/import/employees/", "file")):
        token = csrf_token_from(client.get(url).data)
        response = client.post(url, data={"csrf_token": token, "category": "invoice",
                                          "document_date": "2026-03-15",
                                          field: (io.BytesIO(big), "../../gross.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 413, url
        assert "Höchstens 1 MB pro Upload" in response.get_data(as_text=True)
    english = client.post("/import/employees/", headers={"Accept-Language": "en"},
                          data={"csrf_token": token, "file": (io.BytesIO(big), "x.csv")},
                          content_type="multipart/form-data")
    assert "At most 1 MB per upload" in english.get_data(as_text=True)
    assert ArchivedFile.objects.count() == 0 and ImportRun.objects.count() == 0


def test_no_secrets_in_the_repository():
    """Tracked files hold no private keys or real credentials; secrets come from the env."""
    import re
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, timeout=60,
                           check=True).stdout.split()
    suspicious = re.compile(rb"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----|AKIA[0-9A-Z]{16}|"
                            rb"mongodb(\+srv)?://[^\s:@/]+:(?!PASSWORD@|pass@)[^\s@/]{6,}@")
    hits = [name for name in files if (REPO / name).is_file() and not name.startswith("tests/")
            and suspicious.search((REPO / name).read_bytes())]
    assert hits == []
    from config import Config

    config_source = (REPO / "config.py").read_text()
    assert 'env.get("SECRET_KEY"' in config_source and Config.__init__

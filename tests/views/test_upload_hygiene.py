"""Issue 13.15: import uploads are capped and cleaned up, archived names follow the sniffed
type, and the server does not announce its software and version."""
import http.client
import io
import os
import threading
import time
from datetime import date
from pathlib import Path

from werkzeug.serving import make_server

from models import ArchivedFile
from models.import_run import ImportRun
from tests.conftest import csrf_token_from
from tests.test_seed import store_file

CSV = b"Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\nP1;Anna;Alt;01.01.2026;100,00\r\n"


def post_import(client, data: bytes, name="personal.csv"):
    page = client.get("/import/employees/")
    return client.post("/import/employees/", data={
        "csrf_token": csrf_token_from(page.data), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data", follow_redirects=True)


def imports_dir(app) -> Path:
    path = Path(app.config["DATA_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_binary_or_oversized_import_upload_is_refused_and_not_kept(app, client, login):
    login("hr")
    before = set(imports_dir(app).iterdir())
    page = post_import(client, b"PK\x03\x04" + bytes(200), "personal.xlsx").get_data(as_text=True)
    assert "Excel" in page or "keine" in page.lower()
    app.config["IMPORT_MAX_BYTES"] = 64
    page = post_import(client, CSV).get_data(as_text=True)
    assert "größer als" in page
    assert set(imports_dir(app).iterdir()) == before and ImportRun.objects.count() == 0
    app.config["IMPORT_MAX_BYTES"] = 1024
    post_import(client, CSV)
    assert ImportRun.objects.count() == 1 and len(set(imports_dir(app).iterdir()) - before) == 1


def test_old_uploads_are_deleted_and_the_kept_total_is_capped(app, client, login):
    folder = imports_dir(app)
    old = folder / ("a" * 64 + ".csv")
    old.write_bytes(b"x" * 100)
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    recent = [folder / (f"{i}" * 64 + ".csv") for i in (1, 2)]
    for age, path in zip((300, 200), recent):
        path.write_bytes(b"y" * 1000)
        os.utime(path, (time.time() - age, time.time() - age))
    app.config["IMPORT_UPLOAD_MAX_TOTAL_BYTES"] = 1000 + len(CSV) + 10
    login("hr")
    post_import(client, CSV)
    assert not old.exists()  # older than IMPORT_UPLOAD_KEEP_HOURS (24)
    assert not recent[0].exists() and recent[1].exists()  # the oldest went to stay under the cap
    assert len(list(folder.glob("*.csv"))) == 2


def test_an_archived_html_file_keeps_no_html_extension(client, login):
    record = store_file("letter", "x.html", b"<p>Hallo</p>\n", document_date=date(2026, 1, 15))
    assert (record.content_type, record.filename) == ("text/plain", "x.html.txt")
    assert store_file("letter", "Brief.TXT", b"Hallo\n").filename == "Brief.TXT"
    assert store_file("letter", "scan.jpeg", b"\xff\xd8\xff\xe0" + bytes(20)).filename == "scan.jpeg"
    assert store_file("letter", "rechnung", b"%PDF-1.4 x").filename == "rechnung.pdf"
    legacy = store_file("letter", "alt.txt", b"<script>alert(1)</script>\n")
    ArchivedFile._get_collection().update_one({"_id": legacy.pk}, {"$set": {"filename": "alt.html"}})
    login("admin")
    for stored, expected in ((record, "x.html.txt"), (legacy, "alt.html.txt")):
        response = client.get(f"/archive/{stored.pk}/download")
        assert response.status_code == 200
        assert f'filename="{expected}"' in response.headers["Content-Disposition"]
        assert response.headers["Content-Type"].startswith("text/plain")


def test_the_server_does_not_announce_werkzeug_or_python(app):
    """`make run` serves through `flask serve` with this handler; gunicorn names no version."""
    from cli.serve import QuietRequestHandler

    server = make_server("127.0.0.1", 0, app, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request("GET", "/login")
        response = connection.getresponse()
        response.read()
        headers = response.getheaders()
        connection.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert response.status == 200
    servers = [value for name, value in headers if name.lower() == "server"]
    assert servers == ["Backoffice"], servers

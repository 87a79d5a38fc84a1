"""The import wizard through the test client: upload, preview, dry run, import, progress."""
import io
import re
import time
from pathlib import Path

from models import Employee, Supplier
from models.import_run import ImportRun
from tests.conftest import csrf_token_from
from tests.factories import make_supplier

CSV = Path(__file__).resolve().parent.parent / "data" / "csv"


def upload(client, collection, name, data=None):
    page = client.get(f"/import/{collection}/")
    assert page.status_code == 200
    data = data if data is not None else (CSV / name).read_bytes()
    return client.post(f"/import/{collection}/", data={
        "csrf_token": csrf_token_from(page.data), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def start(client, run_url, action, mode="insert", skip_invalid=False):
    page = client.get(run_url)
    form = {"csrf_token": csrf_token_from(page.data), "action": action, "mode": mode}
    if skip_invalid:
        form["skip_invalid"] = "1"
    response = client.post(f"{run_url}/start", data=form)
    assert response.status_code == 302, response.data[:300]
    return response.location


def test_upload_preview_dry_run_then_import(client, login):
    login("hr")
    page = client.get("/import/employees/").get_data(as_text=True)
    assert "Personalnummer" in page and "Bruttogehalt" in page and "Monatsbrutto" in page
    response = upload(client, "employees", "employees-excel-cp1252.csv")
    assert response.status_code == 302
    run_url = response.location
    preview = client.get(run_url).get_data(as_text=True)
    assert "cp1252" in preview and "Semikolon (;)" in preview
    assert "<td>Bruttogehalt</td><td>monthly_gross</td>" in preview
    assert "Jürgen" in preview and "4.250,50" in preview

    dry = client.get(start(client, run_url, "dry_run")).get_data(as_text=True)
    assert "Probelauf" in dry and "inserted=3 updated=0 unchanged=0 rejected=0" in dry
    assert Employee.objects.count() == 0

    done = client.get(start(client, run_url, "import")).get_data(as_text=True)
    assert "erfolgreich" in done and "inserted=3 updated=0 unchanged=0 rejected=0" in done
    assert Employee.objects.count() == 3
    assert ImportRun.objects(dry_run=False, status="succeeded").count() == 1
    again = client.get(run_url).get_data(as_text=True)  # the uploaded copy is gone once imported
    assert "nicht mehr vorhanden" in again and "Importieren" not in again


def test_errors_are_listed_and_the_rejects_file_can_be_downloaded(client, login):
    login("hr")
    run_url = upload(client, "employees", "employees-errors.csv").location
    page = client.get(start(client, run_url, "dry_run")).get_data(as_text=True)
    assert "Zeile 4, IBAN: Prüfsumme ungültig." in page
    result_url = start(client, run_url, "import", skip_invalid=True)
    page = client.get(result_url).get_data(as_text=True)
    assert "teilweise" in page and "inserted=2 updated=0 unchanged=0 rejected=8" in page
    link = re.search(r'href="([^"]+/rejects\.csv)"', page).group(1)
    rejects = client.get(link)
    assert rejects.status_code == 200 and "Fehler" in rejects.data.decode("utf-8-sig").splitlines()[0]


def test_a_file_error_is_shown_instead_of_the_preview(client, login):
    login("hr")
    run_url = upload(client, "employees", "employees-missing-column.csv").location
    page = client.get(run_url).get_data(as_text=True)
    assert "Pflichtspalte fehlt: Bruttogehalt" in page and "Importieren" not in page


def test_large_files_run_in_the_background_and_the_page_polls_the_status(app, client, login):
    app.config["IMPORT_SYNC_MAX_BYTES"] = 0
    login("hr")
    run_url = upload(client, "employees", "employees-utf8-bom.csv").location
    result_url = start(client, run_url, "import")
    status_url = f"{result_url}/status.json"
    deadline = time.monotonic() + 60
    state = client.get(status_url).get_json()
    while not state["finished"] and time.monotonic() < deadline:
        assert "progress-bar" in client.get(result_url).get_data(as_text=True)
        time.sleep(0.05)
        state = client.get(status_url).get_json()
    assert state["finished"] and state["status"] == "succeeded" and state["percent"] == 100
    assert state["summary"] == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert "erfolgreich" in client.get(result_url).get_data(as_text=True)


def test_template_download_has_the_german_headers(client, login):
    login("warehouse")
    response = client.get("/import/stock_items/template.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").startswith("Artikelnummer;Bezeichnung;Einheit;Bestand")


def test_each_collection_is_open_only_to_the_roles_that_write_it(app, client, login):
    login("warehouse")
    assert client.get("/import/stock_items/").status_code == 200
    assert client.get("/import/employees/").status_code == 403
    assert client.get("/import/employees/template.csv").status_code == 403
    assert client.get("/import/journal_entries/export.csv").status_code == 403
    index = client.get("/import/").get_data(as_text=True)
    assert "/import/stock_items/" in index and "/import/employees/" not in index


def test_another_role_cannot_open_a_run_of_a_collection_it_may_not_write(app, client, login):
    login("hr")
    run_url = upload(client, "employees", "employees-excel-cp1252.csv").location
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").data)})
    login("warehouse")
    assert client.get(run_url).status_code == 403
    assert client.get(f"{run_url}/status.json").status_code == 403


def test_upload_without_csrf_token_is_refused(client, login):
    login("hr")
    response = client.post("/import/employees/", data={
        "file": (io.BytesIO(b"Personalnummer\r\n"), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert ImportRun.objects.count() == 0


def test_auditor_sees_import_runs_but_not_those_of_hr(client, login):
    login("hr")
    start(client, upload(client, "employees", "employees-excel-cp1252.csv").location, "import")
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").data)})
    login("auditor")
    page = client.get("/admin/import_runs/")
    assert page.status_code == 200 and "employees-excel-cp1252.csv" not in page.get_data(as_text=True)
    run = ImportRun.objects.first()
    assert client.get(f"/admin/import_runs/details/?id={run.pk}").status_code in (302, 404)


def test_admin_export_neutralises_formulas(client, login):
    make_supplier(name="=HYPERLINK(\"http://x\";\"klick\")", city="+49 Köln", category="@SUM(A1)")
    login("finance")
    text = client.get("/admin/suppliers/export/csv/").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'+49 Köln" in text and "'@SUM(A1)" in text
    assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text
    assert Supplier.objects.count() == 1


def test_a_run_whose_process_died_shows_as_interrupted_and_a_restart_completes_it(client, login):
    import subprocess

    from services.imports.csv_import import ImportOptions, run_import
    login("hr")
    data = (CSV / "employees-utf8-bom.csv").read_bytes()
    run_url = upload(client, "employees", "employees-utf8-bom.csv", data).location
    upload_run = ImportRun.objects.get()
    first_row_only = b"\r\n".join(data.split(b"\r\n")[:2]) + b"\r\n"
    run_import(first_row_only, "employees", ImportOptions(user="t"))  # what the dead run wrote
    dead = subprocess.Popen(["true"])
    dead.wait(timeout=30)
    killed = ImportRun(collection="employees", filename=upload_run.filename, sha256=upload_run.sha256,
                       size=len(data), mode="insert", user="hr", status="running", host=upload_run.host,
                       pid=dead.pid).save()
    page = client.get(f"/import/run/{killed.pk}").get_data(as_text=True)
    assert "abgebrochen" in page and "Erneut starten" in page
    done = client.get(start(client, f"/import/run/{killed.pk}", "import")).get_data(as_text=True)
    assert "inserted=2 updated=0 unchanged=1 rejected=0" in done
    assert Employee.objects.count() == 3
    assert run_url


def test_a_running_import_shows_a_progress_bar_and_a_status_that_is_not_finished(client, login):
    from services.imports.csv_import import runs
    login("hr")
    run = runs.new_run("employees", "gross.csv", "0" * 64, 10, mode="insert", dry_run=False,
                       skip_invalid=False, user="hr")
    runs.claim(run)
    runs.progress(run, phase="writing", rows_total=200, rows_done=50)
    try:
        page = client.get(f"/import/run/{run.pk}").get_data(as_text=True)
        assert "progress-bar" in page and "25 %" in page and "import-progress.js" in page
        state = client.get(f"/import/run/{run.pk}/status.json").get_json()
        assert (state["finished"], state["percent"], state["phase"]) == (False, 25, "writing")
    finally:
        runs.release(run)


def test_cell_values_are_shown_escaped_in_preview_and_errors(client, login):
    login("hr")
    data = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\n"
            "P1;<script>alert(1)</script>;B;\"x\"\" onmouseover=\"\"y\";1,00\r\n").encode()
    run_url = upload(client, "employees", "xss.csv", data).location
    preview = client.get(run_url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in preview and "&lt;script&gt;" in preview
    result = client.get(start(client, run_url, "dry_run")).get_data(as_text=True)
    assert 'onmouseover="y' not in result and "ist kein Datum" in result

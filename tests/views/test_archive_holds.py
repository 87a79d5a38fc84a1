"""Legal holds, retention rules and the deletion log through the panel and the CLI."""
from datetime import date

import pytest

from models import (ArchivedFile, AuditEntry, DeletionLogEntry, DocumentCategory, PurgeBatch,
                    RetentionRule)
from services.core.errors import BusinessRuleError
from services.archive.holds import set_file_hold
from services.archive.purge import purge_expired_files
from tests.admin.test_crud import post_form
from tests.conftest import csrf_token_from
from tests.test_seed import store_file


def change_hold(client, **data):
    token = csrf_token_from(client.get("/admin/legal_holds/").data)
    return client.post("/admin/legal_holds/change", data={**data, "csrf_token": token},
                       follow_redirects=True)


def test_admin_sets_and_lifts_a_file_hold_with_reasons_in_the_audit_log(client, login):
    record = store_file("application", "Bewerbung.pdf", document_date=date(2020, 1, 1))
    login("admin")
    page = change_hold(client, target="file", action="set", key=str(record.pk),
                       reason="Klage vor dem Arbeitsgericht").get_data(as_text=True)
    assert "Sperrvermerk gesetzt." in page and "Klage vor dem Arbeitsgericht" in page
    assert purge_expired_files("run-1", today=date(2026, 1, 1)).deleted == 0
    change_hold(client, target="file", action="lift", key=str(record.pk),
                reason="Verfahren abgeschlossen")
    entries = AuditEntry.objects(document_id=str(record.pk)).order_by("at")
    changes = [{c.field: (c.old, c.new) for c in e.changes} for e in entries]
    assert changes[-2] == {"hold_reason": (None, "Klage vor dem Arbeitsgericht")}
    assert changes[-1]["hold_lifted_because"] == (None, "Verfahren abgeschlossen")
    assert purge_expired_files("run-2", today=date(2026, 1, 1)).deleted == 1


def test_category_hold_keeps_every_file_of_the_category(client, login):
    store_file("invoice", "Rechnung 2010.pdf", document_date=date(2010, 1, 1))
    login("admin")
    change_hold(client, target="category", action="set", key="invoice",
                reason="Betriebsprüfung 2010-2012")
    assert DocumentCategory.objects.get(pk="invoice").hold_reason == \
        "Betriebsprüfung 2010-2012"
    listing = client.get("/admin/archive_files/").get_data(as_text=True)
    assert "Betriebsprüfung 2010-2012" in listing  # shown on each file
    assert purge_expired_files("run-1", today=date(2030, 1, 1)).deleted == 0
    change_hold(client, target="category", action="lift", key="invoice", reason="Prüfung beendet")
    assert purge_expired_files("run-2", today=date(2030, 1, 1)).deleted == 1


def test_a_hold_needs_a_reason(client, login):
    record = store_file("letter", "Brief.txt", b"Brief")
    login("admin")
    page = change_hold(client, target="file", action="set", key=str(record.pk), reason=" ")
    assert "give a reason" in page.get_data(as_text=True)
    assert not record.reload().hold_reason


def test_a_file_claimed_by_the_cleanup_can_no_longer_be_held(app):
    record = store_file("letter", "Brief.txt", b"Brief")
    PurgeBatch(batch_id="run-9#0", run_id="run-9", ids=[record.pk]).save()
    with pytest.raises(BusinessRuleError, match="already being deleted"):
        set_file_hold(str(record.pk), "zu spät", "admin")


@pytest.mark.parametrize("role", ["finance", "hr", "auditor"])
def test_only_admin_may_change_holds(client, login, role):
    record = store_file("letter", "Brief.txt", b"Brief")
    login(role)
    assert client.get("/admin/legal_holds/").status_code == 403
    token = csrf_token_from(client.get("/admin/").data)
    response = client.post("/admin/legal_holds/change", data={
        "target": "file", "action": "set", "key": str(record.pk), "reason": "nein",
        "csrf_token": token})
    assert response.status_code == 403 and not record.reload().hold_reason


def test_changing_a_rule_recomputes_keep_until_of_its_files(client, login):
    record = store_file("letter", "Brief.txt", b"Brief", document_date=date(2026, 3, 1))
    assert record.keep_until == date(2032, 12, 31)
    login("admin")
    url = "/admin/retention_rules/edit/?id=letter"
    response = post_form(client, url, {"category": "letter", "period": "10", "unit": "years",
                                       "start": "year_end", "legal_basis": "geändert"})
    assert response.status_code == 302
    assert RetentionRule.objects.get(pk="letter").period == 10
    assert record.reload().keep_until == date(2036, 12, 31)
    assert AuditEntry.objects(collection="retention_rules", action="update").count() == 1


def test_deletion_log_is_read_only_for_admin_and_auditor(client, login):
    store_file("application", "Bewerbung Schmidt.pdf", document_date=date(2020, 1, 1))
    purge_expired_files("run-1", today=date(2026, 1, 1))
    entry = DeletionLogEntry.objects.get()
    with pytest.raises(Exception, match="können nicht gelöscht werden"):
        entry.delete()
    with pytest.raises(Exception, match="schreibt nur die Löschung"):
        entry.save()
    login("auditor")
    page = client.get("/admin/deletion_log/").get_data(as_text=True)
    assert "Bewerbung Schmidt.pdf" in page and "run-1" in page
    assert client.get(f"/admin/deletion_log/edit/?id={entry.pk}").status_code == 403
    assert client.get("/admin/deletion_log/new/").status_code == 403


def test_cli_archive_add_and_dry_run(runner, tmp_path):
    path = tmp_path / "Eingangsrechnung Müller.pdf"
    path.write_bytes(b"%PDF-1.4 cli")
    result = runner.invoke(args=["archive", "add", str(path), "--category", "invoice",
                                 "--date", "15.03.2026"])
    assert result.exit_code == 0, result.output
    assert "keep-until=2034-12-31" in result.output
    record = ArchivedFile.objects.get()
    assert record.filename == "Eingangsrechnung Müller.pdf" and record.uploaded_by == "cli"
    again = runner.invoke(args=["archive", "add", str(path), "--category", "nope",
                                "--date", "2026-03-15"])
    assert again.exit_code == 2 and "no document category 'nope'" in again.output
    dry = runner.invoke(args=["archive", "purge", "--dry-run", "--today", "2035-01-01"])
    assert "would delete 1 file(s)" in dry.output and "Eingangsrechnung" in dry.output
    assert ArchivedFile.objects.count() == 1


def test_cli_archive_add_refuses_a_disallowed_file(runner, tmp_path):
    path = tmp_path / "setup.pdf"
    path.write_bytes(b"MZ\x90\x00")
    result = runner.invoke(args=["archive", "add", str(path), "--category", "invoice",
                                 "--date", "2026-03-15"])
    assert result.exit_code == 1 and "not an allowed type" in result.output

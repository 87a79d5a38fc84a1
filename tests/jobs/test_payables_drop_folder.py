"""The drop folder: done/ and failed/ with a reason; a crash mid-import is processed again."""
from pathlib import Path

import pytest

from jobs import ensure_registry
from jobs.runner import run_now
from models.supplier_invoice import SupplierInvoice
from services.payables import drop_folder, intake
from tests.services.payables.samples import Sample, cii_xml, ubl_xml


def test_files_go_to_done_and_failed_with_the_reason(app, tmp_path):
    (tmp_path / "a.xml").write_bytes(cii_xml(Sample()))
    (tmp_path / "b.xml").write_bytes(ubl_xml(Sample(number="B-1")))
    (tmp_path / "kopie.xml").write_bytes(ubl_xml(Sample()))  # same number as a.xml
    (tmp_path / "notiz.txt").write_bytes(b"Hallo")
    (tmp_path / "halb.xml.part").write_bytes(b"<")  # still being written
    counts = drop_folder.process_drop_folder(tmp_path)
    assert (counts["draft"], counts["failed"]) == (2, 2)
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["a.xml", "b.xml"]
    failed = tmp_path / "failed"
    assert sorted(p.name for p in failed.iterdir()) == [
        "kopie.xml", "kopie.xml.grund.txt", "notiz.txt", "notiz.txt.grund.txt"]
    assert "bereits erfasst" in (failed / "kopie.xml.grund.txt").read_text()
    assert "nicht unterstützt" in (failed / "notiz.txt.grund.txt").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["halb.xml.part"]
    assert SupplierInvoice.objects.count() == 2


def test_a_crash_mid_import_leaves_the_file_and_no_invoice(app, tmp_path, monkeypatch):
    (tmp_path / "a.xml").write_bytes(cii_xml(Sample()))

    def crash(*a, **kw):
        raise SystemExit("killed mid-import")

    # the folder is imported in batches: the drafts are written by one insert per batch
    monkeypatch.setattr(intake, "_insert_drafts", crash)
    with pytest.raises(SystemExit):
        drop_folder.process_drop_folder(tmp_path)
    monkeypatch.undo()
    assert SupplierInvoice.objects.count() == 0 and (tmp_path / "a.xml").exists()
    assert drop_folder.process_drop_folder(tmp_path)["draft"] == 1
    assert (tmp_path / "done" / "a.xml").exists() and SupplierInvoice.objects.count() == 1


def test_a_crash_after_the_invoice_before_the_move_counts_as_done(app, tmp_path):
    data = cii_xml(Sample())
    (tmp_path / "a.xml").write_bytes(data)
    from services.payables.intake import import_invoice_file
    import_invoice_file(data, "a.xml", user="x")  # imported, then the process died
    counts = drop_folder.process_drop_folder(tmp_path)
    assert (counts["done_before"], counts["failed"]) == (1, 0)
    assert (tmp_path / "done" / "a.xml").exists()


def test_the_job_runs_through_the_runner(app, tmp_path):
    ensure_registry(app)
    (tmp_path / "a.xml").write_bytes(cii_xml(Sample()))
    run = run_now("payables_drop_folder", requested_by="admin@firma.example.com")
    assert run.status == "ok" and "skipped" in run.summary
    app.config["PAYABLES_DROP_DIR"] = str(tmp_path)
    with app.app_context():
        run = run_now("payables_drop_folder", requested_by="admin@firma.example.com")
    assert run.status == "ok", run.error
    assert run.summary["draft"] == 1 and (tmp_path / "done" / "a.xml").exists()

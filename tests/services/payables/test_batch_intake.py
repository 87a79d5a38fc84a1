"""Batch intake (CLI, drop folder): the single-file rules per batch, repeats, a broken file, kill -9."""
import hashlib
import json
from datetime import date
from decimal import Decimal as D

from models.archive import ArchivedFile
from models.audit import AuditEntry
from models.supplier_invoice import SupplierInvoice, SupplierInvoiceLine
from services.archive.store import read_file
from services.payables import intake
from tests.factories import make_supplier
from tests.kill9 import run_and_kill
from tests.services.payables.samples import Sample, cii_xml, ubl_xml
from tests.services.payables.test_matching import lines, order

USER = "fibu@firma.example.com"
TODAY = date(2026, 11, 25)


def batch(*files):
    return intake.import_batch(list(files), user=USER, today=TODAY)


def originals():
    return ArchivedFile.objects(category="invoice_in", description="Eingangsrechnung (Original)")


def test_repeats_within_the_batch_and_against_the_database_are_duplicates(app):
    make_supplier()
    earlier = intake.import_invoice_file(cii_xml(Sample(number="A-1")), "alt.xml", user=USER,
                                         today=TODAY).invoice
    new = cii_xml(Sample(number="N-1"))
    results = batch((new, "neu.xml"),
                    (ubl_xml(Sample(number="A-1")), "alt-ubl.xml"),  # same supplier + number as before
                    (ubl_xml(Sample(number="N-1")), "neu-ubl.xml"),  # ... as the first file here
                    (new, "neu-kopie.xml"),                          # the very same file again
                    (cii_xml(Sample(number="N-2")), "n2.xml"))
    assert [r.status for r in results] == ["draft", "duplicate", "duplicate", "duplicate", "draft"]
    first = results[0].invoice
    assert (first.number, first.source_format, first.source_filename) == ("N-1", "cii", "neu.xml")
    assert results[1].duplicate_of.pk == earlier.pk
    assert "bereits erfasst" in results[1].errors[0] and f"/payables/{earlier.pk}" in results[1].errors[0]
    assert results[2].duplicate_of.pk == first.pk and not results[2].same_file
    assert "Rechnungsnummer N-1" in results[2].errors[0] and f"/payables/{first.pk}" in results[2].errors[0]
    assert results[3].duplicate_of.pk == first.pk and results[3].same_file
    assert "bereits eingelesen" in results[3].errors[0]
    assert sorted(SupplierInvoice.objects.scalar("number")) == ["A-1", "N-1", "N-2"]
    assert originals().count() == 3  # duplicates are not archived
    assert AuditEntry.objects(collection="supplier_invoices", action="create").count() == 3
    # the batch's drafts are ordinary documents: a clerk's later change saves as an update
    first.payment_reference = "geändert"
    first.save()
    assert SupplierInvoice.objects.get(pk=first.pk).payment_reference == "geändert"
    again = batch((new, "neu.xml"))
    assert again[0].status == "duplicate" and again[0].same_file


def test_a_repeat_of_a_rejected_file_is_rejected_again_not_a_duplicate(app):
    broken = b"<Invoice><kaputt>"
    results = batch((broken, "a.xml"), (broken, "b.xml"))
    assert [r.status for r in results] == ["rejected", "rejected"]
    assert all("kein lesbares XML" in r.errors[0] for r in results)


def test_each_rule_of_the_single_import_holds_in_a_batch(app):
    by_vat = make_supplier(name="Nach USt-IdNr.", iban="DE02120300000000202051")
    by_iban = make_supplier(name="Nach IBAN", vat_id=None, iban="DE75512108001245126199")
    by_tax = make_supplier(name="Nach Steuernummer", vat_id=None, iban=None,
                           tax_number="143/123/45678", default_account="4930")
    by_name = make_supplier(name="Schreinerei Holz", vat_id=None, iban=None, postal_code="80331")
    po = order(by_vat)
    SupplierInvoice(number="ALT-1", status="posted", supplier=by_iban, lines=[
        SupplierInvoiceLine(net_amount=D("10.00"), account="4980")]).save()
    results = batch(
        (cii_xml(Sample(number="V-1", order_ref="B-2026-0007", lines=lines())), "v.xml"),
        (ubl_xml(Sample(number="I-1", seller_vat=None, seller_iban="DE75512108001245126199")), "i.xml"),
        (cii_xml(Sample(number="T-1", seller_vat=None, seller_tax_number="143/123/45678",
                        seller_iban="DE44500105175407324931")), "t.xml"),
        (ubl_xml(Sample(number="H-1", seller_vat=None, seller_name="Schreinerei Holz",
                        seller_iban="DE12500105170648489890")), "h.xml"),
        (cii_xml(Sample(number="U-1", seller_vat=None, seller_name="Unbekannt GmbH",
                        seller_postal="10115", seller_iban="DE02100100100006820101")), "u.xml"))
    assert [r.status for r in results] == ["draft"] * 5, [r.errors for r in results]
    v, i, t, h, u = (r.invoice for r in results)
    assert [x.supplier.pk if x.supplier else None for x in (v, i, t, h, u)] == [
        by_vat.pk, by_iban.pk, by_tax.pk, by_name.pk, None]
    assert u.supplier_proposed and u.supplier_data["name"] == "Unbekannt GmbH"
    # DE8937… on the invoice, DE0212… in the master data: the fraud flag
    assert v.iban_mismatch and "IBAN-CHANGED" in [f.code for f in v.findings]
    assert not i.iban_mismatch
    assert v.purchase_order == po.pk and v.po_deviations == []
    assert [(ln.account, ln.account_source) for ln in v.lines] == [("3400", "po_line")] * 2  # SKR03 Wareneingang
    assert [(ln.account, ln.account_source) for ln in i.lines] == [("4980", "last_booking")]
    assert [(ln.account, ln.account_source) for ln in t.lines] == [("4930", "supplier")]
    assert [ln.account for ln in h.lines + u.lines] == [None, None]
    stored = SupplierInvoice.objects.get(number="V-1")
    assert stored.iban_mismatch and stored.purchase_order == po.pk and stored.dedup_key == \
        f"{by_vat.pk}|V-1"
    assert read_file(stored.source_file) == cii_xml(Sample(number="V-1", order_ref="B-2026-0007",
                                                         lines=lines()))


def write(tmp_path, *files):
    paths = []
    for name, data in files:
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    return paths


def test_cli_a_broken_file_in_the_middle_the_others_land_exit_1(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "BATCH_FILES", 2)  # the broken file sits between two batches
    paths = write(tmp_path, ("a.xml", cii_xml(Sample(number="N-1"))),
                  ("b.xml", ubl_xml(Sample(number="N-2"))),
                  ("kaputt.xml", b"<rsm:CrossIndustryInvoice><nicht zu"),
                  ("d.xml", cii_xml(Sample(number="N-4"))),
                  ("e.xml", ubl_xml(Sample(number="N-5"))))
    result = runner.invoke(args=["payables", "import", *map(str, paths), "--json"])
    assert result.exit_code == 1, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["invoice_number"], r["status"]) for r in rows] == [
        ("N-1", "draft"), ("N-2", "draft"), (None, "rejected"), ("N-4", "draft"), ("N-5", "draft")]
    assert "kein lesbares XML" in rows[2]["errors"][0]
    assert rows[4]["gross_total"] == "148.75"  # 10 × 12.50 = 125.00 + 19 % 23.75
    assert sorted(SupplierInvoice.objects.scalar("number")) == ["N-1", "N-2", "N-4", "N-5"]
    again = runner.invoke(args=["payables", "import", str(paths[0]), str(paths[3]), "--json"])
    assert again.exit_code == 0
    assert [json.loads(line)["status"] for line in again.output.splitlines()] == ["duplicate"] * 2


FILES = [(f"r{n}.xml", (cii_xml if n % 2 else ubl_xml)(Sample(number=f"K-{n}"))) for n in range(5)]


def _kill_mid_batch(app, tmp_path, module, name, nth):
    paths = [str(p) for p in write(tmp_path, *FILES)]
    action = ("from services.payables import intake\n"
              "intake.BATCH_FILES = 2\n"
              f"intake.import_files({paths!r}, user='cli:kill')\n")
    run_and_kill(app, module, name, action, nth=nth)
    return paths


def _each_invoice_once_after_a_rerun(paths):
    results = intake.import_files(paths, user=USER, today=TODAY)
    assert {r.status for r in results} <= {"draft", "duplicate"}
    assert all(r.status == "draft" or r.same_file for r in results)
    assert sorted(SupplierInvoice.objects.scalar("number")) == [f"K-{n}" for n in range(5)]
    assert originals().count() == 5
    for _, data in FILES:
        inv = SupplierInvoice.objects.get(sha256=hashlib.sha256(data).hexdigest())
        assert read_file(inv.source_file) == data
    assert intake.import_files(paths, user=USER)[0].same_file  # and again: nothing new
    assert SupplierInvoice.objects.count() == 5
    return results


def test_kill_after_the_archive_before_the_drafts_then_rerun(app, tmp_path):
    paths = _kill_mid_batch(app, tmp_path, "services.payables.intake", "_archive_originals", 2)
    assert sorted(SupplierInvoice.objects.scalar("number")) == ["K-0", "K-1"]  # first batch only
    assert originals().count() == 4  # the second batch's originals, without their drafts
    results = _each_invoice_once_after_a_rerun(paths)
    assert [r.status for r in results] == ["duplicate", "duplicate", "draft", "draft", "draft"]


def test_kill_after_the_drafts_of_the_second_batch_then_rerun(app, tmp_path):
    paths = _kill_mid_batch(app, tmp_path, "services.payables.intake", "_insert_drafts", 2)
    assert SupplierInvoice.objects.count() == 4
    results = _each_invoice_once_after_a_rerun(paths)
    assert [r.status for r in results] == ["duplicate"] * 4 + ["draft"]


def test_kill_after_the_archive_content_before_it_is_marked_stored_then_rerun(app, tmp_path):
    paths = _kill_mid_batch(app, tmp_path, "services.archive.store", "_put_grid_files", 1)
    assert SupplierInvoice.objects.count() == 0 and ArchivedFile.objects.count() == 0
    _each_invoice_once_after_a_rerun(paths)

"""Archive screens: upload (single, multiple, refused), download per role, preview, headers."""
import io
import zipfile
from datetime import date

import pytest

from models import ArchiveContent, ArchivedFile, AuditEntry
from services.archive.upload import sniff_content_type, ArchiveError
from tests.conftest import csrf_token_from
from tests.test_seed import store_file
from views.archive import content_disposition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def upload(client, files, category="invoice", document_date="2026-03-15", **extra):
    page = client.get("/admin/archive_files/new/")
    return client.post("/admin/archive_files/new/", data={
        "csrf_token": csrf_token_from(page.data), "category": category,
        "document_date": document_date, "upload": files, **extra},
        content_type="multipart/form-data")


def office_zip(parts: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_multiple_files_in_one_upload_share_identical_content(client, login):
    login("finance")
    response = upload(client, [(io.BytesIO(PDF), "Rechnung 1.pdf"),
                               (io.BytesIO(PDF), "Rechnung 1 (Kopie).pdf"),
                               (io.BytesIO(PNG), "Scan.png")])
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    records = {r.filename: r for r in ArchivedFile.objects}
    assert set(records) == {"Rechnung 1.pdf", "Rechnung 1 (Kopie).pdf", "Scan.png"}
    assert records["Rechnung 1.pdf"].content.grid_id == \
        records["Rechnung 1 (Kopie).pdf"].content.grid_id
    assert ArchiveContent.objects.count() == 2
    assert records["Scan.png"].keep_until == date(2034, 12, 31)
    assert AuditEntry.objects(collection="archived_files", action="create").count() == 3


def test_refused_files_are_named_and_the_others_archived(client, login):
    login("finance")
    response = upload(client, [(io.BytesIO(PDF), "gut.pdf"),
                               (io.BytesIO(b"MZ\x90\x00evil"), "virus.pdf"),
                               (io.BytesIO(b""), "leer.txt")], follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Archiviert: gut.pdf" in text
    assert "&#39;virus.pdf&#39; is not an allowed type" in text
    assert "&#39;leer.txt&#39; is empty" in text
    assert list(ArchivedFile.objects.scalar("filename")) == ["gut.pdf"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit(app, client, login):
    app.config["ARCHIVE_MAX_FILE_BYTES"] = 1024 * 1024
    login("finance")
    big = PDF + b"0" * (1024 * 1024)
    text = upload(client, [(io.BytesIO(big), "gross.pdf")]).get_data(as_text=True)
    assert "larger than the limit of 1 MB" in text
    assert ArchivedFile.objects.count() == 0 and ArchiveContent.objects.count() == 0


def test_a_request_over_the_request_limit_gets_a_clear_page(app, client, login):
    login("finance")
    page = client.get("/admin/archive_files/new/")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/admin/archive_files/new/", data={
        "csrf_token": csrf_token_from(page.data), "category": "invoice",
        "document_date": "2026-03-15", "upload": [(io.BytesIO(PDF * 100), "a.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Höchstens 1 KB pro Upload" in response.get_data(as_text=True)


@pytest.mark.parametrize("name, data, expected", [
    ("Brief.docx", {"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"},
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Liste.xlsx", {"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<w/>"},
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Folien.pptx", {"[Content_Types].xml": "<x/>", "ppt/presentation.xml": "<p/>"},
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("Text.odt", {"mimetype": "application/vnd.oasis.opendocument.text"},
     "application/vnd.oasis.opendocument.text"),
    # The bytes decide, not the extension: a Word file named .xlsx is still Word.
    ("falsch.xlsx", {"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"},
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_office_formats_are_recognised_from_their_content(name, data, expected):
    assert sniff_content_type(office_zip(data), name) == expected


@pytest.mark.parametrize("name, data, refusal", [
    ("archiv.zip", {"a.txt": "hallo"}, "not an allowed type"),
    ("makro.docx", {"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>",
                    "word/vbaProject.bin": "x"}, "contains macros"),
])
def test_plain_zips_and_macro_documents_are_refused(name, data, refusal):
    with pytest.raises(ArchiveError, match=refusal):
        sniff_content_type(office_zip(data), name)


@pytest.mark.parametrize("role, category, allowed", [
    ("hr", "payslip", True), ("admin", "payslip", True), ("finance", "payslip", False),
    ("auditor", "payslip", False), ("warehouse", "payslip", False),
    ("finance", "invoice", True), ("auditor", "invoice", True), ("hr", "invoice", False),
    ("support", "invoice", False), ("warehouse", "letter", True),
])
def test_download_follows_the_category_roles(client, login, role, category, allowed):
    record = store_file(category, "Dokument.pdf", PDF)
    login(role)
    for kind in ("download", "preview"):
        response = client.get(f"/archive/{record.pk}/{kind}")
        assert response.status_code == (200 if allowed else 403), (kind, role)
        if allowed:
            assert response.data == PDF
    listing = client.get("/admin/archive_files/").get_data(as_text=True)
    assert ("Dokument.pdf" in listing) == allowed


def test_gridfs_url_of_flask_admin_does_not_bypass_the_category(client, login):
    record = store_file("payslip", "Lohn.pdf", PDF)
    login("finance")
    grid_id = record.content.grid_id
    for endpoint in ("archive_files", "deletion_log", "retention_rules"):
        url = f"/admin/{endpoint}/api/file/?id={grid_id}&coll=archive&db=default"
        response = client.get(url)
        assert response.status_code in (403, 404) and PDF not in response.data


def test_anonymous_download_goes_to_login(client):
    record = store_file("letter", "Brief.txt", b"Hallo")
    response = client.get(f"/archive/{record.pk}/download")
    assert response.status_code == 302 and "/login" in response.location


def test_download_headers_keep_umlauts_and_send_attachment(client, login):
    record = store_file("invoice", "Rechnung Müller & Söhne.pdf", PDF)
    login("finance")
    response = client.get(f"/archive/{record.pk}/download")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Rechnung%20M%C3%BCller%20%26%20S%C3%B6hne.pdf" in disposition
    assert 'filename="Rechnung M_ller & S_hne.pdf"' in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(len(PDF))


def test_preview_is_inline_for_pdf_and_images_only(client, login):
    pdf = store_file("letter", "Brief.pdf", PDF)
    text = store_file("letter", "Notiz.txt", b"<script>alert(1)</script>")
    login("support")
    assert client.get(f"/archive/{pdf.pk}/preview").headers[
        "Content-Disposition"].startswith("inline;")
    response = client.get(f"/archive/{text.pk}/preview")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize("evil", ['a"\r\nSet-Cookie: x=1.pdf', "b\nX-Evil: 1.pdf",
                                  'c";inline;.pdf', "d\\\".pdf"])
def test_content_disposition_cannot_inject_headers(evil):
    value = content_disposition(evil, inline=False)
    assert "\r" not in value and "\n" not in value
    plain = value.split("filename*=")[0]
    assert plain.count('"') == 2  # the quoted name cannot be closed early
    assert value.count(";") == 2


def test_stored_filename_with_control_characters_downloads_safely(client, login):
    record = store_file("letter", "Brief\r\nSet-Cookie: a=b.txt", b"Hallo")
    assert record.filename == "BriefSet-Cookie a=b.txt"
    login("support")
    response = client.get(f"/archive/{record.pk}/download")
    assert "Set-Cookie" not in response.headers or "a=b" not in response.headers["Set-Cookie"]


def test_search_by_filename_sha_uploader_category_and_date_range(app, client, login):
    a = store_file("invoice", "Rechnung Alpha.pdf", PDF, document_date=date(2025, 5, 1),
                   uploaded_by="anna@firma.example.com")
    store_file("invoice", "Rechnung Beta.pdf", PDF + b"b", document_date=date(2026, 5, 1),
               uploaded_by="bernd@firma.example.com")
    store_file("letter", "Brief Gamma.txt", b"Gamma", document_date=date(2026, 6, 1))
    login("finance")

    def listed(query):
        page = client.get(f"/admin/archive_files/{query}").get_data(as_text=True)
        return {n for n in ("Alpha", "Beta", "Gamma") if n in page}

    assert listed("?search=Alpha") == {"Alpha"}
    assert listed(f"?search={a.sha256}") == {"Alpha"}
    assert listed("?search=bernd") == {"Beta"}
    page = client.get("/admin/archive_files/").get_data(as_text=True)
    assert "Kategorie" in page
    view_filters = _filter_indexes(app)
    assert listed(f"?flt0_{min(view_filters['Kategorie'])}=letter") == {"Gamma"}
    between = max(view_filters["Belegdatum"])  # the last date filter is "between"
    assert listed(f"?flt0_{between}=2026-01-01+to+2026-12-31") == {"Beta", "Gamma"}


def _filter_indexes(app) -> dict:
    """Map each filtered column's label to the indexes Flask-Admin gives its filters."""
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "archive_files")
    out = {}
    for index, flt in enumerate(view._filters):
        out.setdefault(str(flt.name), []).append(index)
    return out


def test_edit_changes_metadata_recomputes_keep_until_and_never_content(client, login):
    from tests.admin.test_crud import post_form

    record = store_file("application", "Bewerbung.pdf", PDF, document_date=date(2026, 3, 15))
    assert record.keep_until == date(2026, 9, 15)
    login("hr")
    url = f"/admin/archive_files/edit/?id={record.pk}"
    page = client.get(url).get_data(as_text=True)
    assert 'type="file"' not in page
    assert post_form(client, url, {"category": "payroll_account",
                                   "document_date": "2026-03-15"}).status_code == 302
    record.reload()
    assert record.keep_until == date(2032, 12, 31) and record.content.read() == PDF

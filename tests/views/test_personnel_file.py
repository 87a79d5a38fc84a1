"""The personnel file: HR files documents and training certificates into the archive under
`personnel_file` (HR and admin read it, no deletion date), the employee record shows them,
and nobody else reaches the page or the uploads."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from models.archive import ArchivedFile
from models.personnel_file import PersonnelDocument
from models.training import Training
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.hr import personnel_file
from tests.conftest import csrf_token_from
from tests.factories import make_employee
from tests.factories_it import make_asset

CONTRACT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% Arbeitsvertrag\n"
CERT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% Ersthelfer\n"


@pytest.fixture
def emma(app):
    return make_employee(personnel_no="P100", first_name="Emma", last_name="Ebert")


def _post(client, url, **data):
    token = csrf_token_from(client.get("/hr/absences/").data)   # a page every role has
    return client.post(url, data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def test_hr_files_a_document_and_sees_it_in_the_personnel_file(client, login, emma):
    login("hr")
    response = _post(client, f"/hr/employees/{emma.pk}/file", kind="employment_contract",
                     title="Arbeitsvertrag 2026", file=(io.BytesIO(CONTRACT), "vertrag.pdf"))
    assert response.status_code == 302
    (doc,) = PersonnelDocument.objects(employee=emma.pk)
    assert (doc.kind, doc.title) == ("employment_contract", "Arbeitsvertrag 2026")
    record = ArchivedFile.objects.get(pk=doc.file.pk)
    assert record.category.pk == "personnel_file" and record.keep_until is None
    assert read_file(record.pk) == CONTRACT
    page = client.get(f"/hr/employees/{emma.pk}/file").get_data(as_text=True)
    assert "Arbeitsvertrag 2026" in page and "vertrag.pdf" in page
    assert client.get(f"/archive/{record.pk}/download").data == CONTRACT


def test_a_training_certificate_is_filed_with_the_training_date(client, login, emma):
    training = Training(employee=emma, title="Ersthelfer-Grundkurs", date=date(2026, 9, 14),
                        provider="DRK", cost=Decimal("60.00")).save()
    login("hr")
    _post(client, f"/hr/employees/trainings/{training.pk}/certificate",
          file=(io.BytesIO(CERT), "ersthelfer.pdf"))
    training.reload()
    record = ArchivedFile.objects.get(pk=training.certificate.pk)
    assert (record.category.pk, record.document_date) == ("personnel_file", date(2026, 9, 14))
    assert read_file(record.pk) == CERT
    doc = PersonnelDocument.objects.get(training=training.pk)
    assert (doc.kind, doc.employee.pk) == ("training_certificate", emma.pk)
    page = client.get(f"/hr/employees/{emma.pk}/file").get_data(as_text=True)
    assert "ersthelfer.pdf" in page and "Ersthelfer-Grundkurs" in page


def test_the_record_shows_the_it_equipment_and_the_list_links_to_it(client, login, emma):
    from services.it.assets import issue_asset

    asset = make_asset(asset_tag="IT-7001")
    issue_asset(asset.pk, emma.pk, date(2026, 1, 5), "it@firma.example.com")
    login("hr")
    assert "IT-7001" in client.get(f"/hr/employees/{emma.pk}/file").get_data(as_text=True)
    listing = client.get("/admin/employees/").get_data(as_text=True)
    assert f"/hr/employees/{emma.pk}/file" in listing


def test_refusals_say_what_to_fix_and_store_nothing(client, login, emma):
    login("hr")
    page = client.get(_post(client, f"/hr/employees/{emma.pk}/file", kind="other", title="x")
                      .location).get_data(as_text=True)
    assert "Bitte eine Datei wählen." in page
    _post(client, f"/hr/employees/{emma.pk}/file", kind="other", title="  ",
          file=(io.BytesIO(CONTRACT), "a.pdf"))
    _post(client, f"/hr/employees/{emma.pk}/file", kind="payslip", title="Falsche Art",
          file=(io.BytesIO(CONTRACT), "b.pdf"))
    assert PersonnelDocument.objects.count() == 0
    assert ArchivedFile.objects(category="personnel_file").count() == 0
    assert client.get(f"/hr/employees/{'0' * 24}/file").status_code == 404
    assert client.get("/hr/employees/nonsense/file").status_code == 404


def test_a_restricted_record_takes_no_new_documents(app, emma):
    emma.update(set__restricted_until=date.today())          # the last day still counts
    emma.reload()
    with pytest.raises(BusinessRuleError, match="eingeschränkt"):
        personnel_file.add_document(emma, io.BytesIO(CONTRACT), "v.pdf", kind="other",
                                    title="Nachtrag", by="hr", max_bytes=10_000)
    emma.update(set__restricted_until=date.today() - timedelta(days=1))
    emma.reload()
    assert personnel_file.add_document(emma, io.BytesIO(CONTRACT), "v.pdf", kind="other",
                                       title="Nachtrag", by="hr", max_bytes=10_000).pk


@pytest.mark.parametrize("role", ["finance", "support", "employee", "auditor"])
def test_nobody_else_reaches_the_file_or_the_uploads(client, login, emma, role):
    training = Training(employee=emma, title="Datenschutz", date=date(2026, 3, 1)).save()
    login("hr")
    _post(client, f"/hr/employees/{emma.pk}/file", kind="other", title="Geheim",
          file=(io.BytesIO(CONTRACT), "geheim.pdf"))
    record = PersonnelDocument.objects.get().file
    client.get("/logout")
    login(role)
    assert client.get(f"/hr/employees/{emma.pk}/file").status_code == 403
    assert _post(client, f"/hr/employees/{emma.pk}/file", kind="other", title="x",
                 file=(io.BytesIO(CERT), "x.pdf")).status_code == 403
    assert _post(client, f"/hr/employees/trainings/{training.pk}/certificate",
                 file=(io.BytesIO(CERT), "x.pdf")).status_code == 403
    assert client.get(f"/archive/{record.pk}/download").status_code == 403
    assert PersonnelDocument.objects.count() == 1

"""Subject access collects a person's data from every registered collection and the archive."""
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from models import AuditEntry, Ticket
from services.archive.store import archive_file
from services.core.errors import BusinessRuleError
from services.privacy.subject_access import collect, export_zip
from tests.factories import make_employee, make_ticket, make_user

PDF = b"%PDF-1.4\n% Arbeitsvertrag Schroeder\n" + b"y" * 2000 + b"\n%%EOF\n"


def _seed(app):
    emp = make_employee(personnel_no="P-4711", first_name="Ida", last_name="Schröder",
                        email="ida.schroeder@firma.example.com")
    other = make_employee(personnel_no="P-0815", last_name="Anders")
    user = make_user("support", email="ida.schroeder@firma.example.com")
    mine = make_ticket(title="Laptop tauschen", requester=emp)
    make_ticket(title="Fremdes Ticket", requester=other)
    assigned = make_ticket(title="Drucker", assignee=user)
    AuditEntry(user="ida.schroeder@firma.example.com", action="update",
               collection="employees", document_id=str(other.pk), label="x").save()
    AuditEntry(user="chef@firma.example.com", action="update", collection="employees",
               document_id=str(emp.pk), label="Gehalt").save()
    record = archive_file(io.BytesIO(PDF), "vertrag.pdf", category="invoice",
                          document_date=date(2026, 1, 2),
                          uploaded_by="ida.schroeder@firma.example.com",
                          max_bytes=app.config["ARCHIVE_MAX_FILE_BYTES"])
    return emp, other, user, mine, assigned, record


def test_an_employee_who_is_also_a_user_is_found_everywhere(app):
    with app.app_context():
        emp, other, user, mine, assigned, record = _seed(app)
        data = collect("employee", "P-4711")
        got = {c: set(d) for c, d in data.collections.items()}
        assert got["employees"] == {emp.pk}                  # not the colleague
        assert got["users"] == {user.pk}
        assert got["tickets"] == {mine.pk, assigned.pk}      # requested and assigned
        assert len(got["audit_log"]) == 2                    # about her, and by her
        assert got["archived_files"] == {record.pk}          # uploaded by her
        assert data.also == [("user", "ida.schroeder@firma.example.com")]
        assert data.collections["users"][user.pk]["password_hash"] == "[entfernt]"


def test_zip_has_json_pdf_and_the_archived_file(app):
    with app.app_context():
        emp, *_, record = _seed(app)
        data, body = export_zip("employee", str(emp.pk))
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        names = set(zf.namelist())
        assert {"daten.json", "zusammenfassung.pdf"} <= names
        assert zf.read(f"archiv/{record.pk}-vertrag.pdf") == PDF
        payload = json.loads(zf.read("daten.json"))
        assert payload["person"]["last_name"] == "Schröder"
        assert payload["person"]["personnel_no"] == "P-4711"
        assert "Fremdes Ticket" not in zf.read("daten.json").decode()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
            zf.read("zusammenfassung.pdf"))).pages)
    assert "Auskunft nach Art. 15 DSGVO" in text and "Schröder" in text
    assert "tickets" in text


def test_unknown_person_and_kind_are_refused(app):
    with app.app_context():
        with pytest.raises(BusinessRuleError, match="Keine Person"):
            collect("employee", "P-9999")
        with pytest.raises(BusinessRuleError, match="Unbekannte Art"):
            collect("nachbar", "x")
        with pytest.raises(BusinessRuleError, match="noch keine Daten"):
            collect("applicant", "x")


def test_cli_writes_the_zip(app, runner, tmp_path):
    with app.app_context():
        _seed(app)
    out = tmp_path / "auskunft.zip"
    result = runner.invoke(args=["privacy", "export", "user",
                                 "ida.schroeder@firma.example.com", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "users=1" in result.output and "tickets=1" in result.output
    assert zipfile.ZipFile(out).testzip() is None


def test_bank_lines_and_supplier_invoices_are_found_by_iban_and_reference(app):
    """Payers and payees appear in bank statements only by name and IBAN."""
    import mongoengine as me
    from bson import ObjectId

    from tests.factories import make_supplier

    with app.app_context():
        emp = make_employee(personnel_no="P-9001", iban="DE02120300000000202051")
        supplier = make_supplier(supplier_no="L-77", iban="DE02100100100006820101")
        db = me.get_db()
        salary, rent, stranger = ObjectId(), ObjectId(), ObjectId()
        db.bank_transactions.insert_many([
            {"_id": salary, "counterparty_iban": "DE02120300000000202051", "amount": "-2500.00"},
            {"_id": rent, "counterparty_iban": "DE02100100100006820101", "amount": "-900.00"},
            {"_id": stranger, "counterparty_iban": "DE12500105170648489890", "amount": "1.00"}])
        invoice = ObjectId()
        db.supplier_invoices.insert_one({"_id": invoice, "supplier": supplier.pk,
                                         "number": "ER-1"})
        db.absences.insert_one({"_id": ObjectId(), "employee": emp.pk, "kind": "vacation"})
        mine = collect("employee", "P-9001").collections
        assert set(mine["bank_transactions"]) == {salary}
        assert len(mine["absences"]) == 1
        theirs = collect("supplier", "L-77").collections
        assert set(theirs["bank_transactions"]) == {rent}
        assert set(theirs["supplier_invoices"]) == {invoice}

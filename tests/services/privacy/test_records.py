"""Record of processing activities (Art. 30) and the data-breach register (Art. 33, 72 hours)."""
import io
from datetime import datetime, timedelta, timezone

import mongoengine as me
import pytest
from pypdf import PdfReader

from models.audit import AuditEntry
from models.privacy import DataBreach, ProcessingActivity
from seeds.privacy import seed_processing_activities
from services.core.tasks import tasks_for
from services.privacy.registry import PERSONAL_DATA
from services.privacy.tasks import open_breaches
from tests.conftest import csrf_token_from
from tests.factories import make_employee, make_user

UTC = timezone.utc
AWARE = datetime(2026, 11, 27, 9, 15, tzinfo=UTC)


def test_the_record_is_seeded_once_and_edits_are_kept(app):
    with app.app_context():
        codes = {a.code for a in ProcessingActivity.objects}
        assert {"personal", "customers", "suppliers", "it-support", "users"} <= codes
        ProcessingActivity.objects(code="personal").update(set__recipients="nur Steuerbüro")
        assert seed_processing_activities() == 0
        assert ProcessingActivity.objects.get(code="personal").recipients == "nur Steuerbüro"
        for act in ProcessingActivity.objects:  # each names collections subject access knows
            assert set(act.collections) <= set(PERSONAL_DATA) | {"health_funds"}, act.code


def test_the_record_prints_as_pdf(app, client, login):
    login("auditor")
    response = client.get("/privacy/processing-activities.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Verzeichnis von Verarbeitungstätigkeiten" in text
    assert "Personalverwaltung und Lohnabrechnung" in text and "Löschfristen" in text


def _breach(**kw):
    values = dict(title="Notebook im Zug verloren", aware_at=AWARE,
                  description="unverschlüsseltes Notebook mit Lohnlisten")
    values.update(kw)
    return DataBreach(**values)


def test_72_hours_from_becoming_aware(app):
    with app.app_context():
        breach = _breach().save()
        assert breach.report_due == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
        admin, hr = make_user("admin"), make_user("hr")
        last_minute = list(open_breaches(admin, now=datetime(2026, 11, 30, 9, 15, tzinfo=UTC)))
        late = list(open_breaches(admin, now=datetime(2026, 11, 30, 9, 16, tzinfo=UTC)))
        assert [t.overdue for t in last_minute] == [False] and [t.overdue for t in late] == [True]
        assert not list(open_breaches(hr, now=AWARE))
        breach.status, breach.reported_at = "reported", AWARE + timedelta(hours=5)
        breach.save()
        assert not [t for t in tasks_for(admin).tasks if t.area == "privacy"]


def test_a_late_report_needs_its_reason_and_not_reportable_needs_one_too(app):
    with app.app_context():
        on_time = _breach(status="reported", reported_at=AWARE + timedelta(hours=72))
        on_time.save()
        late = _breach(status="reported", reported_at=AWARE + timedelta(hours=72, minutes=1))
        with pytest.raises(me.ValidationError, match="72 Stunden"):
            late.save()
        late.delay_reason = "Wochenende, Datenschutzbeauftragter erst Montag erreichbar"
        late.save()
        with pytest.raises(me.ValidationError, match="begründen"):
            _breach(status="not_reportable").save()
        with pytest.raises(me.ValidationError, match="Zeitpunkt"):
            _breach(status="reported").save()


def test_subject_access_screen_downloads_the_zip_and_logs_it(app, client, login):
    admin = login("admin")
    with app.app_context():
        emp = make_employee(personnel_no="P-777", last_name="Wagner")
    page = client.get("/privacy/subject-access")
    assert page.status_code == 200
    token = csrf_token_from(page.data)
    response = client.post("/privacy/subject-access",
                           data={"csrf_token": token, "kind": "employee", "key": "P-777"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.data[:2] == b"PK"
    with app.app_context():
        entry = AuditEntry.objects.get(action="export")
        assert entry.user == admin.email and entry.document_id == str(emp.pk)
    response = client.post("/privacy/subject-access",
                           data={"csrf_token": token, "kind": "employee", "key": "P-000"})
    assert response.status_code == 200 and b"Keine Person" in response.data

"""Recruiting: stages, hire into an employee, and the AGG deletion deadline through the
existing retention cleanup (6 months after the rejection, by hand; 12 months or the
consent's end for the talent pool)."""
import io
from datetime import date
from decimal import Decimal as D

import pytest

from models import ArchivedFile, DeletionLogEntry
from models.recruiting import Applicant, JobOpening
from services.archive.purge import purge_expired_files
from services.core.errors import BusinessRuleError
from services.hr import recruiting

HR = "hr@firma.example.com"


@pytest.fixture
def applicant(app):
    opening = JobOpening(title="Buchhaltung (m/w/d)", department="Finanzen",
                         position="Buchhalter/in").save()
    person = Applicant(opening=opening, first_name="Lea", last_name="Lang",
                       email="lea@example.org", postal_code="50667", city="Köln",
                       birth_date=date(1994, 2, 3)).save()
    for name, data in (("Anschreiben.pdf", b"%PDF-1.4 anschreiben"),
                       ("Zeugnis.pdf", b"%PDF-1.4 zeugnis")):
        recruiting.add_document(person, io.BytesIO(data), name, HR, 10**6,
                                received_on=date(2026, 1, 10))
    return person.reload()


def _kept(person) -> int:
    return ArchivedFile.objects(pk__in=[f.pk for f in person.documents]).count()


def test_files_of_a_running_procedure_are_never_deleted(applicant):
    assert purge_expired_files("far", today=date(2030, 1, 1)).deleted == 0
    assert _kept(applicant) == 2


def test_rejected_applicants_files_go_six_months_after_the_rejection(applicant):
    person = recruiting.move(applicant, "screening", HR, date(2026, 1, 20))
    person = recruiting.reject(person, HR, on=date(2026, 3, 15), note="Absage")
    assert {f.keep_until for f in ArchivedFile.objects(pk__in=[f.pk for f in person.documents])} \
        == {date(2026, 9, 15)}
    assert purge_expired_files("last-day", today=date(2026, 9, 15)).deleted == 0
    assert _kept(person) == 2
    result = purge_expired_files("next-day", today=date(2026, 9, 16))
    assert result.deleted == 2 and _kept(person) == 0
    assert DeletionLogEntry.objects(category="application").count() == 2


def test_talent_pool_consent_keeps_them_twelve_months_or_to_the_consent_end(app, applicant):
    person = recruiting.reject(applicant, HR, on=date(2026, 3, 15), consent=True)
    assert person.talent_pool_consent and person.consent_recorded_at is not None
    files = ArchivedFile.objects(pk__in=[f.pk for f in person.documents])
    assert {f.category.pk for f in files} == {"talent_pool"}
    assert {f.keep_until for f in files} == {date(2027, 3, 15)}
    assert purge_expired_files("six-months", today=date(2026, 9, 16)).deleted == 0
    assert purge_expired_files("last-day", today=date(2027, 3, 15)).deleted == 0
    assert purge_expired_files("next-day", today=date(2027, 3, 16)).deleted == 2


def test_a_consent_ending_earlier_ends_the_keeping(app):
    opening = JobOpening(title="Lager", department="Lager").save()
    person = Applicant(opening=opening, first_name="Max", last_name="Mai").save()
    recruiting.add_document(person, io.BytesIO(b"%PDF-1.4 cv"), "CV.pdf", HR, 10**6,
                            received_on=date(2026, 1, 5))
    person = recruiting.reject(person.reload(), HR, on=date(2026, 3, 15), consent=True,
                               consent_until=date(2026, 12, 31))
    assert ArchivedFile.objects.get(pk=person.documents[0].pk).keep_until == date(2026, 12, 31)
    assert purge_expired_files("consent-end", today=date(2026, 12, 31)).deleted == 0
    assert purge_expired_files("after", today=date(2027, 1, 1)).deleted == 1


def test_stages_only_forward_and_hire_only_from_an_offer(applicant):
    with pytest.raises(BusinessRuleError):
        recruiting.move(applicant, "hired", HR)
    with pytest.raises(BusinessRuleError, match="Angebot"):
        recruiting.hire(_ready(applicant), HR)
    rejected = recruiting.reject(applicant.reload(), HR, on=date(2026, 2, 1))
    with pytest.raises(BusinessRuleError):
        recruiting.move(rejected, "interview", HR)


def _ready(person):
    Applicant.objects(pk=person.pk).update_one(set__planned_personnel_no="P4711",
                                               set__planned_start=date(2026, 5, 1),
                                               set__offered_gross=D("4200.00"))
    return person.reload()


def test_hire_carries_the_data_over_and_files_into_the_personnel_file(applicant):
    person = recruiting.move(applicant, "interview", HR, date(2026, 2, 1))
    person = recruiting.move(person, "offer", HR, date(2026, 2, 15))
    with pytest.raises(BusinessRuleError, match="Personalnummer"):
        recruiting.hire(person, HR)
    employee = recruiting.hire(_ready(person), HR)
    assert (employee.personnel_no, employee.last_name, employee.city, employee.department,
            employee.hire_date, employee.monthly_gross) == (
        "P4711", "Lang", "Köln", "Finanzen", date(2026, 5, 1), D("4200.00"))
    person.reload()
    assert person.stage == "hired" and person.employee.pk == employee.pk
    files = ArchivedFile.objects(pk__in=[f.pk for f in person.documents])
    assert {f.category.pk for f in files} == {"personnel_file"}
    assert {f.keep_until for f in files} == {None} and {f.hold_reason for f in files} == {None}
    assert purge_expired_files("far", today=date(2040, 1, 1)).deleted == 0
    assert _kept(person) == 2

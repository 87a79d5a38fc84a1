"""Recruiting: stages of an applicant, documents in the archive, hire and rejection.

While the procedure runs, the applicant's files carry a hold (the cleanup skips them);
the rejection ends it: the files' document date becomes the rejection date, so the
existing retention rule of `application` (6 months, AGG § 15 (4)) deletes them through the
nightly cleanup; with talent-pool consent they move to `talent_pool` (12 months, or up to
the consent's end). On hire they become the employee's personnel file (kept, no period).
"""
from datetime import date, datetime, timezone

from models.archive import ArchivedFile, DocumentCategory
from models.employee import Employee
from models.recruiting import Applicant, StageChange
from services.archive.retention import Rule, add_months, keep_until
from services.core.messages import N_, RuleError

HOLD = "Bewerbungsverfahren läuft"
OPEN_STAGES = ("applied", "screening", "interview", "offer")
# the stages an applicant may move to from each stage
NEXT = {"applied": ("screening", "interview", "rejected"),
        "screening": ("interview", "rejected"), "interview": ("offer", "rejected"),
        "offer": ("hired", "rejected"), "hired": (), "rejected": ()}


def add_document(applicant: Applicant, stream, filename: str, by: str, max_bytes: int,
                 received_on: date | None = None) -> ArchivedFile:
    """File an application document in the archive (category application), on hold."""
    from services.archive.store import archive_file

    record = archive_file(stream, filename, category="application",
                          document_date=received_on or date.today(), uploaded_by=by,
                          max_bytes=max_bytes,
                          description=f"Bewerbung {applicant.last_name}, {applicant.first_name}")
    ArchivedFile.objects(pk=record.pk).update_one(
        set__hold_reason=HOLD, set__hold_by=by, set__hold_at=datetime.now(timezone.utc))
    Applicant.objects(pk=applicant.pk).update_one(push__documents=record.pk)
    return record.reload()


def move(applicant: Applicant, stage: str, by: str, on: date | None = None,
         note: str = "") -> Applicant:
    """Move to the next stage (compare-and-set on the current one)."""
    if stage not in NEXT.get(applicant.stage, ()):
        raise RuleError(N_("Von „%(current)s“ geht es nicht nach „%(stage)s“."),
                        current=applicant.stage, stage=stage)
    change = StageChange(stage=stage, on=on or date.today(), by=by, note=note or None)
    if not Applicant.objects(pk=applicant.pk, stage=applicant.stage).update_one(
            set__stage=stage, push__history=change):
        raise RuleError(N_("Der Bewerbungsstand wurde inzwischen geändert; bitte neu laden."))
    return applicant.reload()


def _refile(file_ids, category: str, document_date: date | None) -> None:
    """Put files into a category with a new date; keep-until from that category's rule."""
    from models.archive import RetentionRule

    rule = RetentionRule.objects(pk=category).first()
    until = keep_until(Rule(rule.period, rule.unit, rule.start, rule.fixed_start),
                       document_date) if rule and document_date else None
    changes = {"set__category": DocumentCategory.objects.get(pk=category),
               "set__keep_until": until, "set__keep_until_min": until,
               "unset__hold_reason": True, "unset__hold_by": True, "unset__hold_at": True}
    if document_date:
        changes["set__document_date"] = document_date
    ArchivedFile.objects(pk__in=list(file_ids)).update(**changes)


def reject(applicant: Applicant, by: str, on: date | None = None, note: str = "",
           consent: bool = False, consent_until: date | None = None) -> Applicant:
    """Reject: the files' deletion period starts on the rejection day (or the talent pool's)."""
    on = on or date.today()
    applicant = move(applicant, "rejected", by, on, note)
    ids = [f.pk for f in applicant.documents]
    if consent:
        Applicant.objects(pk=applicant.pk).update_one(
            set__talent_pool_consent=True, set__consent_until=consent_until,
            set__consent_recorded_at=datetime.now(timezone.utc), set__rejected_on=on)
        start = on
        if consent_until and consent_until < add_months(on, 12):
            start = add_months(consent_until, -12)   # the 12 months end on the consent's end
        _refile(ids, "talent_pool", start)
    else:
        Applicant.objects(pk=applicant.pk).update_one(set__rejected_on=on)
        _refile(ids, "application", on)
    return applicant.reload()


def hire(applicant: Applicant, by: str) -> Employee:
    """Make the applicant an employee (data carried over, files into the personnel file)."""
    missing = [label for name, label in (("planned_personnel_no", "Personalnummer"),
                                         ("planned_start", "Eintrittsdatum"),
                                         ("offered_gross", "Monatsbrutto"))
               if getattr(applicant, name) in (None, "")]
    if missing:
        raise RuleError(N_("Vor der Einstellung fehlen: %(missing)s"), missing=tuple(missing))
    if applicant.stage != "offer":
        raise RuleError(N_("Eingestellt wird aus dem Stand „Angebot“."))
    opening = applicant.opening
    employee = Employee(personnel_no=applicant.planned_personnel_no,
                        first_name=applicant.first_name, last_name=applicant.last_name,
                        email=applicant.email, phone=applicant.phone, street=applicant.street,
                        postal_code=applicant.postal_code, city=applicant.city,
                        birth_date=applicant.birth_date, hire_date=applicant.planned_start,
                        monthly_gross=applicant.offered_gross,
                        department=opening.department, position=opening.position).save()
    move(applicant, "hired", by, applicant.planned_start)
    Applicant.objects(pk=applicant.pk).update_one(set__employee=employee)
    _refile([f.pk for f in applicant.documents], "personnel_file", None)
    return employee

"""The personnel file: documents and training certificates filed in the archive.

Everything goes to the archive category `personnel_file` (readable by HR and admin only,
no deletion period of its own: it is kept until HR decides, as for hired applicants'
documents). The archive record is written first, then the personnel-file entry that names
the employee; a crash in between leaves a file in the archive that no employee lists,
never an entry without its file.
"""
from datetime import date

from models.employee import Employee
from models.personnel_file import PERSONNEL_DOCUMENT_KINDS, PersonnelDocument
from models.training import Training
from services.core.messages import N_, RuleError

CATEGORY = "personnel_file"


def add_document(employee: Employee, stream, filename: str, *, kind: str, title: str,
                 by: str, max_bytes: int, document_date: date | None = None
                 ) -> PersonnelDocument:
    """File one document in the employee's personnel file."""
    from services.archive.store import archive_file

    title = (title or "").strip()
    if employee.restricted_until is not None and employee.restricted_until >= date.today():
        raise RuleError(N_("Die Verarbeitung ist eingeschränkt (Art. 18 DSGVO, bis %(date)s): "
                           "keine neuen Dokumente in der Personalakte."),
                        date=employee.restricted_until.strftime("%d.%m.%Y"))
    if kind not in PERSONNEL_DOCUMENT_KINDS:
        raise RuleError(N_("Bitte die Art des Dokuments wählen."))
    if not title:
        raise RuleError(N_("Bitte einen Titel für das Dokument angeben."))
    name = f"{employee.last_name}, {employee.first_name} ({employee.personnel_no})"
    record = archive_file(stream, filename, category=CATEGORY,
                          document_date=document_date or date.today(), uploaded_by=by,
                          max_bytes=max_bytes, description=f"Personalakte {name}: {title}"[:500])
    return PersonnelDocument(employee=employee, file=record, kind=kind, title=title[:200],
                             uploaded_by=by).save(force_insert=True)


def add_training_certificate(training: Training, stream, filename: str, *, by: str,
                             max_bytes: int) -> PersonnelDocument:
    """File the certificate of a training; the training then points to it."""
    document = add_document(training.employee, stream, filename, kind="training_certificate",
                            title=f"Teilnahmebescheinigung: {training.title}", by=by,
                            max_bytes=max_bytes, document_date=training.date)
    PersonnelDocument.objects(pk=document.pk).update_one(set__training=training)
    Training.objects(pk=training.pk).update_one(set__certificate=document.file)
    return document.reload()


def documents_of(employee: Employee) -> list[PersonnelDocument]:
    """The employee's personnel file, newest first."""
    return list(PersonnelDocument.objects(employee=employee.pk).order_by("-uploaded_at"))

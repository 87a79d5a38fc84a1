"""The personnel file: an employee's documents, each an archived file (category personnel_file)."""
import mongoengine as me

from models.archive import ArchivedFile
from models.base import utcnow
from models.employee import Employee
from models.training import Training

PERSONNEL_DOCUMENT_KINDS = ("employment_contract", "qualification", "training_certificate",
                            "other")


class PersonnelDocument(me.Document):
    """One document in an employee's personnel file; the content lives in the archive."""

    employee = me.ReferenceField(Employee, required=True)
    file = me.ReferenceField(ArchivedFile, required=True)
    kind = me.StringField(required=True, choices=PERSONNEL_DOCUMENT_KINDS)
    title = me.StringField(required=True, max_length=200)
    training = me.ReferenceField(Training)          # the training a certificate proves
    uploaded_by = me.StringField(required=True)
    uploaded_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "personnel_documents", "ordering": ["-uploaded_at"],
            "indexes": ["employee", "training"]}

    def __str__(self):
        return self.title

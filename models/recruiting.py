"""Recruiting: job openings and applicants with their stages and documents."""
import mongoengine as me

from models.archive import ArchivedFile
from models.base import TimestampedDocument
from models.employee import Employee
from models.fields import MoneyField

OPENING_STATUSES = ("open", "on_hold", "closed")
STAGES = ("applied", "screening", "interview", "offer", "hired", "rejected")


class JobOpening(TimestampedDocument):
    title = me.StringField(required=True, max_length=120)
    department = me.StringField(max_length=80)
    position = me.StringField(max_length=80)
    status = me.StringField(required=True, default="open", choices=OPENING_STATUSES)
    opened_on = me.DateField()

    meta = {"collection": "job_openings", "ordering": ["-created_at"], "indexes": ["status"]}

    def __str__(self):
        return self.title


class StageChange(me.EmbeddedDocument):
    stage = me.StringField(required=True, choices=STAGES)
    on = me.DateField(required=True)
    by = me.StringField(max_length=120)
    note = me.StringField(max_length=500)


class Applicant(TimestampedDocument):
    opening = me.ReferenceField(JobOpening, required=True)
    first_name = me.StringField(required=True, max_length=80)
    last_name = me.StringField(required=True, max_length=80)
    email = me.EmailField()
    phone = me.StringField(max_length=40)
    street = me.StringField(max_length=120)
    postal_code = me.StringField(regex=r"^\d{5}$", max_length=5)
    city = me.StringField(max_length=80)
    birth_date = me.DateField()
    stage = me.StringField(required=True, default="applied", choices=STAGES)
    history = me.EmbeddedDocumentListField(StageChange)
    documents = me.ListField(me.ReferenceField(ArchivedFile))
    # talent pool: consent recorded (GDPR Art. 7), kept 12 months or to the consent's end
    talent_pool_consent = me.BooleanField(default=False)
    consent_until = me.DateField()
    consent_recorded_at = me.DateTimeField()
    rejected_on = me.DateField()
    # filled in before hiring
    planned_personnel_no = me.StringField(max_length=20)
    planned_start = me.DateField()
    offered_gross = MoneyField(min_value=0, max_value=1_000_000)
    employee = me.ReferenceField(Employee)

    meta = {"collection": "applicants", "ordering": ["-created_at"],
            "indexes": ["opening", "stage"]}

    def __str__(self):
        return f"{self.last_name}, {self.first_name}"

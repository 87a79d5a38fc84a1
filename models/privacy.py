"""Data protection records: processing activities (Art. 30 DSGVO) and data breaches (Art. 33)."""
from datetime import timedelta

import mongoengine as me

from models.base import utcnow
from models.messages import N_, invalid

BREACH_STATUSES = ("open", "reported", "not_reportable", "closed")
REPORT_WITHIN = timedelta(hours=72)  # Art. 33 (1): after becoming aware of it


class ProcessingActivity(me.Document):
    """One entry of the record of processing activities (Verzeichnis, Art. 30 (1))."""

    code = me.StringField(primary_key=True, max_length=40)
    name = me.StringField(required=True, max_length=200)
    purpose = me.StringField(required=True)
    legal_basis = me.StringField(required=True, max_length=200)
    data_subjects = me.StringField(required=True)       # categories of data subjects
    data_categories = me.StringField(required=True)     # categories of personal data
    recipients = me.StringField()
    third_country_transfers = me.StringField(default="keine")
    deletion_periods = me.StringField(required=True)    # with the retention rules named
    retention_categories = me.ListField(me.StringField(max_length=40))
    toms = me.StringField(required=True)                 # technical and organisational measures
    collections = me.ListField(me.StringField(max_length=60))
    updated_at = me.DateTimeField(default=utcnow)

    meta = {"collection": "processing_activities", "ordering": ["code"]}

    def __str__(self):
        return self.name


class DataBreach(me.Document):
    """A personal-data breach (Art. 33 (5): every breach is documented, reported or not)."""

    title = me.StringField(required=True, max_length=200)
    aware_at = me.DateTimeField(required=True)           # the 72 hours start here
    occurred_at = me.DateTimeField()
    description = me.StringField(required=True)
    data_categories = me.StringField()
    data_subjects = me.StringField()
    affected_count = me.IntField(min_value=0)
    consequences = me.StringField()
    measures = me.StringField()
    status = me.StringField(required=True, default="open", choices=BREACH_STATUSES)
    reported_at = me.DateTimeField()
    authority_reference = me.StringField(max_length=120)
    delay_reason = me.StringField()                      # Art. 33 (1): a late report says why
    not_reportable_reason = me.StringField()
    subjects_informed_at = me.DateTimeField()            # Art. 34
    created_by = me.StringField()

    meta = {"collection": "data_breaches", "ordering": ["-aware_at"],
            "indexes": ["status", "-aware_at"]}

    @property
    def report_due(self):
        return self.aware_at + REPORT_WITHIN if self.aware_at else None

    def clean(self):
        if self.status == "reported" and not self.reported_at:
            raise invalid("reported_at", N_("Gemeldet: bitte den Zeitpunkt der Meldung angeben."))
        if self.status == "not_reportable" and not (self.not_reportable_reason or "").strip():
            raise invalid("not_reportable_reason", N_("Nicht meldepflichtig: bitte begründen "
                                                      "(Art. 33 Abs. 5)."))
        if (self.reported_at and self.report_due and _aware(self.reported_at) > _aware(
                self.report_due) and not (self.delay_reason or "").strip()):
            raise invalid("delay_reason", N_("Nach mehr als 72 Stunden gemeldet: bitte den Grund "
                                             "der Verzögerung angeben (Art. 33 Abs. 1)."))

    def __str__(self):
        return self.title


def _aware(moment):
    from datetime import timezone
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment

"""The audit log: who changed which document, when, and from what to what."""
from datetime import datetime, timezone

import mongoengine as me

from models.frozen import AppendOnlyQuerySet
from models.messages import N_, invalid


class FieldChange(me.EmbeddedDocument):
    field = me.StringField(required=True)
    old = me.StringField()
    new = me.StringField()


class AuditEntry(me.Document):
    at = me.DateTimeField(required=True, default=lambda: datetime.now(timezone.utc))
    user = me.StringField(required=True)
    # "export": personal data handed out (subject access, Art. 15 DSGVO);
    # "reveal": a licence key shown in clear (services.it.licences)
    action = me.StringField(required=True, choices=("create", "update", "delete", "export",
                                                    "reveal"))
    collection = me.StringField(required=True)
    document_id = me.StringField(required=True)
    label = me.StringField()
    changes = me.EmbeddedDocumentListField(FieldChange)

    meta = {"collection": "audit_log", "indexes": ["-at", "collection", "document_id", "user", "label"],
            "ordering": ["-at"], "queryset_class": AppendOnlyQuerySet}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise invalid(None, N_("Einträge des Änderungsprotokolls können nicht geändert "
                                   "werden."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise invalid(None, N_("Einträge des Änderungsprotokolls können nicht gelöscht werden."))

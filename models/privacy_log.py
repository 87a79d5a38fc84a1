"""The erasure log (Art. 17 DSGVO): what was deleted, what is kept restricted until when.

It names the person only by collection, _id and personnel number (a pseudonym), never by
name, so the log itself does not undo the erasure. Entries are never changed.
"""
from datetime import datetime, timezone

import mongoengine as me

from models.frozen import AppendOnlyQuerySet
from models.messages import N_, invalid

ERASURE_STEPS = ("restricted", "erased", "anonymised")


class ErasureLogEntry(me.Document):
    at = me.DateTimeField(required=True, default=lambda: datetime.now(timezone.utc))
    collection = me.StringField(required=True)
    document_id = me.StringField(required=True)
    pseudonym = me.StringField()
    step = me.StringField(required=True, choices=ERASURE_STEPS)
    fields = me.ListField(me.StringField())
    restricted_until = me.DateField()
    legal_basis = me.StringField()
    reason = me.StringField()
    by = me.StringField(required=True)

    meta = {"collection": "privacy_erasure_log", "ordering": ["-at"],
            "indexes": ["document_id", "-at"], "queryset_class": AppendOnlyQuerySet}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise invalid(None, N_("Einträge des Löschprotokolls können nicht geändert werden."))
        return super().save(*args, **kwargs)

"""Behaviour shared by the business documents."""
from datetime import datetime, timezone

import mongoengine as me

from models.messages import N_, Message, invalid, reason


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TimestampedDocument(me.Document):
    """A document that remembers when it was created and last changed."""

    created_at = me.DateTimeField(default=utcnow)
    updated_at = me.DateTimeField(default=utcnow)

    meta = {"abstract": True}

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    def validate(self, clean=True):
        """Refuse blank required text (mongoengine lets an empty string through)."""
        for name, field in self._fields.items():
            # A form sends "" for an untouched optional field: store it as absent.
            if isinstance(field, me.StringField) and not field.required \
                    and isinstance(getattr(self, name), str) and not getattr(self, name).strip():
                setattr(self, name, None)
        blank = {name: Message(N_("Pflichtfeld: bitte ausfüllen"))
                 for name, field in self._fields.items()
                 if field.required and isinstance(getattr(self, name), str)
                 and not getattr(self, name).strip()}
        if blank:
            raise me.ValidationError(
                Message(N_("Pflichtfelder leer: %(fields)s"), fields=", ".join(blank)),
                errors=blank)
        return super().validate(clean=clean)


def clean_iban(doc, field="iban"):
    """Normalise an IBAN field in place or raise a ValidationError on that field."""
    from models.validators import normalize_iban

    value = getattr(doc, field)
    if value:
        try:
            setattr(doc, field, normalize_iban(value))
        except ValueError as exc:
            raise invalid(field, reason(exc)) from None


def clean_vat_id_and_postal_code(doc) -> None:
    """Normalise the VAT ID and check a German postal code, as ValidationErrors on the field."""
    from models.validators import normalize_vat_id

    if doc.vat_id:
        try:
            doc.vat_id = normalize_vat_id(doc.vat_id)
        except ValueError as exc:
            raise invalid("vat_id", reason(exc)) from None
    if doc.country == "DE" and doc.postal_code and not (
            doc.postal_code.isdigit() and len(doc.postal_code) == 5):
        raise invalid("postal_code", N_("Die Postleitzahl '%(value)s' muss in Deutschland fünf "
                                        "Ziffern haben"), value=doc.postal_code)

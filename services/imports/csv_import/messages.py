"""Turn model validation errors (per field) into short messages a German clerk can act on."""
import re

import mongoengine as me

from services.core.formatting import format_decimal_de

# (pattern on the English message, German text; {0}.. are the pattern's groups)
_TRANSLATIONS = (
    (r"Field is required|must not be empty|Pflichtfeld: bitte ausfüllen", "Pflichtfeld ist leer."),
    (r"String value is too long", "zu lang (höchstens {max_length} Zeichen)."),
    (r"String value is too short", "zu kurz."),
    (r"Invalid email address: .*|Invalid email.*", "keine gültige E-Mail-Adresse."),
    (r"Value must be one of (.*)", "Wert ist nicht erlaubt (erlaubt: {choices})."),
    (r"Integer value is too small", "zu klein (mindestens {min_value})."),
    (r"Integer value is too large", "zu groß (höchstens {max_value})."),
    (r"at most (\d+) decimal places allowed", "höchstens {0} Nachkommastellen erlaubt."),
    (r"must be at least (.*)", "muss mindestens {0} sein."),
    (r"must be at most (.*)", "darf höchstens {0} sein."),
    # the models' own German messages (models.validators), shortened for the report
    (r"Die IBAN .* ist ungültig: die Prüfziffer stimmt nicht.*", "Prüfsumme ungültig."),
    (r"Die IBAN .* ist ungültig: die Länge stimmt nicht.*",
     "Länge ungültig (eine deutsche IBAN hat 22 Stellen)."),
    (r"Die IBAN .* ist ungültig: das Länderkürzel ist unbekannt.*", "unbekannter Ländercode."),
    (r"Die IBAN .* ist ungültig: die Prüfziffer der Kontonummer.*",
     "Prüfziffer der Kontonummer ungültig."),
    (r"Die IBAN .* ist ungültig: die Bankleitzahl ist unbekannt.*", "unbekannte Bankleitzahl."),
    (r"Die IBAN .* ist ungültig: .*", "keine gültige IBAN."),
    (r"Die USt-IdNr\. .* ist ungültig.*", "keine gültige USt-IdNr. (erwartet z. B. DE123456789)."),
    (r"Die Postleitzahl .* muss in Deutschland fünf Ziffern haben",
     "eine deutsche PLZ hat fünf Ziffern."),
    (r"Das Austrittsdatum liegt vor dem Eintrittsdatum.*", "liegt vor dem Eintrittsdatum."),
    (r"Kinderfreibeträge bitte in Schritten von 0,5.*", "nur in Schritten von 0,5."),
)
_REGEX_MESSAGES = {
    "postal_code": "eine PLZ hat fünf Ziffern.",
    "country": "Ländercode aus zwei Großbuchstaben, z. B. DE.",
    "account": "Kontonummer aus 4 bis 8 Ziffern.",
}
_COMPILED = tuple((re.compile(pattern), text) for pattern, text in _TRANSLATIONS)


def field_messages(error: me.ValidationError, document_class) -> dict[str, str]:
    """Return model field name → German message for every field the error names."""
    details = _details(error)
    if not details:
        return {"": translate(error.message or str(error), None)}
    return {name: translate(text, document_class._fields.get(name), name)
            for name, text in details.items()}


def _details(error: me.ValidationError) -> dict[str, str]:
    """Return field → English message; a clean() error under '__all__' names its own field."""
    details = {}
    for name, inner in (error.errors or {}).items():
        if name == "__all__" and isinstance(inner, me.ValidationError) and inner.errors:
            details.update(_details(inner))
        elif name == "__all__":
            details[""] = getattr(inner, "message", None) or str(inner)
        elif isinstance(inner, me.ValidationError):
            details[name] = _flatten(inner.to_dict()) if inner.errors else inner.message
        else:
            details[name] = _flatten(inner)
    return details


def translate(message: str, field=None, name: str = "") -> str:
    """Return the German text of one English validation message."""
    if "did not match validation regex" in message:
        return _REGEX_MESSAGES.get(name, "hat nicht das erwartete Format.")
    for pattern, text in _COMPILED:
        match = pattern.fullmatch(message.strip())
        if match:
            return text.format(*match.groups(), **_field_facts(field))
    return message


def _field_facts(field) -> dict:
    facts = {"max_length": "?", "min_value": "?", "max_value": "?", "choices": "?"}
    if field is None:
        return facts
    for name in ("max_length", "min_value", "max_value"):
        value = getattr(field, name, None)
        if value is not None:
            facts[name] = format_decimal_de(value, 0) if isinstance(value, int) else value
    choices = getattr(field, "choices", None)
    if choices:
        facts["choices"] = ", ".join(c[0] if isinstance(c, (tuple, list)) else str(c) for c in choices)
    return facts


def _flatten(value) -> str:
    if isinstance(value, dict):
        return "; ".join(_flatten(v) for v in value.values())
    return str(value)

"""German validation messages of the models, translatable where they are shown.

A model's clean() says in German what to fix. The text is a message id (marked with
`N_` for `make translations`, English in translations/en.tsv); `Message` keeps the id and
its parameters next to the filled-in German text, so a view shows it in the user's
language (views.i18n.translated), while the API and the logs see the German text.
"""
import mongoengine as me


def N_(msgid: str) -> str:
    """Mark a message id for extraction; returns it unchanged."""
    return msgid


class Message(str):
    """The German text, filled in, carrying `msgid` and `params` for translation."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid, message.params = msgid, params
        return message


class Messages(str):
    """Several messages joined with "; ", each kept (`parts`) for translation."""

    parts: list

    def __new__(cls, parts):
        joined = super().__new__(cls, "; ".join(parts))
        joined.parts = list(parts)
        return joined


def invalid(field: str | None, msgid: str, **params) -> me.ValidationError:
    """A ValidationError on `field` (None: on the whole record) with the German message."""
    message = msgid if isinstance(msgid, Message) else Message(msgid, **params)
    return me.ValidationError(message, errors={field: message} if field else {})


def reason(exc: Exception) -> str:
    """The message a validator raised (a `Message` stays one, for translation)."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Message) else str(exc)

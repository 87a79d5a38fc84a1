"""Business-rule errors whose text the UI can translate (services import no Flask).

The German text is the message id; `N_` marks it for `make translations`; the view
shows `gettext(msgid, **params)` in the user's language (views.i18n.translated).
"""
from services.core.errors import BusinessRuleError


def N_(msgid: str) -> str:
    """Mark a message id for extraction; returns it unchanged."""
    return msgid


class RuleError(BusinessRuleError):
    """A BusinessRuleError carrying its message id and parameters."""

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params
        super().__init__(msgid % join_lists(params) if params else msgid)


def join_lists(params: dict, each=lambda text: text) -> dict:
    """Parameters for formatting: tuples become 'a, b', every text passed through `each`."""
    return {k: ", ".join(each(x) for x in v) if isinstance(v, tuple)
            else each(v) if isinstance(v, str) and v else v for k, v in params.items()}

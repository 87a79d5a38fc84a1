"""UI language: German by default, English per user or by the browser's Accept-Language."""
from flask import Blueprint, redirect, request, session, url_for
from flask_babel import format_date, format_decimal, gettext, lazy_gettext
from flask_login import current_user, login_required

bp = Blueprint("i18n", __name__)
LANGUAGES = ("de", "en")
_ = gettext
_l = lazy_gettext


def select_locale() -> str:
    """The user's saved choice, else the browser's preference, else German."""
    choice = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    if choice in LANGUAGES:
        return choice
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES, default="de") if request else "de"


@bp.route("/language", methods=["POST"])
@login_required
def set_language():
    """Save the chosen UI language on the user and go back."""
    from models.user import User

    choice = request.form.get("locale")
    if choice in LANGUAGES:
        User.objects(pk=current_user.pk).update_one(set__locale=choice)
        session["locale"] = choice
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("admin.index")
    return redirect(target)


def money(value) -> str:
    """1.234,56 € — the German format in both languages, as the business asked."""
    from services.core.formatting import format_money_de
    return "" if value is None else format_money_de(value)


def init_app(app) -> None:
    """Register the template helpers."""
    from flask_babel import get_locale

    from views.frame import brand_name, role_labels, short_money, view_url

    app.jinja_env.globals.update(money=money, LANGUAGES=LANGUAGES, get_locale=get_locale,
                                 brand_name=brand_name, role_labels=role_labels,
                                 short_money=short_money, view_url=view_url)
    from services.core.formatting import format_date_de, format_decimal_de, format_iban
    app.jinja_env.filters.update(de_date=format_date_de, de_decimal=format_decimal_de, iban=format_iban,
                                 money=money, de_datetime=de_datetime, unit_label=unit_label)


def unit_label(code) -> str:
    """A Rec 20 unit code as its name in the user's language ('H87' -> 'Stück' / 'piece')."""
    from flask_babel import get_locale

    from services.core.units import unit_name

    if not code:
        return ""
    return unit_name(code, "en" if str(get_locale()) == "en" else "de")


def de_datetime(value) -> str:
    """31.12.2026 14:05 in Europe/Berlin (stored times are UTC)."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")


__all__ = ["_", "_l", "format_date", "format_decimal", "select_locale", "init_app",
           "translated"]


def translated(error: Exception) -> str:
    """A business-rule error's (or a model's validation message's, models.messages) text in
    the user's language (see services.core.messages)."""
    parts = getattr(error, "parts", None)
    if parts is not None:
        return "; ".join(translated(part) for part in parts)
    msgid = getattr(error, "msgid", None)
    if msgid is None:
        return gettext(str(error))
    from services.core.messages import join_lists

    # Labels passed as parameters (e.g. ticket statuses) are message ids too.
    return gettext(msgid, **join_lists(error.params, gettext))


# Labels services pass as message parameters (services.operations.tickets.STATUS_LABELS, ...),
# listed so that extraction finds them.
PARAMETER_LABELS = (
    _l("neu"), _l("in Bearbeitung"), _l("wartet"), _l("gelöst"), _l("geschlossen"),
    _l("wiedereröffnet"), _l("keine"),
    # import targets (services.imports.csv_import.specs labels)
    _l("Mitarbeiter"), _l("Lieferanten"), _l("Artikel"), _l("Tickets"), _l("Buchungen"),
    # month names (services.payroll.render.MONTHS)
    _l("Januar"), _l("Februar"), _l("März"), _l("April"), _l("Mai"), _l("Juni"), _l("Juli"),
    _l("August"), _l("September"), _l("Oktober"), _l("November"), _l("Dezember"),
)

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


def ui_locale() -> str:
    """'en' on an English page, else 'de' (also outside a request: CLI, jobs, and while a
    CSV export is written: g.format_locale, German CSV convention)."""
    from flask import g, has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return "de"
    if g.get("format_locale"):
        return g.format_locale
    return "en" if str(get_locale() or "de").startswith("en") else "de"


def money(value) -> str:
    """An amount in the page's language: 1.234,56 € in German, €1,234.56 in English."""
    from services.core.formatting import format_money
    return "" if value is None else format_money(value, ui_locale())


def number(value, places: int = 2) -> str:
    """A number in the page's language: 1.234,50 / 1,234.50."""
    from services.core.formatting import format_number
    return "" if value is None else format_number(value, places, ui_locale())


def qty(value) -> str:
    """A quantity without needless decimals in the page's language: 12 / 2,5 / 2.5."""
    if value is None:
        return ""
    text = number(value, 3)
    mark = "." if ui_locale() == "en" else ","
    return text.rstrip("0").rstrip(mark) if mark in text else text


def day(value) -> str:
    """A date in the page's language: 31.12.2026 / 2026-12-31 (also from ISO text)."""
    from datetime import date

    from services.core.formatting import format_day
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_day(value, ui_locale())


def date_placeholder() -> str:
    """What a date field asks for in the page's language: TT.MM.JJJJ / YYYY-MM-DD."""
    return "YYYY-MM-DD" if ui_locale() == "en" else str(_l("TT.MM.JJJJ"))


def init_app(app) -> None:
    """Register the template helpers."""
    from flask_babel import get_locale

    from views.frame import brand_name, cached_menu, role_labels, short_money, view_url

    app.jinja_env.globals.update(money=money, number=number, date_placeholder=date_placeholder,
                                 LANGUAGES=LANGUAGES, get_locale=get_locale,
                                 brand_name=brand_name, role_labels=role_labels,
                                 short_money=short_money, view_url=view_url,
                                 cached_menu=cached_menu)
    from services.core.formatting import format_iban

    # de_date, de_decimal and de_datetime keep their names from when every page was German;
    # they follow the page's language (PDF templates have their own environments).
    app.jinja_env.filters.update(de_date=day, de_decimal=number, iban=format_iban,
                                 money=money, de_datetime=de_datetime, unit_label=unit_label,
                                 number=number, day=day, day_month=day_month, qty=qty)


def unit_label(code) -> str:
    """A Rec 20 unit code as its name in the user's language ('H87' -> 'Stück' / 'piece';
    German in a CSV export, see ui_locale)."""
    from services.core.units import unit_name

    if not code:
        return ""
    return unit_name(code, ui_locale())


def day_month(value) -> str:
    """A chart's day label: 12.10. in German, Oct 12 in English."""
    if ui_locale() == "en":
        from babel.dates import format_date as babel_date
        return babel_date(value, "MMM d", locale="en")
    return value.strftime("%d.%m.")


def de_datetime(value) -> str:
    """31.12.2026 14:05 (English: 2026-12-31 14:05) in Europe/Berlin (stored times are UTC)."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from services.core.formatting import format_day_time

    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_day_time(value.astimezone(ZoneInfo("Europe/Berlin")), ui_locale())


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

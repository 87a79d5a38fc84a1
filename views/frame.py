"""One page frame for every screen: Flask-Admin's layout with main menu, user, language and log-out."""
import logging

from flask import current_app, render_template
from markupsafe import Markup

log = logging.getLogger(__name__)


def render_page(template: str, **context) -> str:
    """Render a screen inside the panel's frame (the same base template as the admin views)."""
    return current_app.extensions["admin"][0].index_view.render(template, framed=True, **context)


def render_error(template: str, **context) -> str:
    """Render an error page in the frame; without it when the frame itself cannot be drawn.

    The frame asks for the logged-in user and the menu; with the database down (503) or a
    broken request that can fail, and an error page must still answer.
    """
    try:
        return render_page(template, **context)
    except Exception:  # the bare page is the last resort, never a second error
        log.warning("error page %s rendered without the frame", template, exc_info=True)
        return render_template(template, framed=False, **context)


def brand_name() -> str:
    """The company's name from its master data for the page header; "Backoffice" before."""
    from flask import g

    if "brand_name" not in g:
        try:
            from models.company import Company

            company = Company.current()
        except Exception:  # the header of an error page must not need the database
            log.warning("company name not readable for the page header", exc_info=True)
            company = None
        g.brand_name = company.name if company and company.name else "Backoffice"
    return g.brand_name


def role_labels(roles) -> str:
    """A user's roles as labels ("Finanzen, Prüfung"), not as codes."""
    from admin.labels import code_label

    return ", ".join(str(code_label(role)) for role in roles or ())


def short_money(value) -> str:
    """An axis label for an amount: 12.500 €, 1,2 Mio. € (English: €12,500, €1.2M)."""
    from decimal import Decimal

    from flask_babel import get_locale

    from services.core.formatting import format_number

    value = Decimal(str(value))
    locale = "en" if str(get_locale() or "de").startswith("en") else "de"
    english = locale == "en"
    if value >= 1_000_000:
        text = format_number(value / 1_000_000, 1, locale)
        return f"€{text}M" if english else f"{text} Mio. €"
    text = format_number(value.quantize(Decimal(1)), 0, locale)
    return f"€{text}" if english else f"{text} €"


MENU_CACHE_SIZE = 4096


def cached_menu(part: str, render, admin_view) -> Markup:
    """The HTML of a menu of the frame, rendered once per role set, language and page.

    Building the menu asks every view whether the user may open it and translates every
    entry: about a fifth of a list page's rendering. What it shows depends only on the
    user's roles (every menu entry's access rule is a role check: admin/*.py), the page's
    language, which page is active and the path the app is mounted under; those are the
    key. `render` is the layout's macro that builds it; anonymous pages are not cached.
    """
    from flask import request
    from flask_babel import get_locale
    from flask_login import current_user

    if not current_user.is_authenticated:
        return render()
    key = (part, tuple(sorted(current_user.roles or ())), str(get_locale()),
           admin_view.endpoint, request.script_root)
    cache = current_app.extensions.setdefault("backoffice_menu_cache", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MENU_CACHE_SIZE:
            cache.clear()
        html = cache[key] = Markup(str(render()))
    return html


def view_url(endpoint: str, **values):
    """The URL of an admin view if the current user may open it, else None (tiles link only
    where the user may go)."""
    from flask import url_for

    for view in current_app.extensions["admin"][0]._views:
        if view.endpoint == endpoint.split(".", 1)[0]:
            return url_for(endpoint, **values) if view.is_accessible() else None
    return None


def role_guard(readers: tuple[str, ...], writers: tuple[str, ...]):
    """A before_request check: anonymous visitors log in, readers GET, writers also POST."""
    from flask import abort, redirect, request, url_for
    from flask_login import current_user

    def guard():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if not current_user.has_role(*readers):
            abort(403)
        if request.method != "GET" and not current_user.has_role(*writers):
            abort(403)
        return None
    return guard

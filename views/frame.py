"""One page frame for every screen: Flask-Admin's layout with main menu, user, language and log-out."""
import logging

from flask import current_app, render_template

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

"""The subscribable iCal feed of the compliance calendar: a secret URL per user, no log-in."""
from flask import Blueprint, Response, abort, current_app
from flask_babel import force_locale

from services.compliance.feed import feed_items, user_for_token
from services.compliance.ical import to_ical
from views.i18n import _, gettext

bp = Blueprint("calendar_feed", __name__)


@bp.route("/calendar/feed/<token>.ics")
def feed(token):
    """The user's deadlines as iCalendar; an unknown, revoked or deactivated link answers 404."""
    user = user_for_token(token)
    if user is None:
        abort(404)
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "de")):
        body = to_ical(feed_items(user), lambda item: gettext(item.title, **item.params),
                       name=_("Fristenkalender"),
                       base_url=current_app.config.get("PUBLIC_URL", ""))
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, no-store",
                             "Referrer-Policy": "no-referrer"})

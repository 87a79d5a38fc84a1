"""Friendly error pages and security headers for every response."""
import logging
import re
import secrets
import time

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

from views.frame import render_error
from views.params import refuse_nul_bytes

bp = Blueprint("errors", __name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Only the app itself: scripts from our origin or carrying this request's nonce; inline
# style attributes stay allowed (Flask-Admin's markup uses them), nothing else inline.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def csp_nonce() -> str:
    """The nonce of this request, for the few inline scripts (Flask-Admin's, ours)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


@bp.app_context_processor
def inject_csp_nonce():
    return {"csp_nonce": csp_nonce}


@bp.before_app_request
def refuse_hostile_values():
    refuse_nul_bytes()


@bp.app_errorhandler(413)
def upload_too_large(error):
    """Refuse an oversized upload with the limit, before anything is stored."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 2**10:g} KB"
    return render_error("errors/413.html", limit=size), 413


@bp.app_errorhandler(ServerSelectionTimeoutError)
@bp.app_errorhandler(ConnectionFailure)
def database_unavailable(error):
    """Answer 503 with a page that says what happened, never a stack trace."""
    return render_error("errors/503.html"), 503


@bp.app_errorhandler(400)
def bad_request(error):
    """A malformed request gets the normal error page, in the frame."""
    return render_error("errors/400.html"), 400


@bp.app_errorhandler(404)
def not_found(error):
    """An unknown address or record: the normal error page with the way back."""
    if request.path.startswith("/api/"):
        from views.api import api_not_found
        return api_not_found()
    return render_error("errors/404.html"), 404


@bp.app_errorhandler(500)
def internal_error(error):
    """An unexpected error: logged with its trace, the user sees a page, never a trace."""
    return render_error("errors/500.html"), 500


access_log = logging.getLogger("backoffice.access")
INLINE_HANDLER = re.compile(r'(<[^>]*?\s)onclick="')


def _disarm_inline_handlers(response) -> None:
    """Rename Flask-Admin's inline onclick attributes; static/js/csp-compat.js runs them."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return
    html = response.get_data(as_text=True)
    if 'onclick="' in html:
        response.set_data(INLINE_HANDLER.sub(r'\1data-onclick="', html))


@bp.before_app_request
def start_timer():
    g.request_started = time.perf_counter()


@bp.after_app_request
def add_security_headers(response):
    """Set the headers that keep the panel out of frames and sniffing; log the request."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    _disarm_inline_handlers(response)
    if current_app.config.get("ACCESS_LOG", True) and not request.path.startswith(
            ("/static/", "/admin/static/")):
        started = g.get("request_started", time.perf_counter())
        access_log.info("request", extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": current_user.get_id() if current_user and current_user.is_authenticated
            else None, "remote_addr": request.remote_addr})
    return response

"""Friendly error pages and security headers for every response."""
import logging
import time

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

bp = Blueprint("errors", __name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": ("frame-ancestors 'none'; object-src 'none'; "
                                "base-uri 'self'; form-action 'self'"),
}


@bp.app_errorhandler(ServerSelectionTimeoutError)
@bp.app_errorhandler(ConnectionFailure)
def database_unavailable(error):
    """Answer 503 with a page that says what happened, never a stack trace."""
    return render_template("errors/503.html"), 503


access_log = logging.getLogger("backoffice.access")


@bp.before_app_request
def start_timer():
    g.request_started = time.perf_counter()


@bp.after_app_request
def add_security_headers(response):
    """Set the headers that keep the panel out of frames and sniffing; log the request."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("ACCESS_LOG", True) and not request.path.startswith(
            ("/static/", "/admin/static/")):
        started = g.get("request_started", time.perf_counter())
        access_log.info("request", extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": current_user.get_id() if current_user and current_user.is_authenticated
            else None, "remote_addr": request.remote_addr})
    return response

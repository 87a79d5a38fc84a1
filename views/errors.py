"""Friendly error pages and security headers for every response."""
from flask import Blueprint, render_template
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


@bp.after_app_request
def add_security_headers(response):
    """Set the headers that keep the panel out of frames and sniffing."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response

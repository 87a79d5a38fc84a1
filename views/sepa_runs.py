"""The act and download handling shared by the payment-run and direct-debit screens."""
from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from views.archive import content_disposition
from views.i18n import translated


def act(run, handlers: dict, released: str, endpoint: str):
    """Run the form's action on a run: handlers[action](user, version); back to the run.

    An unknown action is a 400; a refused one is flashed with its reason; a release is
    confirmed with `released`.
    """
    action, user = request.form.get("action"), current_user.email
    try:
        version = int(request.form.get("version") or 0)
        if action not in handlers:
            abort(400)
        handlers[action](user, version)
        if action == "release":
            flash(released, "success")
    except (ValueError, BusinessRuleError) as exc:
        flash(translated(exc), "error")
    return redirect(url_for(endpoint, run_id=run.pk))


def released_file(run, file_id, filename: str) -> Response:
    """A released run's archived XML file (validated by its XSD on release); else 404."""
    if run.status != "released" or not file_id:
        abort(404)
    response = Response(read_file(file_id), mimetype="application/xml")
    response.headers["Content-Disposition"] = content_disposition(filename, False)
    return response

"""DATEV hand-off screen: export a period (ZIP of both EXTF files) and the list of past exports."""
import io
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from models.datev_export import DatevExport
from services.core.errors import BusinessRuleError
from services.core.formatting import parse_date
from services.ledger.datev_export import export_period
from views.frame import render_page
from views.i18n import _, translated
from views.ledger import CLOSERS, finance_readers

bp = Blueprint("datev", __name__, url_prefix="/datev")


@bp.route("/", methods=["GET", "POST"])
@finance_readers
def index():
    """Past exports; admin and finance export a period (the download is a ZIP)."""
    if request.method == "POST":
        if not current_user.has_role(*CLOSERS):
            abort(403)
        try:
            start, end = parse_date(request.form["from"]), parse_date(request.form["to"])
        except (KeyError, ValueError):
            flash(_("Von und bis als Datum angeben, z. B. 31.01.2026."), "error")
            return redirect(url_for("datev.index"))
        try:
            return _zip_download(start, end)
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
            return redirect(url_for("datev.index"))
    return render_page("ledger/datev.html", exports=DatevExport.objects[:50],
                       may_export=current_user.has_role(*CLOSERS))


def _zip_download(start, end) -> Response:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        results = export_period(start, end, Path(tmp), current_user.email)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for result in results:
                archive.write(result.path, result.path.name)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="datev-{start:%Y%m%d}-{end:%Y%m%d}.zip"'
    return response

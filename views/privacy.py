"""Data protection screens: subject access (Art. 15/20) and the printable record (Art. 30)."""
from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user

from services.core.errors import BusinessRuleError
from views.i18n import day as page_day
from services.privacy.registry import SUBJECTS
from views.archive import content_disposition
from views.frame import render_page
from views.i18n import _, translated
from views.invoices import roles

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
RECORD_READERS = ("admin", "auditor")


@bp.route("/subject-access", methods=["GET", "POST"])
@roles("admin")
def subject_access():
    """Collect everything about one person and download it as a ZIP."""
    from models.audit import AuditEntry
    from services.privacy.subject_access import export_zip

    kind, key = request.form.get("kind", "employee"), request.form.get("key", "").strip()
    if request.method == "POST":
        try:
            data, body = export_zip(kind, key)
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
        else:
            AuditEntry(user=current_user.email, action="export", collection=data.kind + "s",
                       document_id=str(data.subject["_id"]),
                       label=f"Auskunft Art. 15 DSGVO ({kind} {key})").save()
            response = Response(body, mimetype="application/zip")
            response.headers["Content-Disposition"] = content_disposition(
                f"auskunft-{kind}-{key}.zip".replace("/", "_"), True)
            return response
    return render_page("privacy/subject_access.html", kinds=SUBJECTS, kind=kind, key=key)


@bp.route("/erasure", methods=["GET", "POST"])
@roles("admin")
def erasure():
    """Erase a person (Art. 17), keeping restricted what retention demands; the log below."""
    from models.privacy_log import ErasureLogEntry
    from services.archive.retention_rules import today_berlin
    from services.privacy.erasure_parties import KINDS, erase_subject

    kind = request.form.get("kind", "employee")
    key, reason = request.form.get("key", "").strip(), request.form.get("reason", "").strip()
    if request.method == "POST":
        try:
            step, record = erase_subject(kind, key, user=current_user.email, reason=reason,
                                         today=today_berlin())
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
        else:
            if step == "restricted":
                flash(_("%(key)s: Kontaktdaten gelöscht; die übrigen Daten sind bis %(day)s "
                        "eingeschränkt und werden danach anonymisiert.", key=key,
                        day=page_day(record.restricted_until)), "success")
            else:
                flash(_("%(key)s: anonymisiert.", key=key), "success")
            return redirect(url_for(".erasure"))
    log = ErasureLogEntry.objects.order_by("-at").limit(50)
    return render_page("privacy/erasure.html", kinds=KINDS, kind=kind, key=key, reason=reason,
                       log=log, collection_kind=COLLECTION_KIND)


COLLECTION_KIND = {"employees": "employee", "customers": "customer", "suppliers": "supplier",
                   "users": "user"}


@bp.route("/processing-activities.pdf")
@roles(*RECORD_READERS)
def processing_pdf():
    """The record of processing activities as a PDF to print or hand over."""
    from services.privacy.record import record_pdf

    response = Response(record_pdf(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        "verarbeitungsverzeichnis.pdf", False)
    return response

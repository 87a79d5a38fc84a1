"""The personnel file of one employee (HR, admin): documents and training certificates in the
archive, uploads, and what IT has handed out. Nobody else gets it, by any id."""
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from models.employee import Employee
from models.personnel_file import PERSONNEL_DOCUMENT_KINDS
from models.training import Training
from services.archive.upload import ArchiveError
from services.core.errors import BusinessRuleError
from services.hr import personnel_file
from views.frame import render_page
from views.i18n import _, translated
from views.params import document_or_404

bp = Blueprint("personnel", __name__, url_prefix="/hr/employees")
HR_ROLES = ("admin", "hr")


@bp.before_request
@login_required
def require_hr():
    if not current_user.has_role(*HR_ROLES):
        abort(403)
    return None


@bp.route("/<employee_id>/file")
def show(employee_id):
    """The personnel file: documents, trainings with their certificates, IT equipment."""
    from models.recruiting import Applicant
    from services.it.assets import assets_of_employee

    employee = document_or_404(Employee, employee_id)
    applications = [f for a in Applicant.objects(employee=employee.pk) for f in a.documents]
    return render_page("hr/personnel_file.html", employee=employee,
                       documents=personnel_file.documents_of(employee),
                       applications=applications,
                       trainings=Training.objects(employee=employee.pk).order_by("-date"),
                       assets=assets_of_employee(employee.pk), kinds=PERSONNEL_DOCUMENT_KINDS)


def _upload():
    upload = request.files.get("file")
    if not upload or not upload.filename:
        raise BusinessRuleError(_("Bitte eine Datei wählen."))
    return upload


@bp.route("/<employee_id>/file", methods=["POST"])
def add_document(employee_id):
    """File a document in the personnel file."""
    employee = document_or_404(Employee, employee_id)
    try:
        upload = _upload()
        personnel_file.add_document(employee, upload.stream, upload.filename,
                                    kind=request.form.get("kind", ""),
                                    title=request.form.get("title", "")[:200],
                                    by=current_user.email,
                                    max_bytes=current_app.config["ARCHIVE_MAX_FILE_BYTES"])
        flash(_("Dokument archiviert."), "success")
    except (ArchiveError, BusinessRuleError) as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".show", employee_id=employee.pk))


@bp.route("/trainings/<training_id>/certificate", methods=["POST"])
def add_certificate(training_id):
    """File the certificate of a training in the personnel file."""
    training = document_or_404(Training, training_id)
    try:
        upload = _upload()
        personnel_file.add_training_certificate(
            training, upload.stream, upload.filename, by=current_user.email,
            max_bytes=current_app.config["ARCHIVE_MAX_FILE_BYTES"])
        flash(_("Teilnahmebescheinigung archiviert."), "success")
    except (ArchiveError, BusinessRuleError) as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".show", employee_id=training.employee.pk))

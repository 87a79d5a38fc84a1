"""Employee self-service: my data (bank details masked), payslips, absences, tickets, and
change requests for address and bank details. Everything is read through the logged-in
user's own employee record; no URL takes another employee's id."""
from bson import ObjectId
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from models.payroll import Payslip
from models.self_service import ChangeRequest
from models.ticket import Ticket
from services.core.errors import BusinessRuleError
from services.hr import absences, self_service
from views.archive import content_disposition
from views.frame import render_page
from views.i18n import _, translated

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.before_request
@login_required
def require_login():
    return None


def _own():
    return getattr(current_user, "employee", None)


@bp.route("/")
def index():
    """My master data, payslips, leave balance, tickets and change requests."""
    from datetime import date

    own = _own()
    if own is None:
        return render_page("me/index.html", employee=None)
    slips = Payslip.objects(employee=own.pk, pdf__ne=None).only(
        "id", "year", "month", "gross").order_by("-year", "-month").limit(36)
    return render_page("me/index.html", employee=own, masked_iban=self_service.mask_iban(own.iban),
                       payslips=slips, account=absences.balance(own, date.today().year),
                       tickets=Ticket.objects(requester=own.pk).only(
                           "number", "title", "status").limit(50),
                       changes=ChangeRequest.objects(employee=own.pk).limit(10))


@bp.route("/payslips/<slip_id>.pdf")
def payslip_pdf(slip_id):
    """One of my payslips from the archive; any other id answers 404."""
    own = _own()
    slip = Payslip.objects(pk=slip_id).first() if ObjectId.is_valid(slip_id) else None
    if own is None or slip is None or slip.employee.pk != own.pk or slip.pdf is None:
        abort(404)
    response = Response(slip.pdf.content.read(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(slip.pdf.filename, True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/change", methods=["POST"])
def change():
    """Ask HR to change my address or bank details."""
    own = _own()
    if own is None:
        abort(404)
    fields = self_service.ADDRESS_FIELDS + self_service.BANK_FIELDS
    try:
        self_service.request_change(own, {k: request.form.get(k) for k in fields},
                                    current_user.email)
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    else:
        flash(_("Änderung beantragt; die Personalabteilung bestätigt sie."), "success")
    return redirect(url_for(".index"))

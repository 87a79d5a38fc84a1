"""Invoice downloads (PDF, XML), recording a payment."""
import uuid
from datetime import date
from functools import wraps

from flask import (Blueprint, Response, abort, flash, redirect, request,
                   url_for)
from flask_login import current_user, login_required

from admin.base import current_user_label
from models.invoice import Invoice
from services.core.formatting import parse_date
from services.invoicing import issuing as invoicing
from services.invoicing.settlement import settle_payment
from services.archive.store import read_file
from services.imports.csv_reader import parse_decimal
from services.core.errors import BusinessRuleError
from views.archive import content_disposition
from views.frame import render_page
from views.params import document_or_404

bp = Blueprint("invoices", __name__, url_prefix="/invoices")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")


def roles(*allowed):
    """Require a logged-in user with one of the roles (403 otherwise)."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _issued(invoice_id) -> Invoice:
    inv = document_or_404(Invoice, invoice_id)
    if not inv.pdf_file:
        abort(404)
    return inv


@bp.route("/<invoice_id>/pdf")
@roles(*READERS)
def pdf(invoice_id):
    """Send the archived PDF (with the embedded e-invoice XML)."""
    inv = _issued(invoice_id)
    response = Response(read_file(inv.pdf_file), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(f"{inv.number}.pdf", False)
    return response


@bp.route("/<invoice_id>/xml")
@roles(*READERS)
def xml(invoice_id):
    """Send the EN 16931 CII XML alone (for XRechnung-style processing)."""
    inv = _issued(invoice_id)
    response = Response(read_file(inv.xml_file), mimetype="application/xml")
    response.headers["Content-Disposition"] = content_disposition(f"{inv.number}.xml", False)
    return response


@bp.route("/<invoice_id>/payment", methods=["GET", "POST"])
@roles(*WRITERS)
def payment(invoice_id):
    """Record a (partial) payment; the form's key makes a double submit count once."""
    inv = _issued(invoice_id)
    if request.method == "POST":
        try:
            amount = parse_decimal(request.form.get("amount", ""))
            day = parse_date(request.form.get("date", ""))
            settle_payment(inv, amount=amount, day=day, user=current_user_label(),
                           key=request.form.get("key") or uuid.uuid4().hex,
                           reference=request.form.get("reference", "")[:120])
        except (ValueError, BusinessRuleError) as exc:
            flash(f"Zahlung nicht erfasst: {exc}", "error")
        else:
            flash(f"Zahlung zu {inv.number} erfasst", "success")
            return redirect(url_for("invoice.details_view", id=inv.pk))
    return render_page("invoices/payment.html", inv=inv, key=uuid.uuid4().hex,
                           today=date.today().isoformat(),
                           open_amount=inv.gross_total - inv.paid_total)

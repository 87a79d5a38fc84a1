"""Invoice downloads (PDF, XML), recording a payment, and `flask --app app invoice pdf|finish`."""
import uuid
from datetime import date
from functools import wraps
from pathlib import Path

import click
from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from admin.base import current_user_label
from models.invoice import Invoice
from services import invoicing
from services.archive_store import read_file
from services.csv_reader import parse_decimal
from services.errors import BusinessRuleError
from views.archive import content_disposition

bp = Blueprint("invoices", __name__, url_prefix="/invoices", cli_group="invoice")
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
    inv = Invoice.objects(pk=invoice_id).first() if len(invoice_id) == 24 else None
    if inv is None or not inv.pdf_file:
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
            day = date.fromisoformat(request.form.get("date", ""))
            invoicing.record_payment(inv, amount=amount, day=day, user=current_user_label(),
                                     key=request.form.get("key") or uuid.uuid4().hex,
                                     reference=request.form.get("reference", "")[:120])
        except (ValueError, BusinessRuleError) as exc:
            flash(f"Zahlung nicht erfasst: {exc}", "error")
        else:
            flash(f"Zahlung zu {inv.number} erfasst", "success")
            return redirect(url_for("invoice.details_view", id=inv.pk))
    return render_template("invoices/payment.html", inv=inv, key=uuid.uuid4().hex,
                           today=date.today().isoformat(),
                           open_amount=inv.gross_total - inv.paid_total)


@bp.cli.command("pdf")
@click.argument("number")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write the PDF to.")
def pdf_command(number: str, output: str) -> None:
    """Write the archived PDF of invoice NUMBER (e.g. RE-2026-00001) to a file."""
    inv = Invoice.objects(number=number).first()
    if inv is None or not inv.pdf_file:
        raise click.ClickException(f"no issued invoice {number}")
    data = read_file(inv.pdf_file)
    Path(output).write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes written to {output} (SHA-256 {inv.pdf_sha256})")


@bp.cli.command("finish")
@click.argument("number")
@click.option("--post-date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Posting date in an open period (YYYY-MM-DD).")
@click.option("--user", default="cli", help="Who decides this (kept with the posting).")
def finish_command(number: str, post_date, user: str) -> None:
    """Finish invoice NUMBER whose month was closed while it was being issued.

    The invoice keeps its number and date; its journal entry is dated POST_DATE.
    """
    inv = Invoice.objects(number=number).first()
    if inv is None:
        raise click.ClickException(f"there is no invoice {number}")
    try:
        done = invoicing.finish_issue_in_open_period(inv, user, post_date.date())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{number}: issued; posted on {post_date:%d.%m.%Y} "
               f"(invoice date {done.issue_date:%d.%m.%Y})")

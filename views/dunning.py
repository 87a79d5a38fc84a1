"""Dunning screens: propose a run, review the letters, confirm (letters go out) or discard."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from models.dunning import DunningRun
from models.invoice import Invoice
from services.core.formatting import parse_date
from services.banking import dunning
from services.core.errors import BusinessRuleError
from views.frame import render_page, role_guard
from views.i18n import _
from views.params import document_or_404

bp = Blueprint("dunning", __name__, url_prefix="/dunning")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")


bp.before_request(role_guard(READERS, WRITERS))  # finance works here, auditors read


@bp.route("/", methods=["GET", "POST"])
def index():
    """The runs; a POST proposes the letters due on a day."""
    if request.method == "POST":
        try:
            as_of = parse_date(request.form.get("as_of", ""))
            run = dunning.propose_run(as_of, current_user.email)
        except (ValueError, BusinessRuleError) as exc:
            flash(_("Kein Mahnvorschlag: %(reason)s", reason=str(exc)), "error")
        else:
            if run is None:
                flash(_("Keine Rechnung ist zu mahnen"), "info")
            else:
                return redirect(url_for(".show", run_id=run.pk))
    return render_page("dunning/index.html", today=date.today().isoformat(),
                       runs=DunningRun.objects.order_by("-created_at")[:100])


@bp.route("/<run_id>")
def show(run_id):
    """One run's letters; pending letters a payment has overtaken are marked."""
    run = document_or_404(DunningRun, run_id)
    paid_since = set()
    if run.status == "draft":
        for letter in run.letters:
            for item in letter.invoices:
                inv = Invoice.objects(pk=item.invoice).only("paid_total", "status").first()
                if inv is None or inv.paid_total != item.paid_total or inv.status != "issued":
                    paid_since.add(letter.key)
    return render_page("dunning/run.html", run=run, paid_since=paid_since)


@bp.route("/<run_id>/act", methods=["POST"])
def act(run_id):
    """Confirm (send the letters) or discard the proposal."""
    run = document_or_404(DunningRun, run_id)
    try:
        if request.form.get("action") == "confirm":
            dunning.confirm_run(run.pk, current_user.email)
            flash(_("Mahnlauf bestätigt"), "success")
        elif request.form.get("action") == "discard":
            dunning.discard_run(run.pk, current_user.email)
        else:
            abort(400)
    except BusinessRuleError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".show", run_id=run.pk))

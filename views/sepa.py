"""SEPA payment-run screens: propose, edit, release (a second person), download pain.001."""
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from models.bank_account import BankAccount
from models.payment_run import PaymentRun
from services.core.formatting import parse_date
from services.banking import sepa
from services.core.errors import BusinessRuleError
from views.frame import render_page, role_guard
from views.i18n import _
from views import sepa_runs
from views.params import document_or_404

bp = Blueprint("sepa", __name__, url_prefix="/sepa")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")


bp.before_request(role_guard(READERS, WRITERS))  # finance works here, auditors read


@bp.route("/", methods=["GET", "POST"])
def index():
    """List the runs; a POST proposes a new run up to a date."""
    if request.method == "POST":
        try:
            up_to = parse_date(request.form.get("up_to", ""))
            execution = parse_date(request.form.get("execution_date", ""))
            run = sepa.create_run(up_to, execution, current_user.email,
                                  bank_account_id=request.form.get("bank_account") or None)
        except (ValueError, BusinessRuleError) as exc:
            flash(_("Zahlungslauf nicht angelegt: %(reason)s", reason=str(exc)), "error")
        else:
            return redirect(url_for(".show", run_id=run.pk))
    today = date.today().isoformat()
    return render_page("sepa/index.html", runs=PaymentRun.objects.order_by("-created_at")[:100],
                       today=today, accounts=BankAccount.objects(active=True))


@bp.route("/<run_id>")
def show(run_id):
    """One run: its items, what could be added, the problems, the files."""
    run = document_or_404(PaymentRun, run_id)
    addable, problems = sepa.open_proposals(run.up_to)
    keys = {i.key for i in run.items}
    return render_page("sepa/run.html", run=run, problems=problems,
                       addable=[p for p in addable if p.key not in keys])


@bp.route("/<run_id>/act", methods=["POST"])
def act(run_id):
    """Remove or add an item, release or discard the run."""
    run = document_or_404(PaymentRun, run_id)
    key = request.form.get("key", "")
    return sepa_runs.act(run, {
        "remove": lambda user, version: sepa.remove_item(run.pk, key, user, version),
        "add": lambda user, version: sepa.add_item(run.pk, key, user, version),
        "release": lambda user, version: sepa.release_run(run.pk, user, version),
        "cancel": lambda user, version: sepa.cancel_run(run.pk, user),
    }, _("Zahlungslauf freigegeben"), ".show")


@bp.route("/<run_id>/file/<schema>")
def download(run_id, schema):
    """The released run's pain.001 file (validated by the XSD when it was released)."""
    run = document_or_404(PaymentRun, run_id)
    return sepa_runs.released_file(run, (run.files or {}).get(schema),
                                   f"{run.number}-{schema.replace('_', '.')}.xml")

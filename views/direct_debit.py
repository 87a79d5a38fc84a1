"""SEPA direct-debit screens: propose a collection, release it (a second person), pain.008."""
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from models.bank_account import BankAccount
from models.direct_debit import DirectDebitRun
from services.core.formatting import parse_date
from services.banking import direct_debit
from services.banking.sepa_calendar import earliest_collection
from services.core.errors import BusinessRuleError
from views.frame import render_page, role_guard
from views.i18n import _, translated
from views import sepa_runs
from views.params import document_or_404

bp = Blueprint("direct_debit", __name__, url_prefix="/direct-debit")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")

bp.before_request(role_guard(READERS, WRITERS))  # finance works here, auditors read


@bp.route("/", methods=["GET", "POST"])
def index():
    """List the collections; a POST proposes one for a due date from a bank account."""
    if request.method == "POST":
        try:
            day = parse_date(request.form.get("collection_date", ""))
            run = direct_debit.create_run(day, request.form.get("bank_account") or None,
                                          current_user.email)
        except (ValueError, BusinessRuleError) as exc:
            flash(_("Lastschrifteinzug nicht angelegt: %(reason)s", reason=translated(exc)),
                  "error")
        else:
            return redirect(url_for(".show", run_id=run.pk))
    earliest = earliest_collection(date.today())
    return render_page("direct_debit/index.html",
                       runs=DirectDebitRun.objects.order_by("-created_at")[:100],
                       earliest=earliest.isoformat(),
                       accounts=BankAccount.objects(active=True, creditor_id__ne=None),
                       problems=[(p.invoice_number, translated(p.problem))
                                 for p in direct_debit.proposals(earliest) if p.problem])


@bp.route("/<run_id>")
def show(run_id):
    """One collection: its invoices, mandates and sequence types, the file."""
    run = document_or_404(DirectDebitRun, run_id)
    return render_page("direct_debit/run.html", run=run)


@bp.route("/<run_id>/act", methods=["POST"])
def act(run_id):
    """Remove an invoice, mark it as the mandate's last collection, release or discard."""
    run = document_or_404(DirectDebitRun, run_id)
    key = request.form.get("key", "")
    return sepa_runs.act(run, {
        "remove": lambda user, version: direct_debit.remove_item(run.pk, key, user, version),
        "final": lambda user, version: direct_debit.mark_final(run.pk, key, user, version),
        "not_final": lambda user, version: direct_debit.mark_final(run.pk, key, user, version,
                                                                   final=False),
        "release": lambda user, version: direct_debit.release_run(run.pk, user, version),
        "cancel": lambda user, version: direct_debit.cancel_run(run.pk, user),
    }, _("Lastschrifteinzug freigegeben"), ".show")


@bp.route("/<run_id>/file")
def download(run_id):
    """The released collection's pain.008 file (validated by the XSD on release)."""
    run = document_or_404(DirectDebitRun, run_id)
    return sepa_runs.released_file(run, run.file, f"{run.number}-pain.008.001.08.xml")

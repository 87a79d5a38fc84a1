"""Bank screens: statement upload, open transactions, reconcile one with ranked proposals."""
from decimal import Decimal, InvalidOperation

from bson import ObjectId
from functools import wraps

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from admin.banking import proposal_text
from admin.base import current_user_label
from models.bank_account import BankAccount
from models.bank_rule import BankRule
from models.bank_statement import BankTransaction
from services.banking import reconcile, statements
from services.core.errors import BusinessRuleError
from views.frame import render_page
from views.i18n import _, translated
from views.params import document_or_404

bp = Blueprint("bank", __name__, url_prefix="/bank")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")
SPLIT_ROWS = 4


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


@bp.route("/")
@roles(*READERS)
def index():
    """Open transactions with their best proposal; the upload form for statements."""
    query = BankTransaction.objects(status="open")
    account = request.args.get("account")
    if account and ObjectId.is_valid(account):
        query = query.filter(account=ObjectId(account))
    return render_page("bank/index.html", transactions=query.order_by("-confidence")[:200],
                       accounts=BankAccount.objects.only("name", "iban").order_by("name"),
                       proposal_text=proposal_text,
                       may_write=current_user.has_role(*WRITERS))


@bp.route("/import", methods=["POST"])
@roles(*WRITERS)
def upload():
    """Import uploaded statement files, then propose and auto-book."""
    user, new_ids = current_user_label(), []
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        flash(_("Bitte mindestens eine Datei wählen."), "error")
    for upload_file in files:
        try:
            results = statements.import_file(upload_file.read(), upload_file.filename, user,
                                             request.form.get("account_iban", ""))
        except BusinessRuleError as exc:
            flash(_("%(file)s abgelehnt: %(reason)s", file=upload_file.filename,
                    reason=translated(exc)), "error")
            continue
        for r in results:
            if r.rejected:
                flash(_("%(file)s: %(reason)s", file=upload_file.filename, reason=r.rejected), "error")
                continue
            new_ids += [r.statement_pk] if r.new else []
            flash(_("Auszug %(id)s: %(count)s Umsätze, %(new)s neu, %(dup)s schon vorhanden",
                    id=r.statement_id, count=r.transactions, new=r.new, dup=r.duplicates), "success")
            for problem in r.problems:
                flash(problem, "warning")
            if r.transactions and r.opening_balance is None:
                flash(_("Auszug %(id)s enthält keine Salden: ob zwischen diesem und dem vorigen "
                        "Auszug Umsätze fehlen, lässt sich nicht prüfen.", id=r.statement_id),
                      "info")
    if new_ids:
        run = reconcile.reconcile_open(user, BankTransaction.objects(statement__in=new_ids,
                                                                     status="open"))
        if run.booked:
            flash(_("%(booked)s Umsätze automatisch gebucht", booked=run.booked), "info")
        else:
            flash(_("Kein Umsatz automatisch gebucht; die offenen Umsätze stehen unten zum "
                    "Abgleich."), "info")
    return redirect(url_for("bank.index"))


@bp.route("/tx/<tx_id>")
@roles(*READERS)
def transaction(tx_id):
    """One transaction: ranked proposals, split over items or accounts, rule from it."""
    tx = document_or_404(BankTransaction, tx_id)
    index = reconcile.build_index(with_returns=bool(tx.is_return) and tx.status == "open")
    proposals = reconcile.proposals_for(tx, index) if tx.status == "open" else []
    direction = 1 if tx.amount > 0 else -1
    items = sorted((i for items in index.by_party.values() for i in items
                    if i.direction == direction and i.open_amount > 0), key=lambda i: i.key)[:300]
    return render_page("bank/transaction.html", tx=tx, proposals=proposals, items=items,
                       proposal_text=proposal_text,
                       rows=range(SPLIT_ROWS), may_write=current_user.has_role(*WRITERS))


@bp.route("/tx/<tx_id>/book", methods=["POST"])
@roles(*WRITERS)
def book(tx_id):
    """Book the chosen proposal or the clerk's split."""
    tx = document_or_404(BankTransaction, tx_id)
    try:
        if request.form.get("proposal") is not None:
            proposals = reconcile.proposals_for(tx)
            number = int(request.form["proposal"])
            if not 0 <= number < len(proposals):
                raise BusinessRuleError(_("Der Vorschlag gilt nicht mehr; bitte neu wählen."))
            allocations = reconcile.parts_to_allocations(proposals[number].parts)
        else:
            allocations = _split_rows()
        reconcile.book(tx.pk, allocations, current_user_label())
    except (BusinessRuleError, ValueError, InvalidOperation) as exc:
        flash(_("Nicht gebucht: %(reason)s", reason=translated(exc)), "error")
        return redirect(url_for("bank.transaction", tx_id=tx.pk))
    flash(_("Umsatz gebucht"), "success")
    return redirect(url_for("bank.index"))


@bp.route("/tx/<tx_id>/rule", methods=["POST"])
@roles(*WRITERS)
def rule(tx_id):
    """Create a booking rule from this transaction (its IBAN, a purpose pattern, an account)."""
    tx = document_or_404(BankTransaction, tx_id)
    try:
        new = BankRule(name=(request.form.get("name") or tx.counterparty_name or "Regel")[:80],
                       counterparty_iban=tx.counterparty_iban or None,
                       purpose_pattern=request.form.get("purpose_pattern") or None,
                       direction="in" if tx.amount > 0 else "out",
                       account=request.form.get("account", ""), created_by=current_user_label())
        new.save()
    except Exception as exc:  # mongoengine validation: shown, not raised
        flash(_("Regel nicht angelegt: %(reason)s", reason=str(exc)), "error")
    else:
        flash(_("Regel „%(name)s“ angelegt", name=new.name), "success")
    return redirect(url_for("bank.transaction", tx_id=tx.pk))


@bp.route("/tx/<tx_id>/ignore", methods=["POST"])
@roles(*WRITERS)
def ignore(tx_id):
    """Mark a transaction as needing no booking (e.g. between own accounts)."""
    tx = document_or_404(BankTransaction, tx_id)
    try:
        reconcile.ignore(tx.pk, current_user_label())
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for("bank.index"))


def _split_rows() -> list[dict]:
    rows = []
    for n in range(SPLIT_ROWS):
        amount = (request.form.get(f"amount_{n}") or "").strip()
        target = (request.form.get(f"target_{n}") or "").strip()
        if not amount and not target:
            continue
        value = Decimal(amount.replace(".", "").replace(",", ".")) if "," in amount else Decimal(amount)
        if target.isdigit():
            rows.append({"kind": "account", "account": target, "amount": value})
        else:
            rows.append({"kind": target.split(":", 1)[0], "ref": target, "amount": value})
    if not rows:
        raise BusinessRuleError(_("Bitte mindestens einen Posten oder ein Konto mit Betrag angeben."))
    return rows

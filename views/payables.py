"""Supplier invoices: list with filters, upload, the readable invoice, check/approve screen."""
import uuid
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from admin.base import current_user_label
from models.supplier import Supplier
from models.supplier_invoice import SupplierInvoice
from services.core.formatting import parse_date
from services.core.errors import BusinessRuleError
from services.imports.csv_reader import parse_decimal
from services.payables import approval, intake, manual
from services.payables.payments import record_supplier_payment
from services.payables.suppliers import create_supplier_from_invoice
from views.frame import render_page
from views.i18n import day, translated
from views.invoices import roles
from views.params import document_or_404

bp = Blueprint("payables", __name__, url_prefix="/payables")
READERS, WRITERS = ("admin", "finance", "auditor"), ("admin", "finance")
FILTERS = ("open", "due7", "overdue", "skonto3", "drafts", "all")
MAX_FILES = 50


def _filtered(name: str, today: date):
    query = SupplierInvoice.objects
    if name == "open":
        return [i for i in query(status="posted").order_by("due_date") if i.open_amount > 0]
    if name == "due7":
        return [i for i in query(status="posted", due_date__lte=today + timedelta(days=7),
                                 due_date__gte=today).order_by("due_date") if i.open_amount > 0]
    if name == "overdue":
        return [i for i in query(status="posted", due_date__lt=today).order_by("due_date")
                if i.open_amount > 0]
    if name == "skonto3":
        return [i for i in query(status="posted", skonto_until__gte=today,
                                 skonto_until__lte=today + timedelta(days=3)) if i.open_amount > 0]
    if name == "drafts":
        return list(query(status__in=["draft", "checked", "approved"]).order_by("-created_at"))
    return list(query.order_by("-created_at").limit(500))


def aging(today: date) -> dict:
    """Open amounts by days overdue: not due, 1-30, 31-60, 61-90, over 90."""
    buckets = {"0": 0, "1-30": 0, "31-60": 0, "61-90": 0, "90+": 0}
    for inv in SupplierInvoice.objects(status="posted", kind="invoice"):
        days = (today - inv.due_date).days if inv.due_date else 0
        key = "0" if days <= 0 else "1-30" if days <= 30 else "31-60" if days <= 60 \
            else "61-90" if days <= 90 else "90+"
        buckets[key] += inv.open_amount
    return buckets


@bp.route("/")
@roles(*READERS)
def index():
    """The payables list with its filters and aging buckets."""
    name = request.args.get("filter", "drafts")
    if name not in FILTERS:
        name = "drafts"
    today = date.today()
    return render_page("payables/index.html", invoices=_filtered(name, today), current=name,
                       filters=FILTERS, aging=aging(today), today=today)


@bp.route("/upload", methods=["GET", "POST"])
@roles(*WRITERS)
def upload():
    """Upload one or many invoice files; each becomes a draft, a duplicate or is rejected."""
    results = []
    if request.method == "POST":
        files = [f for f in request.files.getlist("files") if f and f.filename][:MAX_FILES]
        if not files:
            flash(_("Bitte mindestens eine Datei auswählen."), "error")
        for upload_file in files:
            results.append(intake.import_invoice_file(upload_file.read(), upload_file.filename,
                                                      user=current_user_label()))
        if len(results) == 1 and results[0].invoice is not None:
            return redirect(url_for("payables.show", invoice_id=results[0].invoice.pk))
    return render_page("payables/upload.html", results=results)


def _readable(inv: SupplierInvoice) -> None:
    """Finance and auditors read every invoice; an approver of another role only theirs."""
    if not current_user.has_role(*READERS) and not approval.may_approve(inv, current_user):
        abort(403)


@bp.route("/<invoice_id>")
@login_required
def show(invoice_id):
    """The invoice as a readable document: parties, lines, VAT, terms, checks, history."""
    inv = document_or_404(SupplierInvoice, invoice_id)
    _readable(inv)
    return render_page("payables/show.html", inv=inv, key=uuid.uuid4().hex, today=date.today(),
                       may_approve=approval.may_approve(inv, current_user),
                       writer=current_user.has_role(*WRITERS),
                       suppliers=Supplier.objects(active=True).only("name", "supplier_no")
                       if inv.supplier is None else [])


ACTIONS = ("check", "approve", "reject", "ask_back", "confirm_iban", "confirm_findings",
           "cancel", "payment", "accounts", "assign_supplier", "create_supplier")


@bp.route("/<invoice_id>/act", methods=["POST"])
@login_required
def act(invoice_id):
    """One step of the way (check, approve, reject, ask back, confirm, cancel, pay)."""
    inv = document_or_404(SupplierInvoice, invoice_id)
    _readable(inv)
    action = request.form.get("action")
    if action not in ACTIONS:
        abort(400)
    if action not in ("approve", "reject", "ask_back") and not current_user.has_role(*WRITERS):
        abort(403)
    note = request.form.get("note", "").strip()
    try:
        _do(action, inv, note)
    except (ValueError, BusinessRuleError) as exc:
        flash(str(exc), "error")
    else:
        flash(_("Gespeichert."), "success")
    return redirect(url_for("payables.show", invoice_id=inv.pk))


def _do(action: str, inv: SupplierInvoice, note: str) -> None:
    user = current_user
    if action == "check":
        approval.check_invoice(inv, user)
    elif action == "approve":
        approval.approve_invoice(inv, user)
    elif action == "reject":
        approval.reject_invoice(inv, user, note)
    elif action == "ask_back":
        approval.ask_back(inv, user, note)
    elif action == "confirm_iban":
        approval.confirm_iban(inv, user, note)
    elif action == "confirm_findings":
        approval.confirm_findings(inv, user)
    elif action == "cancel":
        approval.cancel_invoice(inv, user, note)
    elif action == "payment":
        record_supplier_payment(inv.pk, parse_decimal(request.form.get("amount", "")),
                                parse_date(request.form.get("date", "")),
                                current_user_label(), request.form.get("key") or uuid.uuid4().hex,
                                discount=inv.skonto_amount if request.form.get("skonto") else None,
                                amount_eur=parse_decimal(request.form["amount_eur"])
                                if request.form.get("amount_eur", "").strip() else None)
    elif action == "accounts":
        for i, line in enumerate(inv.lines):
            line.account = (request.form.get(f"account_{i}") or "").strip() or line.account
            line.account_source = "manual" if request.form.get(f"account_{i}") else line.account_source
            if f"cost_center_{i}" in request.form:
                line.cost_center = request.form[f"cost_center_{i}"].strip() or None
        inv.save()
    elif action == "create_supplier":
        create_supplier_from_invoice(inv, current_user_label())
    elif action == "assign_supplier":
        inv.supplier = document_or_404(Supplier, request.form.get("supplier", ""))
        inv.supplier_proposed = False
        inv.save()


VAT_CATEGORY_LABELS = {
    "S": _l("S – Regelsatz oder ermäßigter Satz"), "Z": _l("Z – Nullsatz"),
    "E": _l("E – steuerfrei"), "AE": _l("AE – Steuerschuld beim Empfänger (§ 13b UStG)"),
    "K": _l("K – innergemeinschaftlicher Erwerb"), "G": _l("G – Ausfuhr"),
    "O": _l("O – nicht steuerbar")}
INLINE_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")
BLANK_ROWS = 3


def _typed_rows(form) -> list[dict]:
    """The line rows of the form in their order (line-0-description, line-0-quantity, ...)."""
    count = min(int(form.get("row_count") or 0), manual.MAX_LINES + BLANK_ROWS)
    return [{name: form.get(f"line-{i}-{name}", "") for name in manual.LINE_FIELDS}
            for i in range(count)]


def _plain(value, min_places: int) -> str:
    """A stored number as the clerk typed it: German marks, no needless decimals."""
    from services.core.formatting import format_decimal_de

    if value is None:
        return ""
    places = max(-value.normalize().as_tuple().exponent, 0)
    return format_decimal_de(value, max(min_places, min(places, 6)))


def _stored_rows(inv: SupplierInvoice) -> list[dict]:
    return [{"description": ln.description or "", "quantity": _plain(ln.quantity, 0),
             "unit": ln.unit or "", "unit_price": _plain(ln.unit_price, 2),
             "vat_category": ln.vat_category or "S", "vat_rate": _plain(ln.vat_rate, 0),
             "account": ln.account or "", "cost_center": ln.cost_center or ""}
            for ln in inv.lines]


@bp.route("/<invoice_id>/lines", methods=["GET", "POST"])
@roles(*WRITERS)
def lines(invoice_id):
    """Type a scanned or MINIMUM invoice from its document, shown beside the form."""
    from models.archive import ArchivedFile
    from models.cost_center import CostCenter
    from models.invoice import VAT_CATEGORIES

    inv = document_or_404(SupplierInvoice, invoice_id)
    if not inv.manual_lines_required:
        abort(404)
    # dates in the page's format (31.12.2026 / 2026-12-31); the entry reads both
    header = {"supplier": str(inv.supplier.pk) if inv.supplier else "",
              "number": inv.number or "", "issue_date": day(inv.issue_date),
              "due_date": day(inv.due_date) if inv.lines else "",
              "delivery_date": day(inv.delivery_date),
              "currency": inv.currency or "EUR",
              "document_gross": f"{inv.document_gross:.2f}".replace(".", ",")
              if inv.document_gross is not None else ""}
    rows = _stored_rows(inv)
    errors = []
    if request.method == "POST":
        header = {name: request.form.get(name, "") for name in header}
        rows = [r for r in _typed_rows(request.form)
                if any(r[k].strip() for k in ("description", "quantity", "unit_price"))]
        try:
            saved = manual.save_entry(inv.pk, header, rows, current_user_label())
        except manual.EntryErrors as exc:
            errors = [translated(e) for e in exc.errors]
        except BusinessRuleError as exc:
            errors = [translated(exc)]
        else:
            if any(f.code == "MANUAL-TOTAL" for f in saved.findings):
                flash(_("Entwurf gespeichert, aber die Summen passen nicht zum Beleg (siehe "
                        "Prüfergebnis)."), "warning")
            else:
                flash(_("Positionen gespeichert; Summen berechnet."), "success")
            if request.form.get("next") == "show":
                return redirect(url_for("payables.show", invoice_id=inv.pk))
            return redirect(url_for("payables.lines", invoice_id=inv.pk))
        for message in errors:
            flash(message, "error")
    more = request.args.get("more", type=int) or 0
    rows = rows + [{"description": "", "quantity": "", "unit": "", "unit_price": "",
                    "vat_category": "S", "vat_rate": "19", "account": "", "cost_center": ""}
                   for _i in range(BLANK_ROWS + min(max(more, 0), 20))]
    record = ArchivedFile.objects(pk=inv.source_file).only("content_type", "filename").first() \
        if inv.source_file else None
    content_type = (record.content_type or "") if record else ""
    return render_page("payables/lines.html", inv=inv, header=header, rows=rows,
                       errors=errors, record=record,
                       shown_as="pdf" if content_type == "application/pdf" else
                       "image" if content_type in INLINE_IMAGES else "link",
                       suppliers=Supplier.objects(active=True).only("name", "supplier_no")
                       .order_by("name"),
                       categories=VAT_CATEGORIES, category_labels=VAT_CATEGORY_LABELS,
                       cost_centers=CostCenter.objects(active=True).only("code", "name"))


@bp.route("/rates", methods=["GET", "POST"])
@roles(*READERS)
def rates_import():
    """Exchange rates for foreign-currency invoices: the latest ones and a CSV upload."""
    from models.exchange_rate import ExchangeRate
    from services.payables.fx import import_rates_csv

    if request.method == "POST":
        if not current_user.has_role(*WRITERS):
            abort(403)
        upload_file = request.files.get("file")
        if not upload_file or not upload_file.filename:
            flash(_("Bitte eine CSV-Datei auswählen."), "error")
        else:
            try:
                count = import_rates_csv(upload_file.read(), current_user_label(),
                                         upload_file.filename)
            except BusinessRuleError as exc:
                flash(translated(exc), "error")
            else:
                flash(_("%(n)s Kurse gespeichert.", n=count), "success")
        return redirect(url_for("payables.rates_import"))
    return render_page("payables/rates.html", rates=ExchangeRate.objects.order_by("-day").limit(60),
                       writer=current_user.has_role(*WRITERS))

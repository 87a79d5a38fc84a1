"""Payroll run screens: create, calculate, review, approve, post, pay, payslips (hr, admin)."""
from datetime import date

from bson import ObjectId
from flask import (Blueprint, Response, abort, current_app, flash, redirect, request, url_for)
from flask_login import current_user

from models.payroll import Payslip, PayrollRun
from services.core.formatting import parse_date
from views.archive import content_disposition
from views.params import page_arg
from services.core.errors import BusinessRuleError
from services.payroll import (calculator, documents, payments, payslip_mail, posting, render,
                              runs)
from services.payroll.calculation import month_bounds
from services.payroll.pay import DENOMINATIONS
from views.frame import render_page
from views.i18n import _

bp = Blueprint("payroll", __name__, url_prefix="/payroll")
PAYROLL_ROLES = ("admin", "hr")
PAGE_SIZE = 200
ISSUE_BATCH = 200  # PDFs per click; about half a minute on the 2-core machine
MONTHS = render.MONTHS


@bp.before_request
def require_payroll_role():
    """Anonymous visitors log in first; other roles than hr and admin are refused."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if not current_user.has_role(*PAYROLL_ROLES):
        abort(403)
    return None


def _user() -> str:
    return current_user.email


def _run_or_404(run_id) -> PayrollRun:
    try:
        return runs.get_run(run_id)
    except BusinessRuleError:
        abort(404)


def _payslip_or_404(run: PayrollRun, slip_id) -> Payslip:
    slip = Payslip.objects(pk=slip_id).first() if ObjectId.is_valid(slip_id) else None
    if slip is None or slip.run.pk != run.pk:
        abort(404)
    return slip


@bp.route("/")
def index():
    """List the runs and offer to start one (the month after the latest run preselected)."""
    from datetime import date

    listed = list(PayrollRun.objects.limit(60))
    latest = max(((r.year, r.month) for r in listed), default=None)
    today = date.today()
    year, month = (today.year, today.month) if latest is None else (
        (latest[0], latest[1] + 1) if latest[1] < 12 else (latest[0] + 1, 1))
    return render_page("payroll/index.html", runs=listed, months=MONTHS,
                       labels=runs.STATUS_LABELS, next_year=year, next_month=month)


@bp.route("/runs", methods=["POST"])
def create():
    """Open a run for the chosen month."""
    try:
        run = runs.create_run(int(request.form.get("year", 0)),
                              int(request.form.get("month", 0)), _user())
    except ValueError:
        flash(_("Bitte Monat und Jahr wählen."), "error")
        return redirect(url_for(".index"))
    except BusinessRuleError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    flash(f"Lohnlauf {run.period} angelegt", "info")
    return redirect(url_for(".show", run_id=run.pk))


def _company() -> documents.Company:
    return documents.company_from_config(current_app.config)


def _issue(run_id, user):
    """Issue a batch of payslip PDFs; say how many are left for the next click."""
    issued = documents.issue_payslips(run_id, user, _company(), limit=ISSUE_BATCH)
    left = documents.pending_payslips(runs.get_run(run_id))
    if left:
        flash(f"{issued} Entgeltabrechnungen erstellt, {left} offen: erneut klicken oder "
              f"'flask --app app payroll issue-payslips {run_id}' ausführen", "info")
    else:
        _notify(run_id, user)
    return issued


def _notify(run_id, user):
    """Queue the payslip mails (once per employee); say who has no address."""
    result = payslip_mail.queue_payslip_mails(run_id, current_app.config.get("PUBLIC_URL", ""),
                                              user)
    flash(_("Benachrichtigungen: %(queued)s neu in der Warteschlange, %(earlier)s schon "
            "früher.", queued=result.queued, earlier=result.earlier), "info")
    if result.without_email:
        flash(_("Ohne E-Mail-Adresse, nicht benachrichtigt: %(names)s",
                names="; ".join(result.without_email[:50])
                + (" …" if len(result.without_email) > 50 else "")), "warning")


def _post_and_issue(run_id, user):
    """Post, then make the payslips available (both steps can be repeated)."""
    posting.post_run(run_id, user)
    return _issue(run_id, user)


ACTIONS = {"calculate": (runs.calculate_run, "berechnet"),
           "approve": (runs.approve_run, "freigegeben"),
           "discard": (runs.discard_run, "verworfen"),
           "issue": (_issue, "Entgeltabrechnungen erstellt"),
           "post": (_post_and_issue, "gebucht, Entgeltabrechnungen erstellt"),
           "notify": (_notify, "Benachrichtigungen geprüft"),
           "reverse": (posting.reverse_run, "storniert")}


@bp.route("/runs/<run_id>/<action>", methods=["POST"])
def act(run_id, action):
    """Run one workflow step; a refused step comes back as a message, not an error page."""
    if action not in ACTIONS:
        abort(404)
    run = _run_or_404(run_id)
    function, done = ACTIONS[action]
    try:
        function(run.pk, _user())
        flash(f"Lohnlauf {run.period}: {done}", "info")
    except BusinessRuleError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".show", run_id=run.pk))


@bp.route("/runs/<run_id>")
def show(run_id):
    """Review screen: one row per employee, totals row, problems, next steps."""
    run = _run_or_404(run_id)
    page = page_arg()
    slips = (Payslip.objects(run=run).order_by("employee_data.personnel_no")
             .skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    count = run.totals.count if run.totals else 0
    pages = max(1, -(-count // PAGE_SIZE))
    return render_page("payroll/run.html", run=run, slips=slips, page=page, pages=pages,
                       labels=runs.STATUS_LABELS, month_name=MONTHS[run.month - 1],
                       last_day=month_bounds(run.year, run.month)[1],
                       owed=payments.open_liabilities(run), payment_labels=payments.LABELS,
                       today=date.today(), mail=payslip_mail.notification_status(run)
                       if run.status in documents.ISSUABLE else None)


@bp.route("/runs/<run_id>/pay/<kind>", methods=["POST"])
def pay(run_id, kind):
    """Post the payment of one liability of a posted run."""
    run = _run_or_404(run_id)
    try:
        on = parse_date(request.form.get("date") or date.today().isoformat())
        entry = payments.pay_liability(run.pk, kind, _user(), on)
        flash(f"{payments.LABELS[kind]} {run.period}: Zahlung über "
              f"{render.eur(entry.total_debit)} gebucht", "info")
    except ValueError:
        flash("Zahlungsdatum im Format JJJJ-MM-TT angeben", "error")
    except BusinessRuleError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".show", run_id=run.pk))


CALC_FIELDS = ("year", "month", "gross", "tax_class", "child_allowances", "church", "state",
               "birth_date", "children_under_25", "health_addon_rate", "health_fund",
               "private_health", "private_care")


@bp.route("/calculator", methods=["GET", "POST"])
def calculator_screen():
    """Gross-to-net for HR: the same calculation as the run, every component shown."""
    from models.health_fund import HealthFund

    form = {"year": str(date.today().year), "month": str(date.today().month),
            "tax_class": "1", "state": "NW", "child_allowances": "0",
            "children_under_25": "0"}
    rows, notes = None, []
    if request.method == "POST":
        form = {name: (request.form.get(name) or "").strip() for name in CALC_FIELDS}
        for flag in ("minijob", "pension_exempt", "has_children"):
            form[flag] = bool(request.form.get(flag))
        try:
            result = calculator.calculate(calculator.parse_input(
                **{**form, "year": _int(form["year"], "Jahr"),
                   "month": _int(form["month"], "Monat"),
                   "tax_class": _int(form["tax_class"], "Steuerklasse"),
                   "children_under_25": _int(form["children_under_25"] or "0",
                                             "Kinder unter 25"),
                   "birth_date": _date(form["birth_date"]),
                   "childless": False if form["has_children"] else None}))
            rows = list(zip(calculator.LABELS, calculator.components(result).values()))
            notes = result.notes
        except BusinessRuleError as exc:
            flash(str(exc), "error")
    return render_page("payroll/calculator.html", form=form, rows=rows, notes=notes,
                       funds=HealthFund.objects(active=True),
                       denominations=sorted(DENOMINATIONS.items()))


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BusinessRuleError(f"{what}: '{text}' ist keine ganze Zahl") from None


def _date(text: str):
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BusinessRuleError(f"Geburtsdatum '{text}': Format JJJJ-MM-TT") from None


@bp.route("/runs/<run_id>/payslips/<slip_id>")
def payslip(run_id, slip_id):
    """Drill-down: every amount of one payslip."""
    run = _run_or_404(run_id)
    slip = _payslip_or_404(run, slip_id)
    return render_page("payroll/payslip.html", run=run, slip=slip,
                           month_name=MONTHS[run.month - 1], labels=runs.STATUS_LABELS)


def _download(data: bytes, filename: str, mimetype: str, inline=False) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/runs/<run_id>/payslips/<slip_id>/pdf")
def payslip_pdf(run_id, slip_id):
    """The archived PDF of one payslip."""
    slip = _payslip_or_404(_run_or_404(run_id), slip_id)
    if slip.pdf is None:
        abort(404)
    return _download(slip.pdf.content.read(), slip.pdf.filename, "application/pdf", True)


@bp.route("/runs/<run_id>/payslips.zip")
def payslips_zip(run_id):
    """Every issued payslip PDF of a run in one ZIP."""
    run = _run_or_404(run_id)
    return _download(documents.payslip_zip(run),
                     f"Entgeltabrechnungen_{run.year}-{run.month:02d}.zip", "application/zip")


@bp.route("/runs/<run_id>/journal.csv")
def journal_csv(run_id):
    """The payroll journal as German CSV."""
    run = _run_or_404(run_id)
    return _download(documents.journal_csv(run), f"Lohnjournal_{run.year}-{run.month:02d}.csv",
                     "text/csv")


@bp.route("/runs/<run_id>/journal.pdf")
def journal_pdf(run_id):
    """The payroll journal as PDF."""
    run = _run_or_404(run_id)
    return _download(documents.journal_pdf(run, _company()),
                     f"Lohnjournal_{run.year}-{run.month:02d}.pdf", "application/pdf", True)


@bp.app_template_filter("eur")
def eur_filter(value):
    """An amount on a payroll screen in the page's language (the PDFs use render.eur)."""
    from views.i18n import money
    return money(value)


@bp.app_template_filter("pct")
def pct_filter(value):
    """A rate without trailing zeros in the page's language: 2,45 / 2.45."""
    from decimal import Decimal

    from views.i18n import number, ui_locale

    if ui_locale() == "de":
        return render.pct(value)
    return number(Decimal(value), 3).rstrip("0").rstrip(".")

"""Ledger report screens with CSV and PDF export: trial balance and account ledger."""
import io
from datetime import date
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from services.ledger import periods, posting
from services.core.errors import BusinessRuleError

from services.core.csv_safe import writer as csv_writer
from services.core.formatting import format_date_de
from services.ledger.reports import account_ledger, trial_balance
from services.core.pdf import FONT_CSS, html_to_pdf
from views.frame import render_page
from views.i18n import _
from services.core.formatting import parse_date

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
READERS = ("admin", "finance", "auditor")
CLOSERS = ("admin", "finance")


def finance_readers(view):
    """Let only admin, finance and auditor users in (others get 403)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.has_role(*READERS):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.app_template_filter("de_money")
def de_money(value):
    """An amount without the currency sign in the page's language (1.234,56 / 1,234.56)."""
    from views.i18n import number
    return number(value)


@bp.route("/trial-balance")
@finance_readers
def trial_balance_view():
    """Summen- und Saldenliste of a period as a screen, CSV or PDF."""
    year, start, end = _period_args()
    report = _or_400(lambda: trial_balance(year, start, end))
    fmt = request.args.get("format", "html")
    if fmt == "csv":
        rows = [[r.account, r.name, _csv(r.opening), _csv(r.debit), _csv(r.credit),
                 _csv(r.closing)] for r in report.rows]
        rows.append(["", "Summe", *(_csv(report.total(n))
                                    for n in ("opening", "debit", "credit", "closing"))])
        return _csv_response(f"susa-{year}.csv", ["Konto", "Bezeichnung", "EB-Saldo",
                                                  "Soll", "Haben", "Saldo"], rows)
    return _render("ledger/trial_balance.html", fmt, f"susa-{year}.pdf", report=report)


@bp.route("/account-ledger")
@finance_readers
def account_ledger_view():
    """Kontoblatt of one account for a period as a screen, CSV or PDF."""
    year, start, end = _period_args()
    account = request.args.get("account", "").strip()
    report = _or_400(lambda: account_ledger(account, year, start, end)) if account else None
    fmt = request.args.get("format", "html")
    if report is not None and fmt == "csv":
        rows = [[format_date_de(r.date), r.number, r.text, r.voucher_ref, r.contra,
                 _csv(r.debit), _csv(r.credit), _csv(r.balance)] for r in report.rows]
        rows.insert(0, ["", "", "Anfangssaldo", "", "", "", "", _csv(report.opening)])
        return _csv_response(f"konto-{account}-{year}.csv", [
            "Datum", "Nr.", "Buchungstext", "Beleg", "Gegenkonto", "Soll", "Haben", "Saldo"],
            rows)
    return _render("ledger/account_ledger.html", fmt, f"konto-{account}-{year}.pdf",
                   report=report, account=account)


@bp.route("/periods", methods=["GET", "POST"])
@finance_readers
def periods_view():
    """Fiscal years with their closed months; close a month; check the hash chains."""
    if request.method == "POST":
        if not current_user.has_role(*CLOSERS):
            abort(403)
        try:
            year = int(request.form["year"])
            month = int(request.form["month"]) if request.form.get("month") else None
            periods.close_period(year, month, user=current_user.email)
        except (KeyError, ValueError):
            flash("Jahr und Monat als Zahlen angeben", "error")
        except BusinessRuleError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{month:02d}/{year} abgeschlossen" if month else f"{year} abgeschlossen",
                  "success")
        return redirect(url_for("ledger.periods_view"))
    from models.posting import FiscalYear

    checks = [posting.verify_chain(y) for y in posting.known_years()] \
        if request.args.get("verify") else []
    return render_page("ledger/periods.html", years=FiscalYear.objects.order_by("-year"),
                           checks=checks, may_close=current_user.has_role(*CLOSERS))


def _period_args() -> tuple[int, date | None, date | None]:
    try:
        year = int(request.args.get("year") or date.today().year)
        start = parse_date(request.args["from"]) if request.args.get("from") else None
        end = parse_date(request.args["to"]) if request.args.get("to") else None
    except ValueError:
        abort(400, _("Das Jahr als Zahl angeben, Datumsangaben wie 31.12.2026."))
    return year, start, end


def _or_400(build):
    try:
        return build()
    except ValueError as exc:
        abort(400, str(exc))


def _render(template: str, fmt: str, filename: str, **context):
    if fmt == "pdf" and context.get("report") is not None:
        html = render_template(template, pdf=True, font_css=FONT_CSS, **context)
        response = Response(html_to_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render_page(template, pdf=False, args=request.args, **context)


def _csv(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def _csv_response(filename: str, header: list[str], rows: list[list]) -> Response:
    """German Excel CSV: ';', decimal comma, UTF-8 with BOM."""
    buf = io.StringIO()
    writer = csv_writer(buf)  # neutralises formulas in every text cell
    writer.writerow(header)
    writer.writerows(rows)
    response = Response("\ufeff" + buf.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

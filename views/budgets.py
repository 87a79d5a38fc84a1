"""Budget screen: plan vs actual by month and cumulative with a chart; CSV import; copy-forward."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from services.budgets.entry import copy_forward, import_budgets_csv
from services.budgets.plan import plan_vs_actual
from services.core.errors import BusinessRuleError
from views.frame import render_page
from views.i18n import _, translated
from views.ledger import CLOSERS, finance_readers

bp = Blueprint("budgets", __name__, url_prefix="/budgets")


@bp.route("/")
@finance_readers
def index():
    """Plan vs actual of a year (optionally one cost centre)."""
    try:
        year = int(request.args.get("year") or date.today().year)
        if not 1900 <= year <= 2999:
            raise ValueError(year)
    except ValueError:
        abort(400, _("Das Jahr als Zahl angeben, Datumsangaben wie 31.12.2026."))
    cost_center = request.args.get("cost_center") or None
    lines = plan_vs_actual(year, cost_center)
    return render_page("budgets/index.html", year=year, lines=lines,
                       cost_center=cost_center or "", may_write=current_user.has_role(*CLOSERS))


@bp.route("/import", methods=["POST"])
@finance_readers
def upload():
    """Import budget lines from a CSV file (all rows or none)."""
    _writers_only()
    file = request.files.get("file")
    try:
        count = import_budgets_csv(file.read() if file else b"")
        flash(_("%(count)s Budgetzeilen gespeichert.", count=count), "success")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for("budgets.index", year=request.form.get("year") or None))


@bp.route("/copy-forward", methods=["POST"])
@finance_readers
def copy():
    """Budget a year from the previous year's actuals ± percent."""
    _writers_only()
    try:
        year = int(request.form["year"])
        pct = Decimal((request.form.get("percent") or "0").replace(",", "."))
        if not 1901 <= year <= 2999 or not -100 <= pct <= 1000:
            raise ValueError(year)
    except (KeyError, ValueError, InvalidOperation):
        flash(_("Jahr und Prozentsatz als Zahlen angeben."), "error")
        return redirect(url_for("budgets.index"))
    created = copy_forward(year, pct, request.form.get("cost_center", "").strip())
    flash(_("%(count)s Budgetzeilen aus dem Vorjahr angelegt.", count=created), "success")
    return redirect(url_for("budgets.index", year=year))


def _writers_only() -> None:
    if not current_user.has_role(*CLOSERS):
        abort(403)

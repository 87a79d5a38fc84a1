"""Fixed-asset screens: the asset register report (Anlagenspiegel, screen/CSV/PDF) and disposal."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from models.fixed_asset import FixedAsset
from services.core.errors import BusinessRuleError
from services.core.formatting import format_date_de, parse_date
from services.fixed_assets.register import dispose_asset
from services.fixed_assets.report import MONEY_FIELDS, asset_register, totals
from views.i18n import _, money, translated
from views.ledger import CLOSERS, _csv, _csv_response, _render, finance_readers

bp = Blueprint("asset_screens", __name__, url_prefix="/fixed-assets")
COLUMNS = ["AK 01.01.", "Zugänge", "Abgänge", "AK 31.12.", "AfA kumuliert 01.01.",
           "AfA Geschäftsjahr", "AfA auf Abgänge", "AfA kumuliert 31.12.", "Buchwert 01.01.",
           "Buchwert 31.12."]


@bp.route("/register")
@finance_readers
def register():
    """Anlagenspiegel of a year as a screen, CSV or PDF."""
    try:
        year = int(request.args.get("year") or date.today().year)
        if not 1900 <= year <= 2999:
            raise ValueError(year)
    except ValueError:
        abort(400, _("Das Jahr als Zahl angeben, Datumsangaben wie 31.12.2026."))
    rows = asset_register(year)
    fmt = request.args.get("format", "html")
    if fmt == "csv":
        body = [[r.number, r.name, r.account, format_date_de(r.acquisition_date), r.method,
                 *(_csv(getattr(r, n)) for n in MONEY_FIELDS)] for r in rows]
        sums = totals(rows)
        body.append(["", "Summe", "", "", "", *(_csv(sums[n]) for n in MONEY_FIELDS)])
        return _csv_response(f"anlagenspiegel-{year}.csv", [
            "Nr.", "Bezeichnung", "Konto", "Anschaffung", "Methode", *COLUMNS], body)
    return _render("fixed_assets/register.html", fmt, f"anlagenspiegel-{year}.pdf",
                   report=rows, year=year, sums=totals(rows), fields=MONEY_FIELDS,
                   columns=COLUMNS, may_dispose=current_user.has_role(*CLOSERS))


@bp.route("/dispose", methods=["POST"])
@finance_readers
def dispose():
    """Record the sale or scrapping of an asset (posts depreciation, book value, proceeds)."""
    if not current_user.has_role(*CLOSERS):
        abort(403)
    try:
        number = int(request.form["number"])
        day = parse_date(request.form["date"])
        proceeds = Decimal((request.form.get("proceeds") or "0").replace(".", "")
                           .replace(",", "."))
    except (KeyError, ValueError, InvalidOperation):
        flash(_("Nummer, Datum (31.12.2026) und Erlös (1.234,56) angeben."), "error")
        return redirect(url_for("asset_screens.register"))
    asset = FixedAsset.objects(number=number).first()
    if asset is None:
        flash(_("Kein Anlagegut mit dieser Nummer."), "error")
    else:
        try:
            result = dispose_asset(asset, day=day, proceeds=proceeds, user=current_user.email)
            flash(_("Abgang gebucht: Buchwert %(bv)s, Ergebnis %(gain)s",
                    bv=money(result.book_value), gain=money(result.gain)), "success")
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
    return redirect(url_for("asset_screens.register", year=day.year))

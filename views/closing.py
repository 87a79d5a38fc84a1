"""Closing screens: GuV, Bilanz and BWA; UStVA with drill-down, ZM; VAT booking, carry-forward."""
import io
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from services.core.errors import BusinessRuleError
from services.core.formatting import parse_date
from services.ledger import bwa, statements, vat_booking, vat_return, year_end
from services.ledger.ec_sales_list import ec_sales_list
from views.frame import render_page
from views.i18n import _
from views.ledger import CLOSERS, _csv, _csv_response, _render, finance_readers

bp = Blueprint("closing", __name__, url_prefix="/closing")
REPORTS = ("guv", "bilanz", "bwa")


@bp.route("/statements")
@finance_readers
def statements_view():
    """GuV, Bilanz or BWA of a year up to a month, as a screen, CSV or PDF."""
    year, month = _year(), _int("month", 12)
    kind = request.args.get("report", "guv")
    if kind not in REPORTS or not 1 <= month <= 12:
        abort(400, _("Bericht guv, bilanz oder bwa und einen Monat 1 bis 12 angeben."))
    try:
        report = bwa.bwa(year, month) if kind == "bwa" else \
            statements.balance_sheet(year, month) if kind == "bilanz" else \
            statements.profit_and_loss(year, 1, month)
    except BusinessRuleError as exc:
        abort(400, str(exc))
    fmt = request.args.get("format", "html")
    name = f"{kind}-{year}-{month:02d}"
    if fmt == "csv":
        if kind == "bwa":
            return _csv_response(f"{name}.csv", [
                "Position", "Monat", "Vorjahresmonat", "kumuliert", "Vorjahr kumuliert"],
                [[r.label, _csv(r.month), _csv(r.month_previous_year), _csv(r.cumulative),
                  _csv(r.cumulative_previous_year)] for r in report])
        return _csv_response(f"{name}.csv", ["Posten", "Bezeichnung", "Betrag", "Vorjahr"],
                             [[r.code, r.label, _csv(r.amount), _csv(r.previous)]
                              for r in report.rows])
    return _render("closing/statements.html", fmt, f"{name}.pdf", report=report, kind=kind,
                   year=year, month=month)


@bp.route("/vat")
@finance_readers
def vat_view():
    """UStVA of a month or quarter (screen, CSV, ELSTER-numbered XML, PDF) and the ZM."""
    if "year" in request.args or "period" in request.args:
        year, period = _year(), request.args.get("period", "1")
    else:  # the month whose return is due next, not January
        last = date.today().replace(day=1) - timedelta(days=1)
        year, period = last.year, str(last.month)
    try:
        report = vat_return.vat_return(year, period)
        zm = ec_sales_list(year, period)
        kz = request.args.get("kz", "")
        drill = vat_return.lines_for(year, period, kz) if kz else None
    except BusinessRuleError as exc:
        abort(400, str(exc))
    fmt = request.args.get("format", "html")
    name = f"ustva-{year}-{report.label}"
    if fmt == "csv":
        return _csv_response(f"{name}.csv", ["Kennzahl", "Wert"],
                             [[k, _csv(v)] for k, v in report.fields().items()])
    if fmt == "xml":
        return Response(_elster_xml(report), mimetype="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{name}.xml"'})
    return _render("closing/vat.html", fmt, f"{name}.pdf", report=report, zm=zm, kz=kz,
                   drill=drill, year=year, period=period, may_book=_may_book(),
                   kz_labels=vat_return.KZ_LABELS)


@bp.route("/vat/book", methods=["POST"])
@finance_readers
def book_vat():
    """Book the period's VAT to the prepayment account, or its payment with an amount."""
    if not _may_book():
        abort(403)
    try:
        year, period = int(request.form["year"]), request.form["period"]
        if not 1900 < year < 9999:
            raise ValueError(year)
        if request.form.get("amount"):
            amount = Decimal(request.form["amount"].replace(".", "").replace(",", "."))
            day = parse_date(request.form.get("date") or date.today().strftime("%d.%m.%Y"))
            done = vat_booking.pay_vat(year, period, amount, day, current_user.email)
        else:
            done = vat_booking.book_vat_liability(year, period, current_user.email)
    except (KeyError, ValueError, ArithmeticError):
        flash(_("Jahr, Zeitraum und Betrag wie 1.234,56 angeben"), "error")
        return redirect(url_for("closing.vat_view"))
    except BusinessRuleError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Gebucht: Nr. %(number)s", number=done.number) if done
              else _("Nichts mehr zu buchen"), "success")
    return redirect(url_for("closing.vat_view", year=request.form.get("year"),
                            period=request.form.get("period")))


@bp.route("/carry-forward", methods=["POST"])
@finance_readers
def carry_forward():
    """Carry the balance-sheet accounts of a year into the next (Saldenvortrag)."""
    if not _may_book():
        abort(403)
    try:
        year = int(request.form["year"])
        if not 1900 < year < 9999:
            raise ValueError(year)
        done = year_end.carry_forward(year, current_user.email)
    except (KeyError, ValueError):
        flash(_("Das Jahr als Zahl angeben"), "error")
        return redirect(url_for("closing.statements_view"))
    except BusinessRuleError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Saldenvortrag gebucht: Nr. %(number)s", number=done.number) if done
              else _("Saldenvortrag ist schon vollständig"), "success")
    return redirect(url_for("closing.statements_view", year=request.form.get("year"),
                            report="bilanz"))


def _elster_xml(report) -> bytes:
    """The figures under their ELSTER field numbers (not a signed ERiC transmission)."""
    root = ET.Element("Umsatzsteuervoranmeldung", Jahr=str(report.year),
                      Zeitraum=report.label)
    whole_euros = {f"Kz{kz}" for kz in report.bases}  # bases: whole euros, taxes: cents
    for field, value in report.fields().items():
        ET.SubElement(root, field).text = f"{value:.0f}" if field in whole_euros \
            else f"{value:.2f}"
    buf = io.BytesIO()
    ET.ElementTree(root).write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue()


def _may_book() -> bool:
    return current_user.has_role(*CLOSERS)


def _year() -> int:
    year = _int("year", date.today().year)
    if not 1900 < year < 9999:
        abort(400, _("Das Jahr als Zahl angeben, Datumsangaben wie 31.12.2026."))
    return year


def _int(name: str, default: int) -> int:
    try:
        return int(request.args.get(name) or default)
    except ValueError:
        abort(400, _("Das Jahr als Zahl angeben, Datumsangaben wie 31.12.2026."))

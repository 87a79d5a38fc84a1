"""The invoice PDF: a Jinja template rendered by xhtml2pdf (no Flask needed).

xhtml2pdf lays a table out in time that grows with the square of its rows, so the
lines go into tables of CHUNK rows each (every one with the header row, which is
also repeated when a table breaks across pages).
"""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.core.formatting import format_date_de, format_decimal_de
from services.core.pdf import FONT_CSS, html_to_pdf
from services.core.units import unit_code, unit_name
from services.invoicing.skonto import skonto_text
from services.invoicing.totals import is_small_amount

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CHUNK = 40
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters["money"] = lambda v: format_decimal_de(v)
_env.filters["qty"] = lambda v: format_decimal_de(v, 3).rstrip("0").rstrip(",")
_env.filters["de_date"] = lambda v: format_date_de(v) if v else ""
_env.filters["unit_name"] = lambda v: unit_name(unit_code(v))


def invoice_html(inv, totals, rates, original=None) -> str:
    """Render the invoice's HTML for the PDF (`original`: the invoice a Stornorechnung cancels)."""
    rows = [(i, line, net) for i, (line, net)
            in enumerate(zip(inv.lines, totals.line_nets), start=1)]
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)] or [[]]
    return _env.get_template("pdf/invoice.html").render(
        inv=inv, totals=totals, rates=rates, chunks=chunks, font_css=FONT_CSS,
        skonto=skonto_text(inv.skonto_until, inv.skonto_percent, totals.gross)
        if inv.skonto_until and inv.skonto_percent and inv.kind == "invoice" else "",
        small=is_small_amount(totals, rates) and inv.kind == "invoice", original=original,
        reverse_charge=any(rates[r.code].category == "AE" for r in totals.rates),
        intra_eu=any(rates[r.code].category == "K" for r in totals.rates))


def render_invoice_pdf(inv, totals, rates, original=None) -> bytes:
    """Render the invoice as PDF bytes."""
    return html_to_pdf(invoice_html(inv, totals, rates, original))

"""The handover protocol (Übergabeprotokoll) of an asset as PDF, with signature lines."""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.core.formatting import format_date_de
from services.core.pdf import FONT_CSS, company_letterhead, html_to_pdf

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters["de_date"] = lambda v: format_date_de(v) if v else ""


def render_handover_pdf(asset, handover) -> bytes:
    """Render the protocol of one handover as PDF bytes."""
    html = _env.get_template("pdf/asset_handover.html").render(
        asset=asset, handover=handover, employee=handover.employee, font_css=FONT_CSS,
        company=company_letterhead())
    return html_to_pdf(html)

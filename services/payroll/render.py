"""HTML → PDF for payroll documents: xhtml2pdf with an embedded DejaVu font (ä, ß, €)."""
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from xhtml2pdf import pisa

from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.core.formatting import format_date_de, format_decimal_de

ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = ROOT / "static" / "fonts"
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def eur(value) -> str:
    """1234.5 → '1.234,50 €' (empty for None)."""
    return "" if value is None else f"{format_decimal_de(value)} €"


def pct(value) -> str:
    """A rate without trailing zeros: 8.000 → '8', 2.450 → '2,45'."""
    text = format_decimal_de(Decimal(value), 3).rstrip("0").rstrip(",")
    return text


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the PDF templates (no Flask needed)."""
    env = Environment(loader=FileSystemLoader(ROOT / "templates" / "payroll_pdf"),
                      autoescape=select_autoescape(default=True))
    env.filters.update(eur=eur, pct=pct,
                       date=lambda d: format_date_de(d) if d else "")
    env.globals.update(font_dir=FONT_DIR.as_posix(), months=MONTHS)
    return env


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    """Convert HTML to PDF bytes or raise a BusinessRuleError."""
    buf = io.BytesIO()
    status = pisa.CreatePDF(html, dest=buf, encoding="utf-8")
    if status.err:
        raise RuleError(N_("Das PDF konnte nicht erstellt werden; bitte an die IT melden."))
    return buf.getvalue()

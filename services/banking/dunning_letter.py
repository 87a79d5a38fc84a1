"""The dunning letter as PDF on the company letterhead (DIN 5008 layout of letterhead.html)."""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.core.formatting import format_date_de, format_decimal_de
from services.core.pdf import company_letterhead, html_to_pdf

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters["money"] = format_decimal_de
_env.filters["de_date"] = lambda v: format_date_de(v) if v else ""
_env.globals["_"] = lambda text, **kw: text % kw if kw else text  # German is the source


def letter_html(run, letter, level) -> str:
    """The letter's HTML: recipient, level title and text, open items, fee, interest."""
    from models.customer import Customer

    customer = Customer.objects(pk=letter.customer).first()
    return _env.get_template("pdf/dunning_letter.html").render(
        run=run, letter=letter, level=level, customer=customer, company=company_letterhead(),
        total=letter.open_total + letter.fee + letter.interest)


def render_letter_pdf(run, letter, level) -> bytes:
    """Render the letter as PDF bytes."""
    return html_to_pdf(letter_html(run, letter, level))

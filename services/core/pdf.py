"""HTML to PDF with xhtml2pdf and an embedded Unicode font (DejaVu Sans, bundled)."""
import io
from pathlib import Path

from xhtml2pdf import pisa

from services.core.errors import BusinessRuleError

DEFAULT_COMPANY = {
    "name": "Muster Handels GmbH", "street": "Industriestraße 12", "city": "50667 Köln",
    "phone": "+49 221 123456-0", "email": "einkauf@backoffice.example.com",
    "vat_id": "DE123456788", "register": "Amtsgericht Köln HRB 12345",
    "managing_director": "Erika Mustermann", "bank": "Sparkasse KölnBonn",
    "iban": "DE89 3704 0044 0532 0130 00",
}


def company_letterhead() -> dict:
    """The company data for letterheads: the entered master data, else the defaults."""
    from models.company import Company

    company = Company.current()
    if company is None:
        return dict(DEFAULT_COMPANY)
    return {"name": company.name, "street": company.street,
            "city": f"{company.postal_code} {company.city}", "phone": company.phone or "",
            "email": company.email or "", "vat_id": company.vat_id or "",
            "register": company.register or "",
            "managing_director": company.managing_director or "",
            "bank": company.bank_name or "", "iban": company.iban or ""}


FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
# @font-face rules for every face, so bold/italic text keeps umlauts, ß and €.
FONT_CSS = f"""
@font-face {{ font-family: "DejaVu Sans"; src: url("{FONT_DIR / 'DejaVuSans.ttf'}"); }}
@font-face {{ font-family: "DejaVu Sans"; src: url("{FONT_DIR / 'DejaVuSans-Bold.ttf'}");
              font-weight: bold; }}
@font-face {{ font-family: "DejaVu Sans"; src: url("{FONT_DIR / 'DejaVuSans.ttf'}");
              font-style: italic; }}
@font-face {{ font-family: "DejaVu Sans"; src: url("{FONT_DIR / 'DejaVuSans-Bold.ttf'}");
              font-weight: bold; font-style: italic; }}
"""


PAGE_COUNT = "<pdf:pagecount>"


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes; raise BusinessRuleError if it fails.

    A "page n of <pdf:pagecount>" footer makes xhtml2pdf lay the document out twice
    (once only to count the pages). Instead it is laid out once with the count guessed
    as 1; a document that came out longer is laid out again with the count it had, and
    only if that changed the page count does the two-pass layout decide. Most
    documents (invoices, payslips) have one page: half the rendering time.
    """
    if PAGE_COUNT not in html:
        return _render(html)
    guess = 1
    for _ in range(2):
        pdf = _render(html.replace(PAGE_COUNT, str(guess)))
        pages = _page_count(pdf)
        if pages == guess:
            return pdf
        guess = pages
    return _render(html)


def _page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _render(html: str) -> bytes:
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=_local_only)
    if status.err:
        raise BusinessRuleError(f"the PDF could not be rendered ({status.err} error(s))")
    return out.getvalue()


def _local_only(uri: str, rel: str) -> str:
    """Resolve only the bundled fonts; nothing is fetched from the network."""
    path = Path(uri)
    if path.is_absolute() and path.resolve().parent == FONT_DIR:
        return str(path)
    return ""

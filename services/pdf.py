"""Turn rendered HTML into PDF bytes with xhtml2pdf (no network: local resources only)."""
import io

from services.errors import BusinessRuleError

DEFAULT_COMPANY = {
    "name": "Muster Handels GmbH", "street": "Industriestraße 12", "city": "50667 Köln",
    "phone": "+49 221 123456-0", "email": "einkauf@backoffice.example.com",
    "vat_id": "DE123456788", "register": "Amtsgericht Köln HRB 12345",
    "managing_director": "Erika Mustermann", "bank": "Sparkasse KölnBonn",
    "iban": "DE89 3704 0044 0532 0130 00",
}


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF; refuse to fetch anything from outside."""
    from xhtml2pdf import pisa

    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8",
                            link_callback=lambda uri, rel: "")
    if status.err:
        raise BusinessRuleError("Das PDF konnte nicht erzeugt werden.")
    return out.getvalue()

"""Sending an issued invoice to the customer by e-mail (queued; the scheduler sends it).

The PDF is the Factur-X/ZUGFeRD hybrid (PDF/A-3 with the CII XML embedded), so every
customer gets a valid e-invoice with one attachment. A customer with a Leitweg-ID (public
sector, XRechnung) gets the XRechnung XML as well, which is the legally relevant
document for them. The customer's `mail_language` picks the text (German by default).
"""
from models.invoice import Invoice
from services.core.formatting import format_date_de, format_money_de
from services.core.mail import queue_mail
from services.core.messages import N_, RuleError

TEXTS = {
    "de": {
        "invoice": ("Rechnung {number} von {company}",
                    "Guten Tag,\n\nanbei erhalten Sie unsere Rechnung {number} vom {date} "
                    "über {amount}, zahlbar bis {due}.\n\nDie PDF-Datei enthält die Rechnung "
                    "zusätzlich als elektronische Rechnung (ZUGFeRD/Factur-X).\n\n"
                    "Mit freundlichen Grüßen\n{company}\n"),
        "credit_note": ("Stornorechnung {number} von {company}",
                        "Guten Tag,\n\nanbei erhalten Sie unsere Stornorechnung {number} vom "
                        "{date} über {amount}.\n\nMit freundlichen Grüßen\n{company}\n"),
    },
    "en": {
        "invoice": ("Invoice {number} from {company}",
                    "Hello,\n\nplease find attached our invoice {number} of {date} for "
                    "{amount}, payable by {due}.\n\nThe PDF file also contains the invoice as "
                    "an electronic invoice (ZUGFeRD/Factur-X).\n\nKind regards\n{company}\n"),
        "credit_note": ("Cancellation invoice {number} from {company}",
                        "Hello,\n\nplease find attached our cancellation invoice {number} of "
                        "{date} for {amount}.\n\nKind regards\n{company}\n"),
    },
}


def queue_invoice_mail(invoice: Invoice, user: str):
    """Queue the issued invoice for its customer; sending it twice needs a new decision."""
    if invoice.status not in ("issued", "paid", "cancelled") or not invoice.pdf_file:
        raise RuleError(N_("Nur ausgestellte Rechnungen können versendet werden."))
    customer = invoice.customer
    address = customer.electronic_address or customer.email
    if not address:
        raise RuleError(N_("Kunde %(name)s hat keine E-Mail-Adresse: bitte im Kunden eintragen."),
                        name=customer.name)
    language = getattr(customer, "mail_language", None) or "de"
    subject, body = _texts(invoice, language)
    attachments = [_attachment(invoice.pdf_file, f"{invoice.number}.pdf", "application/pdf",
                               invoice.pdf_sha256)]
    if customer.leitweg_id and invoice.xml_file:
        attachments.append(_attachment(invoice.xml_file, f"{invoice.number}-xrechnung.xml",
                                       "application/xml"))
    sent_before = _count_for(invoice)
    return queue_mail(key=f"invoice:{invoice.pk}:{sent_before + 1}", kind="invoice",
                      to=[address], subject=subject, body=body, user=user, language=language,
                      attachments=attachments, document=("invoice", invoice.pk, invoice.number))


def _count_for(invoice: Invoice) -> int:
    from models.mail import OutgoingMail
    return OutgoingMail.objects(document_id=invoice.pk, kind="invoice").count()


def _texts(invoice: Invoice, language: str) -> tuple[str, str]:
    subject, body = TEXTS[language][invoice.kind]
    company = (invoice.supplier or {}).get("name", "")
    values = dict(number=invoice.number, company=company,
                  date=_date(invoice.issue_date, language), due=_date(invoice.due_date, language),
                  amount=_money(invoice.gross_total, language))
    return subject.format(**values), body.format(**values)


def _date(value, language):
    if value is None:
        return ""
    return format_date_de(value) if language == "de" else value.isoformat()


def _money(value, language):
    return format_money_de(value) if language == "de" else f"{value:,.2f} EUR"


def _attachment(file_id, filename, content_type, sha256=None) -> dict:
    return {"archived_file": file_id, "filename": filename, "content_type": content_type,
            "sha256": sha256}

"""Sending a confirmed dunning letter by e-mail (queued; the scheduler sends and logs it).

The letter PDF archived by the run is the attachment. A customer without an e-mail
address gets the letter by post: nothing is queued and the letter says so.
"""
from services.core.formatting import format_date_de, format_money_de
from services.core.mail import queue_mail

TEXTS = {
    "de": ("{title} – {company}",
           "Guten Tag,\n\nanbei erhalten Sie unser Schreiben „{title}“ vom {date} zu offenen "
           "Rechnungen über insgesamt {amount}.\n\nSollten Sie inzwischen gezahlt haben, "
           "betrachten Sie dieses Schreiben als gegenstandslos.\n\nMit freundlichen Grüßen\n"
           "{company}\n"),
    "en": ("Payment reminder – {company}",
           "Hello,\n\nplease find attached our payment reminder of {date} about open invoices "
           "totalling {amount}.\n\nIf you have paid in the meantime, please disregard this "
           "letter.\n\nKind regards\n{company}\n"),
}


def queue_letter_mail(run, letter, level, pdf_file, pdf_sha256, user: str):
    """Queue the letter for the customer's address; None when it goes by post."""
    from models.company import Company
    from models.customer import Customer

    customer = Customer.objects(pk=letter.customer).first()
    address = customer and (customer.email or customer.electronic_address)
    if not address:
        return None
    language = customer.mail_language or "de"
    company = Company.current()
    total = letter.open_total + letter.fee + letter.interest
    values = dict(title=level.title, company=company.name if company else "",
                  date=format_date_de(run.as_of) if language == "de" else run.as_of.isoformat(),
                  amount=format_money_de(total) if language == "de" else f"{total:,.2f} EUR")
    subject, body = (text.format(**values) for text in TEXTS[language])
    return queue_mail(
        key=f"dunning:{run.pk}:{letter.key}", kind="dunning", to=[address], subject=subject,
        body=body, user=user, language=language,
        attachments=[{"archived_file": pdf_file, "filename": f"{run.number}-{level.level}.pdf",
                      "content_type": "application/pdf", "sha256": pdf_sha256}],
        document=("dunning", run.pk, f"{run.number} {letter.customer_name}"[:120]))

"""Issuing, paying and cancelling invoices; every step is safe to repeat after a crash.

Issuing: check §14 fields and the XML against the XSD and the EN 16931 Schematron
(with a provisional number, so a refusal takes no number) -> take the next number of
the year's sequence, owned by the invoice (a retry gets the same number) -> freeze the invoice (status `issuing`) -> post the
journal entry (idempotency key `invoice:<id>`) -> render the PDF with the embedded
XML and archive both (found again by their description) -> status `issued`.
`resume_issuing()` finishes invoices a crash left in `issuing`.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from bson import ObjectId

from models.company import Company
from models.counter import next_number
from models.invoice import Invoice, Payment, VatRate
from models.ledger import JournalEntry
from models.posting import PostingKey
from services.archive import store as archive_store
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.invoicing import einvoice, schematron
from services.invoicing.cost_centers import check_cost_centers, revenue_parts
from services.invoicing.totals import compute_totals, missing_fields
from services.ledger import posting
from services.ledger import personal_accounts
from services.ledger.charts import posting_accounts

PREFIX = {"invoice": "RE", "credit_note": "ST"}


@dataclass
class IssuedDocuments:
    pdf: bytes
    xml: bytes


def rate_table() -> dict[str, VatRate]:
    """The VAT rates by code, as seeded."""
    return {rate.code: rate for rate in VatRate.objects}


def totals_of(invoice: Invoice):
    """Totals of an invoice's current lines (for drafts and live previews)."""
    return totals_for(invoice.lines, rate_table())


def totals_for(lines, rates: dict[str, VatRate]):
    """Totals of lines under the VAT rates (zero-rate lines keep their legal wording)."""
    return compute_totals(lines, {code: r.rate for code, r in rates.items()},
                          {code: r.invoice_text for code, r in rates.items()
                           if r.category != "E" and r.invoice_text})


def issue_invoice(invoice: Invoice, user: str, *, today: date | None = None) -> Invoice:
    """Issue a draft: number, freeze, post, PDF + XML to the archive; repeat-safe."""
    inv = Invoice.objects.get(pk=invoice.pk)
    if inv.status in ("issued", "paid", "cancelled"):
        return inv
    if inv.status == "draft":
        _freeze(inv, user, today or date.today())
        inv = Invoice.objects.get(pk=inv.pk)
    return _finish_issue(inv, user)


def resume_issuing() -> int:
    """Finish every invoice a crash left half-issued; return how many."""
    pending = list(Invoice.objects(status="issuing"))
    for inv in pending:
        _finish_issue(inv, inv.issued_by or "recovery")
    return len(pending)


def record_payment(invoice: Invoice, *, amount: Decimal, day: date, user: str,
                   key: str, reference: str = "", bank_account: str | None = None) -> Invoice:
    """Post a payment (bank / receivable) once per key and mark the invoice (part-)paid."""
    inv = Invoice.objects.get(pk=invoice.pk)
    if any(p.key == key for p in inv.payments):
        return _repeated_payment(inv)  # a crash may have left the status behind
    if inv.kind != "invoice" or inv.status not in ("issued", "paid"):
        raise RuleError(N_("%(invoice)s: Zahlungen lassen sich nur zu ausgestellten Rechnungen "
                           "erfassen."), invoice=str(inv))
    amount = Decimal(amount)
    if amount <= 0:
        raise RuleError(N_("Der Zahlbetrag muss über null liegen."))
    open_amount = inv.gross_total - inv.paid_total
    if amount > open_amount:
        raise BusinessRuleError(f"{inv}: the payment of {amount:.2f} € exceeds the open "
                                f"amount of {open_amount:.2f} €")
    accounts = posting_accounts()
    entry = posting.post_new_entry(
        date=day, text=f"Zahlung {inv.number} {inv.recipient.get('name', '')}"[:200],
        lines=[{"account": bank_account or accounts["bank"], "debit": amount},
               {"account": _receivable_account(inv), "credit": amount}],
        source="payment", user=user, voucher_ref=inv.number,
        idempotency_key=f"payment:{inv.pk}:{key}:{_cents(amount)}")
    if entry.reversed_by:
        raise BusinessRuleError(f"{inv}: this payment was refused before (it exceeded the open "
                                "amount); enter it again with the right amount")
    payment = Payment(key=key, date=day, amount=amount, reference=reference,
                      entry_id=entry.pk, recorded_by=user)
    _attach_payment(inv, payment, entry, user)
    return _update_paid_status(inv.pk)


def return_payment(invoice_id, *, payment_key: str, day: date, user: str, key: str,
                   reference: str = "", bank_account: str | None = None) -> Invoice:
    """Take back a payment the bank returned: receivable / bank, the invoice is open again.

    Repeat-safe: the entry has an idempotency key and the payment is marked returned
    with a compare-and-set, so a crash in between is finished by calling it again.
    """
    inv = Invoice.objects.get(pk=invoice_id)
    found = [(i, p) for i, p in enumerate(inv.payments) if p.key == payment_key]
    if not found:
        raise BusinessRuleError(f"{inv}: die zurückgebuchte Zahlung ist an der Rechnung nicht "
                                "erfasst; bitte die Rückbuchung auf ein Konto buchen")
    i, payment = found[0]
    if payment.returned_on and payment.return_key != key:
        raise BusinessRuleError(f"{inv}: die Zahlung vom {payment.date:%d.%m.%Y} wurde "
                                "schon zurückgebucht")
    amount = payment.amount
    entry = posting.post_new_entry(
        date=day, text=f"Rücklastschrift {inv.number} {inv.recipient.get('name', '')}"[:200],
        lines=[{"account": _receivable_account(inv), "debit": amount},
               {"account": bank_account or posting_accounts()["bank"], "credit": amount}],
        source="payment", user=user, voucher_ref=(reference or inv.number)[:60],
        idempotency_key=f"payment-return:{inv.pk}:{key}")
    done = Invoice._get_collection().update_one(
        {"_id": inv.pk, f"payments.{i}.key": payment_key,
         f"payments.{i}.returned_on": {"$exists": False}},
        {"$set": {f"payments.{i}.returned_on": datetime.combine(day, datetime.min.time()),
                  f"payments.{i}.return_entry_id": entry.pk,
                  f"payments.{i}.return_key": key}})
    if not done.modified_count:
        stored = Invoice.objects.get(pk=inv.pk).payments[i]
        if stored.return_key != key:  # another return of the same payment came first
            posting.reverse_entry(entry, user, text=f"Storno Rücklastschrift {inv.number}: "
                                  "doppelt")
            raise BusinessRuleError(f"{inv}: die Zahlung vom {payment.date:%d.%m.%Y} wurde "
                                    "schon zurückgebucht")
    return _update_paid_status(inv.pk)


def _attach_payment(inv: Invoice, payment: Payment, entry, user: str) -> None:
    """Add the payment only if the open amount still covers it (compare-and-set).

    Two payments entered at the same moment were both checked against the old open
    amount; the paid total in the filter makes the second one re-check. One that no
    longer fits is reversed in the journal, so books and invoice stay in step.
    """
    coll = Invoice._get_collection()
    cents = _cents(payment.amount)
    for _ in range(20):
        current = coll.find_one({"_id": inv.pk}, {"paid_total": 1, "gross_total": 1,
                                                 "payments.key": 1})
        if any(p.get("key") == payment.key for p in current.get("payments", [])):
            return  # recorded by an earlier attempt
        paid = current.get("paid_total") or 0
        if paid + cents > current["gross_total"]:
            posting.reverse_entry(entry, user, text=f"Storno Zahlung {inv.number}: "
                                  "übersteigt den offenen Betrag")
            raise BusinessRuleError(
                f"{inv}: the payment of {payment.amount:.2f} € exceeds the open amount of "
                f"{Decimal(current['gross_total'] - paid) / 100:.2f} € (another payment was "
                "recorded at the same time); it was not recorded")
        done = coll.update_one(
            {"_id": inv.pk, "paid_total": current.get("paid_total"),
             "payments.key": {"$ne": payment.key}},
            {"$push": {"payments": payment.to_mongo()}, "$set": {"paid_total": paid + cents}})
        if done.modified_count:
            return
    raise BusinessRuleError(f"{inv}: too many payments at the same moment; try again")


def cancel_invoice(invoice: Invoice, user: str, *, today: date | None = None) -> Invoice:
    """Cancel an unpaid issued invoice by a credit note that reverses its posting."""
    inv = Invoice.objects.get(pk=invoice.pk)
    if inv.kind != "invoice" or inv.status not in ("issued", "cancelled"):
        raise BusinessRuleError(f"{inv}: only issued invoices can be cancelled "
                                "(a draft can simply be deleted)")
    if inv.payments:
        raise BusinessRuleError(f"{inv}: payments are recorded; refund them before cancelling")
    note = _credit_note_for(inv, user, today or date.today())
    note = issue_invoice(note, user, today=today)
    _mark_cancelled(note)
    return note


def _mark_cancelled(note: Invoice) -> None:
    Invoice._get_collection().update_one(
        {"_id": note.cancels}, {"$set": {"status": "cancelled", "cancelled_by": note.pk}})


# ---------------------------------------------------------------- issuing steps

def _freeze(inv: Invoice, user: str, today: date) -> None:
    """Check everything, take the number, and write the frozen invoice (status issuing)."""
    rates = rate_table()
    company = Company.current()
    totals = totals_for(inv.lines, rates)
    missing = missing_fields(inv, company, totals, rates)
    if missing:
        raise BusinessRuleError(f"{inv} cannot be issued, missing: " + "; ".join(missing))
    check_cost_centers(inv, rates)
    issue_date = inv.issue_date or today
    if posting.is_period_closed(issue_date):
        raise BusinessRuleError(f"the period {issue_date:%m/%Y} is closed; "
                                "issue the invoice with a date in an open period")
    frozen = _frozen_fields(inv, company, totals, rates, issue_date)
    sequence = f"{PREFIX[inv.kind]}-{issue_date.year}"
    # Check the XML with a provisional number first: a refusal must not use up a number.
    xml = _xml_for({**_as_dict(inv), **frozen, "number": f"{sequence}-99999"}, totals, rates)
    schematron.check_schematron(xml)
    number = next_number(f"invoice:{sequence}", owner=str(inv.pk))
    frozen.update(number=f"{sequence}-{number:05d}", status="issuing", issued_by=user)
    result = Invoice._get_collection().update_one({"_id": inv.pk, "status": "draft"},
                                                  {"$set": frozen})
    if result.matched_count == 0 and Invoice.objects.get(pk=inv.pk).status == "draft":
        raise BusinessRuleError(f"{inv} was changed meanwhile; open it again")
    # else a parallel issue of the same invoice froze it first (with the same number)


def finish_issue_in_open_period(invoice: Invoice, user: str, post_date: date) -> Invoice:
    """Finish an invoice whose month was closed while it was being issued.

    It keeps its number and its invoice date; only its journal entry is dated
    `post_date`, in an open period, and its text names the invoice date. This is the
    clerk's decision (`flask --app app invoice finish`), never taken automatically.
    """
    inv = Invoice.objects.get(pk=invoice.pk)
    if inv.status != "issuing":
        raise BusinessRuleError(f"{inv}: only an invoice held up while being issued can be "
                                "finished this way")
    issued_on = _day(inv.issue_date)
    if post_date < issued_on:
        raise BusinessRuleError(f"the posting date must not be before the invoice date "
                                f"{issued_on:%d.%m.%Y}")
    if posting.is_period_closed(post_date):
        raise BusinessRuleError(f"the period {post_date:%m/%Y} is closed too; "
                                "give a date in an open period")
    done = _finish_issue(inv, user, post_date=post_date)
    if done.kind == "credit_note":
        _mark_cancelled(done)
    return done


def _finish_issue(inv: Invoice, user: str, post_date: date | None = None) -> Invoice:
    rates = rate_table()
    totals = totals_for(inv.lines, rates)
    try:
        entry = _post_invoice(inv, totals, rates, user, post_date)
    except BusinessRuleError:
        issued_on = _day(inv.issue_date)
        if post_date is None and posting.is_period_closed(issued_on):
            raise BusinessRuleError(
                f"{inv.number} has its number, but the period {issued_on:%m/%Y} was closed "
                "while it was being issued, so it cannot be posted on its date. Post it "
                f"into an open period: flask --app app invoice finish {inv.number} "
                "--post-date YYYY-MM-DD (the invoice keeps its date)") from None
        raise
    docs = render_documents(inv, totals, rates)
    xml_file = archive_store.store_generated(
        docs.xml, f"{inv.number}.xml", "application/xml", inv.issue_date, user,
        key=f"invoice-xml:{inv.pk}")
    pdf_file = archive_store.store_generated(
        docs.pdf, f"{inv.number}.pdf", "application/pdf", inv.issue_date, user,
        key=f"invoice-pdf:{inv.pk}")
    Invoice._get_collection().update_one({"_id": inv.pk, "status": "issuing"}, {"$set": {
        "status": "issued", "journal_entry": entry.pk, "pdf_file": pdf_file.pk,
        "xml_file": xml_file.pk, "pdf_sha256": pdf_file.sha256,
        "issued_at": datetime.now(timezone.utc)}})
    return Invoice.objects.get(pk=inv.pk)


def _post_invoice(inv: Invoice, totals, rates, user: str,
                  post_date: date | None = None) -> JournalEntry:
    """Post receivable / revenue and VAT per rate (a credit note reverses its invoice).

    Dated the invoice date, or `post_date` when the clerk finishes an invoice whose
    month was closed meanwhile (its text then names the invoice date).
    """
    day = post_date or inv.issue_date
    dated = f" vom {_day(inv.issue_date):%d.%m.%Y}" if post_date else ""
    if inv.kind == "credit_note":
        original = Invoice.objects.get(pk=inv.cancels)
        entry = JournalEntry.objects.get(pk=original.journal_entry)
        if entry.reversed_by:
            return JournalEntry.objects.get(pk=entry.reversed_by)
        text = f"Stornorechnung {inv.number}{dated} zu {original.number}"
        _redate_draft(f"reversal:{entry.pk}", day, text, post_date)
        return posting.reverse_entry(entry, user, date=day, text=text)
    lines = [{"account": _receivable_account(inv), "debit": totals.gross,
              "text": inv.recipient["name"]}]
    for rate in totals.rates:
        table = rates[rate.code]
        for cost_center, net in revenue_parts(inv, rate.code):
            lines.append({"account": table.revenue_account, "credit": net,
                          "tax_key": table.tax_key,
                          **({"cost_center": cost_center} if cost_center else {})})
        if rate.vat:
            lines.append({"account": table.vat_account, "credit": rate.vat,
                          "tax_key": table.tax_key})
    lines = [line for line in lines if (line.get("debit") or line.get("credit"))]
    text = f"Rechnung {inv.number}{dated} {inv.recipient['name']}"[:200]
    _redate_draft(f"invoice:{inv.pk}", day, text, post_date)
    return posting.post_new_entry(
        date=day, text=text, lines=lines, source="invoice", user=user,
        voucher_ref=inv.number, idempotency_key=f"invoice:{inv.pk}")


def _receivable_account(inv: Invoice) -> str:
    """The customer's personal account from the cut-over date on, else the collective one.

    Decided by the invoice date, so an invoice and all its payments use the same account.
    """
    return personal_accounts.receivable_account(inv.customer, _day(inv.issue_date))


def _redate_draft(key: str, day, text: str, post_date: date | None) -> None:
    """Move the draft an earlier, refused attempt left under `key` to the new date."""
    if post_date is None:
        return
    known = PostingKey._get_collection().find_one({"_id": key})
    draft = known and JournalEntry.objects(pk=known["entry_id"], status="draft").first()
    if draft:
        draft.date, draft.text = day, text[:200]
        draft.save()


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def render_documents(inv: Invoice, totals=None, rates=None) -> IssuedDocuments:
    """Render the invoice PDF with its EN 16931 XML embedded (and the XML alone)."""
    from services.invoicing.pdf import render_invoice_pdf

    rates = rates or rate_table()
    totals = totals or totals_for(inv.lines, rates)
    xml = _xml_for(_as_dict(inv), totals, rates)
    original = inv.cancels and Invoice.objects(pk=inv.cancels).only("number", "issue_date").first()
    pdf = render_invoice_pdf(inv, totals, rates, original)
    title = f"{'Stornorechnung' if inv.kind == 'credit_note' else 'Rechnung'} {inv.number}"
    return IssuedDocuments(einvoice.embed_xml(pdf, xml, title=title,
                                              author=inv.supplier.get("name", "")), xml)


def _xml_for(data: dict, totals, rates) -> bytes:
    for line in data["lines"]:
        line["rate"] = rates[line["vat_rate"]].rate
    original = None
    if data.get("cancels"):
        original = Invoice.objects(pk=data["cancels"]).only("number", "issue_date").first()
    xml = einvoice.build_cii_xml(data, totals, rates,
                                 original_number=original and original.number,
                                 original_date=original and _day(original.issue_date))
    einvoice.check_xml(xml)
    return xml


def _frozen_fields(inv, company, totals, rates, issue_date) -> dict:
    customer = inv.customer
    return {
        "issue_date": datetime.combine(issue_date, datetime.min.time()),
        "due_date": datetime.combine(issue_date + timedelta(days=inv.payment_days or 0),
                                     datetime.min.time()),
        "skonto_until": datetime.combine(issue_date + timedelta(days=inv.skonto_days),
                                         datetime.min.time()) if inv.skonto_days else None,
        "recipient": {k: getattr(customer, k) or "" for k in
                      ("customer_no", "name", "street", "postal_code", "city", "country",
                       "vat_id", "email", "leitweg_id", "electronic_address")},
        "supplier": {**{k: getattr(company, k) or "" for k in
                        ("name", "street", "postal_code", "city", "country", "vat_id",
                         "tax_number", "email", "phone", "managing_director", "register",
                         "bank_name", "iban", "bic")},
                     "contact_name": company.managing_director or company.name},
        "tax_lines": [{"rate_code": r.code, "rate": int(r.rate * 100), "net": _cents(r.net),
                       "vat": _cents(r.vat), "exemption_reason": r.exemption_reason or None,
                       "category": rates[r.code].category, "ustva_kz": rates[r.code].ustva_kz}
                      for r in totals.rates],
        "net_total": _cents(totals.net), "vat_total": _cents(totals.vat),
        "gross_total": _cents(totals.gross), "paid_total": 0,
    }


def _as_dict(inv: Invoice) -> dict:
    """The invoice as plain values (dates as date, amounts as Decimal) for the XML."""
    return {
        "number": inv.number, "kind": inv.kind, "issue_date": _day(inv.issue_date),
        "service_date": _day(inv.service_date), "service_date_end": _day(inv.service_date_end),
        "due_date": _day(inv.due_date), "notes": inv.notes, "payment_terms": inv.payment_terms,
        "skonto_days": inv.skonto_days, "skonto_percent": inv.skonto_percent,
        "skonto_until": _day(inv.skonto_until),
        "recipient": dict(inv.recipient or {}), "supplier": dict(inv.supplier or {}),
        "cancels": inv.cancels,
        "lines": [{"description": ln.description, "quantity": ln.quantity, "unit": ln.unit,
                   "unit_price": ln.unit_price, "vat_rate": ln.vat_rate,
                   "exemption_reason": ln.exemption_reason} for ln in inv.lines],
    }


def _credit_note_for(inv: Invoice, user: str, today: date) -> Invoice:
    """Create (once) the draft credit note that cancels an invoice."""
    note_id = posting.claim_key(f"credit-note:{inv.pk}", ObjectId())
    existing = Invoice.objects(pk=note_id).first()
    if existing:
        return existing  # a repeated or parallel cancellation: one credit note only
    note = Invoice(id=note_id, kind="credit_note", customer=inv.customer, issue_date=today,
                   service_date=inv.service_date, service_date_end=inv.service_date_end,
                   lines=inv.lines, payment_terms="Der Betrag wird verrechnet bzw. erstattet.",
                   payment_days=0, notes=f"Stornorechnung zu Rechnung {inv.number} vom "
                   f"{inv.issue_date:%d.%m.%Y}.", cancels=inv.pk, created_by=user)
    note.save()
    return note


def _update_paid_status(pk: ObjectId) -> Invoice:
    inv = Invoice.objects.get(pk=pk)
    paid = sum((p.cleared for p in inv.payments), Decimal("0.00"))
    status = "paid" if paid >= inv.gross_total else "issued"
    Invoice._get_collection().update_one({"_id": pk}, {"$set": {
        "paid_total": _cents(paid), "status": status}})
    return Invoice.objects.get(pk=pk)


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _repeated_payment(inv: Invoice) -> Invoice:
    """A payment recorded again (same key): finish what a crash right after attaching it
    left undone, the invoice's status. (At the end of the module: the stored mutation
    session of this module applies its mutants by their occurrence, TESTING.md.)"""
    return _update_paid_status(inv.pk) if inv.status in ("issued", "paid") else inv

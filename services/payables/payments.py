"""What is open and its payment: the interface for SEPA runs and bank matching.

`open_supplier_invoices` gives a payment run everything it needs; `record_supplier_payment`
posts a payment (payable to bank, a refund of a credit note the other way), with the
Skonto taken if paid within its period, exactly once per idempotency key.

Race-free: the payment is first written into the invoice by compare-and-set on the
cleared total that was read (two payments under different keys can never clear more
than is open: the loser re-reads and is checked against what is left), then its
journal entry is posted under an id claimed before the write. A crash in between
leaves a payment whose entry is missing; repeating the same key posts it.
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from bson import ObjectId

from models.supplier_invoice import SupplierInvoice, SupplierPayment
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.ledger.charts import posting_account
from services.payables.booking import DEFAULT_SELF_ASSESSED_RATE, is_foreign, payable_account
from services.payables.fx import to_eur
from services.payables.skonto import discount_lines

ZERO = Decimal("0.00")
ATTEMPTS = 8  # compare-and-set retries when other payments of the invoice come in between


def open_supplier_invoices(due_until: date | None = None) -> list[dict]:
    """Posted invoices with an open amount (credit notes negative), by due date."""
    query = SupplierInvoice.objects(status="posted")
    if due_until is not None:
        query = query.filter(due_date__lte=due_until)
    result = []
    for inv in query.order_by("due_date"):
        sign = -1 if inv.kind == "credit_note" else 1
        open_amount = inv.open_amount
        if open_amount <= 0:
            continue
        result.append({
            "id": str(inv.pk), "kind": inv.kind,
            "supplier_id": str(inv.supplier.pk) if inv.supplier else None,
            "supplier": inv.supplier.name if inv.supplier else inv.supplier_data.get("name"),
            "iban": inv.iban or (inv.supplier.iban if inv.supplier else None),
            "iban_confirmed": not inv.iban_mismatch or bool(inv.iban_confirmed_by),
            "number": inv.number, "currency": inv.currency,
            "amount_open": sign * open_amount, "due_date": inv.due_date,
            "skonto_until": inv.skonto_until if _skonto_open(inv) else None,
            "skonto_amount": sign * inv.skonto_amount if _skonto_open(inv) else None,
            "payment_reference": inv.payment_reference or inv.number,
            "end_to_end_ref": inv.end_to_end_ref})
    return result


def record_supplier_payment(invoice_id, amount, day: date, user: str, idempotency_key: str,
                            bank_account: str | None = None, discount=None,
                            amount_eur=None) -> SupplierInvoice:
    """Post a payment of (or a refund for) a posted invoice once per idempotency key.

    `discount` is the Skonto taken: allowed on an unpaid invoice paid by its Skonto
    deadline, at most the Skonto of its terms, and only when it settles the invoice.
    A foreign-currency invoice: `amount` is what it clears in the invoice's currency,
    `amount_eur` what left (or reached) the bank; the difference to the booked EUR is an
    exchange gain or loss (Kursdifferenz).
    """
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    discount = Decimal(str(discount or 0)).quantize(Decimal("0.01"))
    for _ in range(ATTEMPTS):
        inv = _posted(invoice_id)
        done = next((p for p in inv.payments if p.key == idempotency_key), None)
        if done is not None:
            return _post(inv, done, user)  # repeat: posts the entry if a crash left it out
        _check(inv, amount, discount, day)
        payment = SupplierPayment(
            key=idempotency_key, date=day, amount=amount, discount=discount,
            bank_account=bank_account or posting_account("bank"), recorded_by=user,
            entry_id=_claim_entry_id(idempotency_key))
        if is_foreign(inv):
            payment.amount_eur, payment.booked_eur = _foreign(inv, amount, discount, amount_eur)
        _check_accounts(payment_lines(inv, payment))  # before anything is written
        if _reserve(inv, payment):
            return _post(inv, payment, user)
    raise RuleError(N_("Zu %(invoice)s werden gerade mehrere Zahlungen erfasst; bitte erneut "
                       "versuchen"), invoice=str(inv))


def _foreign(inv: SupplierInvoice, amount: Decimal, discount: Decimal, amount_eur):
    """(EUR paid, EUR of the payable cleared) of a payment on a foreign-currency invoice."""
    if discount:
        raise RuleError(N_("Skonto auf Rechnungen in Fremdwährung bitte als eigene Buchung "
                           "erfassen; hier nur den gezahlten Betrag"))
    if amount_eur is None or Decimal(str(amount_eur)) <= 0:
        raise RuleError(N_("Rechnung in %(currency)s: bitte den Betrag in EUR angeben, der "
                           "vom Bankkonto abgegangen ist (laut Kontoauszug)"),
                        currency=inv.currency)
    amount_eur = Decimal(str(amount_eur)).quantize(Decimal("0.01"))
    cleared = [p.booked_eur or ZERO for p in inv.payments if not p.returned_on]
    if amount == inv.open_amount:  # the last payment clears what is left of the EUR payable
        booked = (inv.payable_eur or ZERO) - sum(cleared, ZERO)
    else:
        booked = to_eur(amount, inv.exchange_rate)
    return amount_eur, booked


def payment_lines(inv: SupplierInvoice, payment: SupplierPayment) -> list[dict]:
    """The journal lines of a payment: payable cleared, bank and Skonto (with VAT) credited."""
    payable, bank = payable_account(inv), payment.bank_account or posting_account("bank")
    if payment.amount_eur is not None:
        return _foreign_lines(inv, payment, payable, bank)
    cleared = payment.amount + (payment.discount or ZERO)
    if inv.kind == "credit_note":  # the supplier pays back
        return [{"account": bank, "debit": payment.amount, "text": inv.number},
                {"account": payable, "credit": payment.amount, "text": inv.number}]
    lines = [{"account": payable, "debit": cleared, "text": inv.number},
             {"account": bank, "credit": payment.amount, "text": inv.number}]
    if payment.discount:
        lines += discount_lines(inv.vat_breakdown, payment.discount,
                                inv.self_assessed_rate or DEFAULT_SELF_ASSESSED_RATE, inv.number)
    return lines


def _foreign_lines(inv, payment, payable: str, bank: str) -> list[dict]:
    """Payable at its booked EUR, bank at the EUR paid; the difference is a Kursdifferenz.

    Invoice: paying more EUR than booked is a loss (fx_loss, debit), less a gain (fx_gain,
    credit). Credit note (the supplier pays back): receiving more EUR is the gain.
    """
    text = f"{inv.number} {payment.amount} {inv.currency}"
    booked, paid = payment.booked_eur, payment.amount_eur
    if inv.kind == "credit_note":
        lines = [{"account": bank, "debit": paid, "text": text},
                 {"account": payable, "credit": booked, "text": text}]
        diff = paid - booked  # > 0: gain
    else:
        lines = [{"account": payable, "debit": booked, "text": text},
                 {"account": bank, "credit": paid, "text": text}]
        diff = booked - paid  # > 0: gain
    if diff > 0:
        lines.append({"account": posting_account("fx_gain"), "credit": diff,
                      "text": f"Kursdifferenz {text}"})
    elif diff < 0:
        lines.append({"account": posting_account("fx_loss"), "debit": -diff,
                      "text": f"Kursdifferenz {text}"})
    return lines


def _posted(invoice_id) -> SupplierInvoice:
    inv = SupplierInvoice.objects(pk=ObjectId(str(invoice_id))).first()
    if inv is None or inv.status != "posted":
        raise RuleError(N_("Zahlungen werden nur zu gebuchten Eingangsrechnungen erfasst"))
    return inv


def _skonto_open(inv: SupplierInvoice) -> bool:
    return bool(inv.kind == "invoice" and inv.skonto_amount and inv.skonto_until
                and not inv.paid_total)


def _check(inv: SupplierInvoice, amount: Decimal, discount: Decimal, day: date) -> None:
    if discount:
        _check_skonto(inv, amount, discount, day)
    if amount <= 0 or amount + discount > inv.open_amount:
        raise RuleError(N_("Der Zahlbetrag muss größer als 0 und höchstens der offene Betrag "
                           "%(open)s sein"), open=f"{inv.open_amount:.2f}")


def _check_skonto(inv: SupplierInvoice, amount: Decimal, discount: Decimal, day: date) -> None:
    if discount < 0 or not _skonto_open(inv):
        raise RuleError(N_("Für %(invoice)s ist kein Skonto (mehr) möglich: es gilt nur für "
                           "Rechnungen mit Skonto-Bedingung, die noch nicht angezahlt sind"),
                        invoice=str(inv))
    if day > inv.skonto_until:
        raise RuleError(N_("Die Skontofrist von %(invoice)s endete am %(until)s; bitte den "
                           "vollen Betrag zahlen"), invoice=str(inv),
                        until=inv.skonto_until.strftime("%d.%m.%Y"))
    if discount > inv.skonto_amount or amount + discount != inv.open_amount:
        raise RuleError(N_("Skonto von höchstens %(skonto)s gilt nur, wenn der Rest "
                           "(%(rest)s) in einer Summe gezahlt wird"),
                        skonto=f"{inv.skonto_amount:.2f}",
                        rest=f"{inv.open_amount - inv.skonto_amount:.2f}")


def _check_accounts(lines: list[dict]) -> None:
    from models.ledger import Account

    wanted = {ln["account"] for ln in lines}
    unknown = sorted(wanted - set(Account.objects(number__in=list(wanted), active=True)
                                  .scalar("number")))
    if unknown:
        raise RuleError(N_("Konto %(accounts)s gibt es nicht (oder es ist gesperrt)"),
                        accounts=tuple(unknown))


def _claim_entry_id(idempotency_key: str) -> ObjectId:
    from services.ledger.posting import claim_key

    return claim_key(f"supplier-payment:{idempotency_key}", ObjectId())


def _reserve(inv: SupplierInvoice, payment: SupplierPayment) -> bool:
    """Write the payment if the cleared total is still the one read (compare-and-set)."""
    paid = _cents(inv.paid_total or ZERO)
    done = SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "status": "posted", "paid_total": paid,
         "payments.key": {"$ne": payment.key}},
        {"$push": {"payments": payment.to_mongo().to_dict()},
         "$set": {"paid_total": paid + _cents(payment.amount + payment.discount),
                  "updated_at": datetime.now(timezone.utc)}})
    return bool(done.modified_count)


def _post(inv: SupplierInvoice, payment: SupplierPayment, user: str) -> SupplierInvoice:
    """Post the payment's entry (once: its id was claimed under the payment's key)."""
    from services.ledger.posting import post_new_entry

    try:
        post_new_entry(
            date=payment.date, source="payables", user=payment.recorded_by or user,
            voucher_ref=f"ER:{inv.source_file}"[:60],
            text=f"Zahlung ER {inv.number} {inv.supplier.name if inv.supplier else ''}"[:200],
            lines=payment_lines(inv, payment),
            idempotency_key=f"supplier-payment:{payment.key}")
    except BusinessRuleError:
        _release(inv, payment)  # e.g. a closed period: the payment is not recorded either
        raise
    return SupplierInvoice.objects.get(pk=inv.pk)


def return_supplier_payment(invoice_id, payment_key: str, day: date, user: str,
                            idempotency_key: str, bank_account: str | None = None,
                            fee: Decimal = ZERO):
    """Take back a transfer the bank returned: bank / payable, the invoice is open again.

    `fee`: what the banks withheld from the returned amount. The payment is taken back in
    full (the supplier received nothing and is owed the whole amount again); the bank
    receives the amount less the fee, and the fee goes to bank charges.
    """
    from services.ledger.posting import post_new_entry

    inv = SupplierInvoice.objects(pk=ObjectId(str(invoice_id))).first()
    found = [(i, p) for i, p in enumerate(inv.payments if inv else []) if p.key == payment_key]
    if not found:
        raise RuleError(N_("Die zurückgekommene Zahlung ist an der Eingangsrechnung nicht "
                           "erfasst; bitte die Rückbuchung auf ein Konto buchen"))
    i, payment = found[0]
    if payment.returned_on and payment.return_key != idempotency_key:
        raise RuleError(N_("Die Zahlung zu %(number)s wurde schon zurückgebucht"),
                        number=inv.number)
    # The payment's own lines swapped: the supplier's (personal) account, and a Skonto taken
    # with its input-VAT correction, are taken back with the transfer.
    returned = SupplierPayment(key=payment.key, date=payment.date, amount=payment.amount,
                               discount=payment.discount, amount_eur=payment.amount_eur,
                               booked_eur=payment.booked_eur,
                               bank_account=bank_account or payment.bank_account
                               or posting_account("bank"))
    lines = [{"account": ln["account"], "debit": ln.get("credit", ZERO),
              "credit": ln.get("debit", ZERO), "text": ln.get("text", "")}
             for ln in payment_lines(inv, returned)]
    if fee:
        bank = next((ln for ln in lines if ln["account"] == returned.bank_account
                     and ln["debit"] > fee), None)
        if bank is None:
            raise RuleError(N_("Ein einbehaltenes Entgelt passt nur zu einer zurückgekommenen "
                               "Überweisung an den Lieferanten; bitte auf ein Konto buchen"))
        bank["debit"] -= fee
        lines.append({"account": posting_account("bank_fees"), "debit": fee, "credit": ZERO,
                      "text": "Entgelt der Bank für die Rücküberweisung"})
    entry = post_new_entry(
        date=day, source="payables", user=user, voucher_ref=f"ER:{inv.source_file}"[:60],
        text=f"Rückbuchung Zahlung ER {inv.number}"[:200],
        lines=lines,
        idempotency_key=f"supplier-payment-return:{idempotency_key}")
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, f"payments.{i}.key": payment_key,
         f"payments.{i}.returned_on": {"$exists": False}},
        {"$set": {f"payments.{i}.returned_on": datetime.combine(day, datetime.min.time()),
                  f"payments.{i}.return_key": idempotency_key,
                  f"payments.{i}.return_entry_id": entry.pk,
                  "updated_at": datetime.now(timezone.utc)},
         "$inc": {"paid_total": -_cents(payment.amount + (payment.discount or ZERO))}})
    return SupplierInvoice.objects.get(pk=inv.pk)


def _release(inv: SupplierInvoice, payment: SupplierPayment) -> None:
    from models.ledger import JournalEntry

    if JournalEntry.objects(pk=payment.entry_id, status="posted").first() is not None:
        return
    JournalEntry.objects(pk=payment.entry_id, status="draft").delete()  # a repeat starts afresh
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "payments.key": payment.key},
        {"$pull": {"payments": {"key": payment.key}},
         "$inc": {"paid_total": -_cents(payment.amount + (payment.discount or ZERO))}})


def _cents(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())

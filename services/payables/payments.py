"""What is open and its payment: the interface for SEPA runs and bank matching.

`open_supplier_invoices` gives a payment run everything it needs; `record_supplier_payment`
posts a payment (payable to bank, a refund of a credit note the other way) exactly once
per idempotency key. Skonto is reported here; booking the Skonto deduction is the
payment run's job (issue of the bank area).
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from bson import ObjectId

from models.supplier_invoice import SupplierInvoice, SupplierPayment
from services.core.messages import N_, RuleError
from services.ledger.charts import posting_account


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
            "skonto_until": inv.skonto_until,
            "skonto_amount": sign * inv.skonto_amount if inv.skonto_amount is not None else None,
            "payment_reference": inv.payment_reference or inv.number,
            "end_to_end_ref": inv.end_to_end_ref})
    return result


def record_supplier_payment(invoice_id, amount, day: date, user: str, idempotency_key: str,
                            bank_account: str | None = None) -> SupplierInvoice:
    """Post a payment of (or a refund for) a posted invoice once per idempotency key."""
    from services.ledger.posting import post_new_entry

    inv = SupplierInvoice.objects(pk=ObjectId(str(invoice_id))).first()
    if inv is None or inv.status != "posted":
        raise RuleError(N_("Zahlungen werden nur zu gebuchten Eingangsrechnungen erfasst"))
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    if any(p.key == idempotency_key for p in inv.payments):
        return inv
    if amount <= 0 or amount > inv.open_amount:
        raise RuleError(N_("Der Zahlbetrag muss größer als 0 und höchstens der offene Betrag "
                           "%(open)s sein"), open=f"{inv.open_amount:.2f}")
    payable, bank = posting_account("payables"), bank_account or posting_account("bank")
    if inv.kind == "credit_note":
        payable, bank = bank, payable  # the supplier pays back
    entry = post_new_entry(
        date=day, source="payables", user=user, voucher_ref=f"ER:{inv.source_file}"[:60],
        text=f"Zahlung ER {inv.number} {inv.supplier.name if inv.supplier else ''}"[:200],
        lines=[{"account": payable, "debit": amount, "text": inv.number},
               {"account": bank, "credit": amount, "text": inv.number}],
        idempotency_key=f"supplier-payment:{idempotency_key}")
    payment = SupplierPayment(key=idempotency_key, date=day, amount=amount, entry_id=entry.pk,
                              recorded_by=user).to_mongo().to_dict()
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "status": "posted", "payments.key": {"$ne": idempotency_key}},
        {"$push": {"payments": payment}, "$inc": {"paid_total": int(amount * 100)},
         "$set": {"updated_at": datetime.now(timezone.utc)}})
    return SupplierInvoice.objects.get(pk=inv.pk)


def return_supplier_payment(invoice_id, payment_key: str, day: date, user: str,
                            idempotency_key: str, bank_account: str | None = None):
    """Take back a transfer the bank returned: bank / payable, the invoice is open again."""
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
    payable, bank = posting_account("payables"), bank_account or posting_account("bank")
    if inv.kind == "credit_note":
        payable, bank = bank, payable
    entry = post_new_entry(
        date=day, source="payables", user=user, voucher_ref=f"ER:{inv.source_file}"[:60],
        text=f"Rückbuchung Zahlung ER {inv.number}"[:200],
        lines=[{"account": bank, "debit": payment.amount, "text": inv.number},
               {"account": payable, "credit": payment.amount, "text": inv.number}],
        idempotency_key=f"supplier-payment-return:{idempotency_key}")
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, f"payments.{i}.key": payment_key,
         f"payments.{i}.returned_on": {"$exists": False}},
        {"$set": {f"payments.{i}.returned_on": datetime.combine(day, datetime.min.time()),
                  f"payments.{i}.return_key": idempotency_key,
                  f"payments.{i}.return_entry_id": entry.pk,
                  "updated_at": datetime.now(timezone.utc)},
         "$inc": {"paid_total": -int(payment.amount * 100)}})
    return SupplierInvoice.objects.get(pk=inv.pk)

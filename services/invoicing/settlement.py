"""Settling a customer payment against an invoice: Skonto, small differences, over-payments.

A payment within the Skonto period that covers the discounted amount closes the
invoice; the discount is posted per VAT rate with the VAT correction (§ 17 UStG). A
payment short by no more than the company's write-off limit closes it too, the
remainder written off the same way. A payment above the open amount closes the invoice
and the excess stays on the receivables account as the customer's credit. Anything else
is a partial payment. One journal entry per payment (idempotency key), and the invoice
takes the payment only if its cleared total is still what was read (compare-and-set).
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from models.company import Company
from models.invoice import Invoice, Payment, VatRate
from services.core.messages import N_, RuleError
from services.invoicing.skonto import reduction_account, skonto_amount, split_over_rates
from services.ledger import posting
from services.ledger.charts import DEFAULT_CHART, chart_in_use, posting_accounts

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Settlement:
    """What one payment does to an invoice's open amount."""

    amount: Decimal
    discount: Decimal = ZERO
    write_off: Decimal = ZERO
    overpaid: Decimal = ZERO

    @property
    def cleared(self) -> Decimal:
        return self.amount - self.overpaid + self.discount + self.write_off


def plan_settlement(*, open_amount: Decimal, amount: Decimal, day: date,
                    skonto_percent: Decimal | None, skonto_until: date | None,
                    write_off_limit: Decimal) -> Settlement:
    """Decide how a payment of `amount` on `day` settles `open_amount` (pure)."""
    if amount >= open_amount:
        return Settlement(amount, overpaid=amount - open_amount)
    allowed = ZERO
    if skonto_percent and skonto_until and day <= skonto_until:
        allowed = skonto_amount(open_amount, skonto_percent)
    short = open_amount - amount
    if allowed and short <= allowed:
        return Settlement(amount, discount=short)
    if allowed and short - allowed <= write_off_limit:
        return Settlement(amount, discount=allowed, write_off=short - allowed)
    if short <= write_off_limit:
        return Settlement(amount, write_off=short)
    return Settlement(amount)


def settle_payment(invoice: Invoice, *, amount: Decimal, day: date, user: str, key: str,
                   reference: str = "") -> Invoice:
    """Post a customer payment once per key, with Skonto / write-off / credit as due."""
    inv = Invoice.objects.get(pk=invoice.pk)
    if any(p.key == key for p in inv.payments):
        return inv
    if inv.kind != "invoice" or inv.status != "issued":
        raise RuleError(N_("%(invoice)s ist nicht offen; Zahlungen gehen nur auf offene "
                           "Rechnungen"), invoice=str(inv))
    amount = Decimal(amount)
    if amount <= 0:
        raise RuleError(N_("Der Zahlbetrag muss über null liegen"))
    company = Company.current()
    plan = plan_settlement(
        open_amount=inv.gross_total - inv.paid_total, amount=amount, day=day,
        skonto_percent=inv.skonto_percent, skonto_until=_day(inv.skonto_until),
        write_off_limit=company.write_off_limit if company else ZERO)
    entry = posting.post_new_entry(
        date=day, text=f"Zahlung {inv.number} {inv.recipient.get('name', '')}"[:200],
        lines=settlement_lines(inv, plan), source="payment", user=user,
        voucher_ref=inv.number, idempotency_key=f"settlement:{inv.pk}:{key}")
    payment = Payment(key=key, date=day, amount=amount, reference=reference[:120],
                      entry_id=entry.pk, recorded_by=user, discount=plan.discount,
                      write_off=plan.write_off, overpaid=plan.overpaid)
    _attach(inv, payment, plan, entry, user)
    return Invoice.objects.get(pk=inv.pk)


def settlement_lines(inv: Invoice, plan: Settlement) -> list[dict]:
    """The journal lines of a payment: bank, reductions per rate with VAT, receivables."""
    accounts = posting_accounts()
    chart = chart_in_use() or DEFAULT_CHART
    rates = {r.code: r for r in VatRate.objects}
    lines = [{"account": accounts["bank"], "debit": plan.amount, "text": "Bank"}]
    for kind, total in (("discount", plan.discount), ("write_off", plan.write_off)):
        if not total:
            continue
        label = "Skonto" if kind == "discount" else "Zahlungsdifferenz"
        for part in split_over_rates(total, inv.tax_lines):
            info = rates[part.rate_code]
            account = reduction_account(chart, kind, part.rate, bool(part.vat))
            lines.append({"account": account, "debit": part.net, "tax_key": info.tax_key,
                          "text": f"{label} {info.label}"[:120]})
            if part.vat:
                lines.append({"account": info.vat_account, "debit": part.vat,
                              "tax_key": info.tax_key, "text": f"USt-Korrektur {label}"})
    lines.append({"account": accounts["receivables"], "credit": plan.cleared,
                  "text": inv.recipient.get("name", "")[:120]})
    if plan.overpaid:
        lines.append({"account": accounts["receivables"], "credit": plan.overpaid,
                      "text": "Überzahlung (Guthaben des Kunden)"})
    return [ln for ln in lines if ln.get("debit") or ln.get("credit")]


def _attach(inv: Invoice, payment: Payment, plan: Settlement, entry, user: str) -> None:
    """Add the payment if the cleared total is unchanged since it was read (compare-and-set)."""
    coll = Invoice._get_collection()
    cents = _cents(plan.cleared)
    status = "paid" if inv.paid_total + plan.cleared >= inv.gross_total else "issued"
    done = coll.update_one(
        {"_id": inv.pk, "status": "issued", "paid_total": _cents(inv.paid_total),
         "payments.key": {"$ne": payment.key}},
        {"$push": {"payments": payment.to_mongo()},
         "$set": {"paid_total": _cents(inv.paid_total) + cents, "status": status}})
    if done.modified_count:
        return
    stored = coll.find_one({"_id": inv.pk}, {"payments.key": 1})
    if any(p.get("key") == payment.key for p in stored.get("payments", [])):
        return  # an earlier attempt with this key got there
    posting.reverse_entry(entry, user, text=f"Storno Zahlung {inv.number}: gleichzeitig "
                          "eine andere Zahlung erfasst")
    raise RuleError(N_("Zu %(invoice)s wurde gleichzeitig eine andere Zahlung erfasst; "
                       "die Zahlung wurde nicht gebucht, bitte erneut erfassen"),
                    invoice=str(inv))


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _cents(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())

"""Booking the VAT return: the period's tax to the prepayment account, then its payment."""
from datetime import date
from decimal import Decimal

from models.ledger import JournalEntry
from services.core.messages import N_, RuleError
from services.ledger.balances import account_balances
from services.ledger.charts import posting_account
from services.ledger.posting import post_new_entry
from services.ledger.vat_return import account_role, period_months

ZERO = Decimal("0.00")


def book_vat_liability(year: int, period: str, user: str, day: date | None = None
                       ) -> JournalEntry | None:
    """Clear the period's output and input VAT accounts to 1780/3820; None if nothing is left."""
    months = period_months(period)
    lines, net = [], ZERO
    for account, (debit, credit) in account_balances(year, months[0], months[-1]).items():
        role, balance = account_role(account), credit - debit
        if role == "base" or not balance:
            continue
        net += balance
        side = "debit" if balance > 0 else "credit"
        lines.append({"account": account, side: abs(balance), "text": "USt-Voranmeldung"})
    if not lines:
        return None
    if net:
        lines.append({"account": posting_account("vat_prepayments"),
                      ("credit" if net > 0 else "debit"): abs(net)})
    label = "-".join(f"{m:02d}" for m in (months[0], months[-1]))
    # What is left after an earlier booking of the period (a late invoice) is booked anew.
    runs = JournalEntry.objects(voucher_ref=f"UStVA-{year}-{label}", source="manual",
                                status="posted").count()
    return post_new_entry(date=day or _last_day(year, months[-1]),
                          text=f"Umsatzsteuer-Voranmeldung {label}/{year}", lines=lines,
                          source="manual", user=user, voucher_ref=f"UStVA-{year}-{label}",
                          idempotency_key=f"ustva:{year}:{label}:{runs + 1}")


def pay_vat(year: int, period: str, amount: Decimal, day: date, user: str) -> JournalEntry:
    """Post the payment (or refund, negative) of a period's VAT to the tax office."""
    months = period_months(period)
    if not amount:
        raise RuleError(N_("Betrag der Zahlung fehlt"))
    label = "-".join(f"{m:02d}" for m in (months[0], months[-1]))
    bank, prepay = posting_account("bank"), posting_account("vat_prepayments")
    lines = [{"account": prepay, "debit": amount}, {"account": bank, "credit": amount}] \
        if amount > 0 else [{"account": bank, "debit": -amount},
                            {"account": prepay, "credit": -amount}]
    return post_new_entry(date=day, text=f"Zahlung USt-Voranmeldung {label}/{year}",
                          lines=lines, source="payment", user=user,
                          voucher_ref=f"UStVA-{year}-{label}",
                          idempotency_key=f"ustva-payment:{year}:{label}")


def _last_day(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)

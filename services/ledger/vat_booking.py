"""Booking the VAT return: the period's tax to the prepayment account, then its payment.

Soll-Versteuerung: the output and input VAT accounts' period balances go to 1780/3820.
Ist-Versteuerung (§ 20 UStG): the output tax of taxed sales counts when paid, as in the
return (services.ledger.vat_cash_basis): each output VAT account transfers its period
balance, less what the period's invoices and their payments booked there under a taxed
sales key, plus the tax shares of the payments received in the period. The tax of an
invoice not yet paid stays on its VAT account until the month of the payment.
"""
from datetime import date
from decimal import Decimal

from models.company import Company
from models.ledger import JournalEntry
from services.core.messages import N_, RuleError
from services.ledger.balances import account_balances, tax_key_balances
from services.ledger.charts import posting_account
from services.ledger.posting import post_new_entry
from services.ledger.vat_cash_basis import cash_basis_balances, taxed_sales_keys
from services.ledger.vat_return import account_role, period_months, tax_keys

ZERO = Decimal("0.00")


def book_vat_liability(year: int, period: str, user: str, day: date | None = None
                       ) -> JournalEntry | None:
    """Clear the period's output and input VAT accounts to 1780/3820; None if nothing is left."""
    months = period_months(period)
    lines, net = [], ZERO
    cash = _cash_basis_shift(year, months)
    balances = account_balances(year, months[0], months[-1])
    for account in sorted(set(balances) | set(cash)):
        debit, credit = balances.get(account, (ZERO, ZERO))
        role, balance = account_role(account), credit - debit + cash.get(account, ZERO)
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


def _cash_basis_shift(year: int, months: tuple[int, ...]) -> dict[str, Decimal]:
    """Under Ist: per account, the return's (credit − debit) less the books' (else empty)."""
    company = Company.current()
    if getattr(company, "vat_accounting", "soll") != "ist":
        return {}
    booked = tax_key_balances(year, months[0], months[-1])
    paid = cash_basis_balances(booked, year, months, taxed_sales_keys(tax_keys()))
    shift: dict[str, int] = {}
    for (account, _key), (debit, credit) in paid.items():
        shift[account] = shift.get(account, 0) + credit - debit
    for (account, _key), (debit, credit) in booked.items():
        shift[account] = shift.get(account, 0) - credit + debit
    return {account: Decimal(cents).scaleb(-2) for account, cents in shift.items() if cents}


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

"""What every statement parser returns: statements with balances and their transactions."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.core.errors import BusinessRuleError

# German GVC codes of returns (Rücklastschrift, Retoure einer Überweisung).
RETURN_GVC = {"109", "159", "111", "184", "185"}


class StatementFormatError(BusinessRuleError):
    """A file that is no statement in a known format, or a broken one."""


@dataclass
class ParsedTransaction:
    booking_date: date
    amount: Decimal                    # signed: + received, - paid
    value_date: date | None = None
    currency: str = "EUR"
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    purpose: str = ""
    end_to_end_id: str = ""
    mandate_id: str = ""
    creditor_id: str = ""
    bank_reference: str = ""           # AcctSvcrRef / bank's own reference, unique per account
    booking_text: str = ""
    gvc: str = ""
    batch_reference: str = ""
    batch_count: int = 0               # >1: one booking that stands for several payments
    is_return: bool = False


@dataclass
class ParsedStatement:
    format: str
    account_iban: str
    statement_id: str = ""
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    from_date: date | None = None
    to_date: date | None = None
    transactions: list[ParsedTransaction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def credit_sum(self) -> Decimal:
        return sum((t.amount for t in self.booked() if t.amount > 0), Decimal("0.00"))

    @property
    def debit_sum(self) -> Decimal:
        return sum((-t.amount for t in self.booked() if t.amount < 0), Decimal("0.00"))

    def booked(self) -> list[ParsedTransaction]:
        """The transactions that move the balance (batch details replace their batch)."""
        return self.transactions

    def dates(self) -> None:
        """Fill from/to from the bookings when the file does not state them."""
        days = [t.booking_date for t in self.transactions]
        if days:
            self.from_date = self.from_date or min(days)
            self.to_date = self.to_date or max(days)


def purpose_references(purpose: str) -> dict[str, str]:
    """Split SEPA keys (EREF+, KREF+, MREF+, CRED+, SVWZ+, ABWA+ ...) out of a purpose text."""
    import re

    keys = ("EREF", "KREF", "MREF", "CRED", "SVWZ", "ABWA", "ABWE", "DEBT", "COAM", "OAMT", "IBAN", "BIC")
    pattern = re.compile(r"(?:(?<=\s)|^)(" + "|".join(keys) + r")\+")
    found, parts = {}, pattern.split(purpose)
    # parts: [before, KEY, value, KEY, value, ...]
    for i in range(1, len(parts) - 1, 2):
        found[parts[i]] = parts[i + 1].strip()
    if parts and parts[0].strip():
        found.setdefault("", parts[0].strip())
    return found

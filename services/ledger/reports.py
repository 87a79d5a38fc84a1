"""Ledger reports: trial balance (Summen- und Saldenliste) and account ledger (Kontoblatt).

Sums are streamed: the entries' lines (integer cents) are read with a projection and
added up here. `$unwind` + `$group` would be the natural pipeline, but FerretDB 1.24
groups the unwound lines of one entry as if they were one document (they share the
`_id`): with two lines per entry it silently dropped half of them, so it is not used. The opening balance of a
period is the sum of the fiscal year's posted entries dated before the period plus the
opening entries (EB-Werte, source "opening", on 1 January). A period of whole months is
read from the period balances (services.ledger.balances) instead of the lines.
Balances are signed debit minus credit.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from models.ledger import Account, JournalEntry
from services.ledger.balances import account_balances

CENT = Decimal("0.01")


@dataclass
class TrialBalanceRow:
    account: str
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass
class TrialBalance:
    year: int
    date_from: date
    date_to: date
    rows: list[TrialBalanceRow] = field(default_factory=list)

    def total(self, name: str) -> Decimal:
        return sum((getattr(row, name) for row in self.rows), Decimal("0.00"))

    @property
    def balanced(self) -> bool:
        """Period debits equal period credits and all balances add up to zero."""
        return (self.total("debit") == self.total("credit")
                and self.total("opening") == 0 and self.total("closing") == 0)


@dataclass
class LedgerRow:
    date: date
    number: int
    text: str
    voucher_ref: str
    contra: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass
class AccountLedger:
    account: str
    name: str
    date_from: date
    date_to: date
    opening: Decimal
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].balance if self.rows else self.opening


def period_bounds(year: int, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Default a period to the whole fiscal year and keep it inside that year."""
    start, end = date_from or date(year, 1, 1), date_to or date(year, 12, 31)
    if start.year != year or end.year != year or start > end:
        raise ValueError(f"the period must lie within {year} and start before it ends")
    return start, end


def trial_balance(year: int, date_from: date | None = None,
                  date_to: date | None = None) -> TrialBalance:
    """Opening balance, period debits/credits and closing balance of every account used."""
    start, end = period_bounds(year, date_from, date_to)
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        opening = _from_balances(year, 0, start.month - 1)
        period = _from_balances(year, start.month, end.month)
    else:
        opening, period = _sums_split(year, start, end)
    names = dict(Account.objects.scalar("number", "name"))
    report = TrialBalance(year, start, end)
    for number in sorted(set(opening) | set(period)):
        o_debit, o_credit = opening.get(number, (0, 0))
        p_debit, p_credit = period.get(number, (0, 0))
        report.rows.append(TrialBalanceRow(
            number, names.get(number, "?"), _money(o_debit - o_credit),
            _money(p_debit), _money(p_credit)))
    return report


def account_ledger(account: str, year: int, date_from: date | None = None,
                   date_to: date | None = None) -> AccountLedger:
    """Every posted line of one account in a period with the running balance."""
    start, end = period_bounds(year, date_from, date_to)
    if start.day == 1:  # whole months before: from the period balances, with EB-Werte
        debit, credit = _from_balances(year, 0, start.month - 1).get(account, (0, 0))
    else:
        debit, credit = _sums_by_account(year, None, start, account).get(account, (0, 0))
    acc = Account.objects(number=account).first()
    report = AccountLedger(account, acc.name if acc else "?", start, end,
                           _money(debit - credit))
    balance = report.opening
    cursor = JournalEntry._get_collection().find(
        _match(year, start, end) | {"lines.account": account, "source": {"$ne": "opening"}},
        {"date": 1, "number": 1, "text": 1, "voucher_ref": 1, "lines": 1},
    ).sort([("date", 1), ("number", 1)])
    for doc in cursor:
        contra = ", ".join(sorted({ln["account"] for ln in doc["lines"]
                                   if ln["account"] != account}))
        for line in doc["lines"]:
            if line["account"] != account:
                continue
            d, c = _money(line.get("debit") or 0), _money(line.get("credit") or 0)
            balance += d - c
            report.rows.append(LedgerRow(doc["date"].date(), doc["number"], doc["text"],
                                         doc.get("voucher_ref") or "", contra, d, c, balance))
    return report


def _sums_by_account(year, start, end, account=None) -> dict[str, tuple[int, int]]:
    """Sum debit and credit cents per account of posted lines, [start, end] or before end."""
    match = _match(year, start, end) if start else \
        {"fiscal_year": year, "status": "posted", "date": {"$lt": _dt(end)}}
    if account:
        match["lines.account"] = account
    sums: dict[str, list[int]] = {}
    for doc in JournalEntry._get_collection().find(match, {"lines": 1, "_id": 0},
                                                    batch_size=5000):
        for line in doc["lines"]:
            pair = sums.setdefault(line["account"], [0, 0])
            pair[0] += line.get("debit") or 0
            pair[1] += line.get("credit") or 0
    return {number: (d, c) for number, (d, c) in sums.items()}


def _from_balances(year: int, month_from: int, month_to: int) -> dict[str, tuple[int, int]]:
    """Debit/credit cents per account from the period balances (no journal line read)."""
    if month_to < month_from:
        return {}
    return {acc: (int(d * 100), int(c * 100))
            for acc, (d, c) in account_balances(year, month_from, month_to).items()}


def _sums_split(year: int, start: date, end: date):
    """One pass over the year up to `end`: sums before `start` and sums from `start` on."""
    before: dict[str, list[int]] = {}
    within: dict[str, list[int]] = {}
    cursor = JournalEntry._get_collection().find(
        {"fiscal_year": year, "status": "posted", "date": {"$lte": _dt(end)}},
        {"date": 1, "lines": 1, "source": 1, "_id": 0}, batch_size=5000)
    first = _dt(start)
    for doc in cursor:
        early = doc["date"].replace(tzinfo=None) < first or doc.get("source") == "opening"
        sums = before if early else within
        for line in doc["lines"]:
            pair = sums.setdefault(line["account"], [0, 0])
            pair[0] += line.get("debit") or 0
            pair[1] += line.get("credit") or 0
    return ({k: tuple(v) for k, v in before.items()}, {k: tuple(v) for k, v in within.items()})


def _match(year: int, start: date, end: date) -> dict:
    return {"fiscal_year": year, "status": "posted",
            "date": {"$gte": _dt(start), "$lte": _dt(end)}}


def _dt(day: date) -> datetime:
    return datetime.combine(day, time())


def _money(cents: int) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)

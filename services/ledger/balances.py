"""Period balances: per (year, month, account, cost centre, tax key) debit/credit totals.

They are kept as step (c2) of the posting sequence (services.ledger.posting): after an
entry is written and before the year's hint moves past it, its totals are added to its
balance documents. Exactly once, without transactions, by two markers:

- each balance document holds `last`, the number of the last entry added to it; the
  `$inc` filters on `last < N` and sets `last = N` in the same single-document update,
  so a repeat (a crash, a parallel completer) never adds entry N twice;
- the year's BalanceHead holds `applied`, moved from N-1 to N by compare-and-set once
  every document of entry N has it. Entries are applied strictly in number order, which
  is what makes the `last < N` marker sufficient.

A crash between the steps leaves `applied` behind; whoever completes the next posting,
a period close or `ledger recover` applies the missing entries. `verify_balances`
recomputes everything from the journal lines and names each key that differs.
Amounts are integer cents inside; the public functions return Decimal.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from pymongo.errors import DuplicateKeyError

from models.balance import OPENING_MONTH, BalanceHead, PeriodBalance, balance_id
from models.ledger import JournalEntry
from models.posting import ChainSlot, slot_id

CENT = Decimal("0.01")


@dataclass
class BalanceCheck:
    """Outcome of recomputing a year's balances from the journal lines."""

    year: int
    applied: int
    posted: int
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.year}: period balances match the {self.posted} posted entries"
        return f"{self.year}: " + "; ".join(self.differences)


# ---------------------------------------------------------------- reading

def account_balances(year: int, month_from: int = 1, month_to: int = 12,
                     cost_center: str | None = None) -> dict[str, tuple[Decimal, Decimal]]:
    """Debit and credit totals per account for months month_from..month_to of a year.

    Month 0 is the opening balance (EB-Werte): pass month_from=0 to include it.
    """
    sums: dict[str, list[int]] = {}
    for doc in _read(year, month_from, month_to, cost_center):
        pair = sums.setdefault(doc["account"], [0, 0])
        pair[0] += doc.get("debit") or 0
        pair[1] += doc.get("credit") or 0
    return {acc: (_money(d), _money(c)) for acc, (d, c) in sorted(sums.items())}


def balances_by_month(year: int, accounts=None,
                      cost_center: str | None = None) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """Debit and credit totals per account and month (0 = opening) of a year."""
    wanted = set(accounts) if accounts else None
    sums: dict[str, dict[int, list[int]]] = {}
    for doc in _read(year, OPENING_MONTH, 12, cost_center):
        if wanted is not None and doc["account"] not in wanted:
            continue
        pair = sums.setdefault(doc["account"], {}).setdefault(doc["month"], [0, 0])
        pair[0] += doc.get("debit") or 0
        pair[1] += doc.get("credit") or 0
    return {acc: {m: (_money(d), _money(c)) for m, (d, c) in sorted(months.items())}
            for acc, months in sorted(sums.items())}


def tax_key_balances(year: int, month_from: int, month_to: int
                     ) -> dict[tuple[str, str], tuple[int, int]]:
    """Debit and credit cents per (account, tax key) of lines with a tax key."""
    sums: dict[tuple[str, str], list[int]] = {}
    for doc in _read(year, month_from, month_to, None):
        if not doc.get("tax_key"):
            continue
        pair = sums.setdefault((doc["account"], doc["tax_key"]), [0, 0])
        pair[0] += doc.get("debit") or 0
        pair[1] += doc.get("credit") or 0
    return {key: (d, c) for key, (d, c) in sums.items()}


def _read(year, month_from, month_to, cost_center):
    query = {"year": year, "month": {"$gte": month_from, "$lte": month_to}}
    if cost_center is not None:
        query["cost_center"] = cost_center
    return PeriodBalance._get_collection().find(
        query, {"account": 1, "month": 1, "debit": 1, "credit": 1, "tax_key": 1,
                "cost_center": 1})


# ---------------------------------------------------------------- maintaining

def apply_through(year: int, number: int, slot: dict | None = None) -> int:
    """Add every posted entry of the year up to `number` not yet in the balances.

    `slot` may carry entry `number`'s chain slot (the caller has it). Returns the
    number the balances are complete up to.
    """
    head = _head(year)
    done = head["applied"]
    while done < number:
        n = done + 1
        current = slot if slot is not None and slot["number"] == n else \
            ChainSlot._get_collection().find_one({"_id": slot_id(year, n)})
        if current is None:
            break  # not claimed yet: nothing to add
        apply_entry(year, n, current["doc"])
        _advance(year, n)
        done = n
    return done


def apply_entry(year: int, number: int, doc: dict) -> None:
    """Add one entry's totals to its balance documents (each at most once)."""
    for key, (debit, credit) in entry_deltas(doc).items():
        _add(year, number, key, debit, credit)


def entry_deltas(doc: dict) -> dict[tuple, tuple[int, int]]:
    """Debit/credit cents per (month, account, cost centre, tax key) of a stored entry."""
    month = OPENING_MONTH if doc.get("source") == "opening" else doc["date"].month
    sums: dict[tuple, list[int]] = {}
    for line in doc.get("lines") or []:
        key = (month, line["account"], line.get("cost_center") or "", line.get("tax_key") or "")
        pair = sums.setdefault(key, [0, 0])
        pair[0] += int(line.get("debit") or 0)
        pair[1] += int(line.get("credit") or 0)
    return {key: (d, c) for key, (d, c) in sums.items()}


def _add(year: int, number: int, key: tuple, debit: int, credit: int) -> None:
    month, account, cost_center, tax_key = key
    bid = balance_id(year, month, account, cost_center, tax_key)
    update = {"$inc": {"debit": debit, "credit": credit}, "$set": {"last": number},
              "$setOnInsert": {"year": year, "month": month, "account": account,
                               "cost_center": cost_center, "tax_key": tax_key}}
    collection = PeriodBalance._get_collection()
    try:
        collection.update_one({"_id": bid, "last": {"$lt": number}}, update, upsert=True)
    except DuplicateKeyError:
        # The document exists and already holds this entry -- or a parallel applier
        # created it a moment ago: try once more without creating it.
        del update["$setOnInsert"]
        collection.update_one({"_id": bid, "last": {"$lt": number}}, update)


def _advance(year: int, number: int) -> None:
    BalanceHead._get_collection().update_one({"_id": year, "applied": number - 1},
                                             {"$set": {"applied": number}})


def _head(year: int) -> dict:
    heads = BalanceHead._get_collection()
    head = heads.find_one({"_id": year})
    if head is None:
        try:
            heads.insert_one({"_id": year, "applied": 0})
        except DuplicateKeyError:
            pass
        head = heads.find_one({"_id": year})
    return head


# ---------------------------------------------------------------- checking

def recompute(year: int) -> dict[str, tuple[int, int]]:
    """The balances of a year summed from its posted journal lines, by balance id."""
    sums: dict[str, list[int]] = {}
    cursor = JournalEntry._get_collection().find(
        {"fiscal_year": year, "status": "posted"},
        {"date": 1, "source": 1, "lines": 1, "_id": 0}, batch_size=5000)
    for doc in cursor:
        for key, (d, c) in entry_deltas(doc).items():
            pair = sums.setdefault(balance_id(year, *key), [0, 0])
            pair[0] += d
            pair[1] += c
    return {bid: (d, c) for bid, (d, c) in sums.items()}


def verify_balances(year: int) -> BalanceCheck:
    """Compare the stored balances with the recompute; name each key that differs."""
    expected = recompute(year)
    stored = {doc["_id"]: (doc.get("debit") or 0, doc.get("credit") or 0)
              for doc in PeriodBalance._get_collection().find(
                  {"year": year}, {"debit": 1, "credit": 1})}
    posted = JournalEntry._get_collection().count_documents(
        {"fiscal_year": year, "status": "posted"})
    check = BalanceCheck(year, _head(year)["applied"], posted)
    for bid in sorted(set(expected) | set(stored)):
        want, have = expected.get(bid, (0, 0)), stored.get(bid, (0, 0))
        if want != have:
            check.differences.append(_describe(bid, want, have))
    return check


def _describe(bid: str, want: tuple[int, int], have: tuple[int, int]) -> str:
    year, month, account, cost_center, tax_key = bid.split(":")
    where = f"account {account} month {month}/{year}" if month != "00" else \
        f"account {account} opening {year}"
    where += f" cost centre {cost_center}" if cost_center else ""
    where += f" tax key {tax_key}" if tax_key else ""
    return (f"{where}: stored S {_money(have[0])} H {_money(have[1])}, "
            f"lines S {_money(want[0])} H {_money(want[1])}")


def _money(cents: int) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)

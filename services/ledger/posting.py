"""Posting journal entries: gap-free numbers and a SHA-256 hash chain per fiscal year.

No multi-document transactions are available, so a posting is a short sequence of
single-document steps, each safe to repeat and completed by anyone who finds it half
done (a later posting, a period close, or `recover_pending()`):

(a) gate: on the year's head (FiscalYear) move `gate` from the last complete number N
    to N+1 -- only if the entry's month is not closed -- and leave the complete slot
    for N+1 there (`gate_slot`). This compare-and-set on one document is what orders a
    posting against a period close: once a month is closed no gate for it opens, and a
    gate opened before the close is completed by the close itself.
(b) claim: insert the ChainSlot `year:N+1` (the gate's slot). Its unique `_id` gives
    each number to one entry, the unique `entry_id` each entry one number; slots are
    never removed, so numbers have no gaps.
(c) write: put number, hash, status and the hashed content onto the entry.
(c2) balances: add the entry's totals to the period balances, in number order, each
    entry at most once (services.ledger.balances).
(d) advance: move the year's hint (FiscalYear.last_number/last_hash) past the slot.

The compare-and-set in (a) needs single-document atomic updates: MongoDB has them, and
our FerretDB launcher provides them by running write commands one at a time
(tools/ferretdb/proxy.go; FerretDB 1.24 alone does not).
"""
import random
import time
from dataclasses import dataclass
from datetime import date as date_type, datetime, timezone
from decimal import Decimal, InvalidOperation

import mongoengine as me
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from models.ledger import Account, JournalEntry, JournalLine, PostedEntryError
from models.posting import GENESIS_HASH, ChainSlot, FiscalYear, PostingKey, slot_id
from services.core.errors import BusinessRuleError
from services.core.once import get_or_create
from services.ledger import balances
from services.ledger.hash_chain import chain_hash

# Optional hashed fields that must not survive from an older draft when absent now.
OPTIONAL_HASHED = ("voucher_ref", "reversal_of")


@dataclass
class VerifyResult:
    """Outcome of recomputing a fiscal year's hash chain."""

    year: int
    ok: bool
    checked: int
    bad_number: int | None = None
    bad_id: str | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.year}: {self.checked} posted entries, chain intact"
        return f"{self.year}: entry #{self.bad_number} (id {self.bad_id}): {self.reason}"


# ---------------------------------------------------------------- public API

def post_entry(entry: JournalEntry, user: str) -> JournalEntry:
    """Post a draft entry (balance, accounts, open period) and return it; repeat-safe."""
    if entry.pk is not None:
        stored = JournalEntry.objects(pk=entry.pk).first()
        if stored is not None and stored.status == "posted":
            balances.apply_through(stored.fiscal_year, stored.number)  # if a crash left it
            return stored
    try:
        _save_draft(entry)
    except PostedEntryError:
        # another poster finished this very draft between the read above and the save
        stored = JournalEntry.objects(pk=entry.pk).first()
        if stored is not None and stored.status == "posted":
            return stored
        raise
    _check_accounts_active(entry)
    slot = _claim_slot(entry.to_mongo().to_dict(), user)
    _complete(slot)
    return JournalEntry.objects.get(pk=entry.pk)


def post_new_entry(*, date, text, lines, source, user, voucher_ref=None,
                   idempotency_key=None, reversal_of=None) -> JournalEntry:
    """Create and post an entry from line dicts; a repeated idempotency_key posts once."""
    values = dict(date=date, text=text, voucher_ref=voucher_ref, source=source,
                  lines=[_line(i, spec) for i, spec in enumerate(lines, start=1)],
                  created_by=user, reversal_of=reversal_of)
    if idempotency_key is None:
        return post_entry(JournalEntry(**values), user)
    entry_id = ObjectId()
    claimed = claim_key(idempotency_key, entry_id)
    # claimed != entry_id: an earlier call holds the key; its draft, or (it stopped before
    # saving it) ours under its id
    try:
        entry = get_or_create(JournalEntry, claimed,
                              lambda: JournalEntry(id=claimed, **values).save(),
                              look_first=claimed != entry_id)
    except me.ValidationError as exc:
        raise BusinessRuleError(_validation_message(exc)) from None
    return post_entry(entry, user)


def reverse_entry(entry: JournalEntry, user: str, *, date=None, text=None) -> JournalEntry:
    """Post the mirror entry of a posted entry and mark the original as reversed."""
    original = JournalEntry.objects(pk=entry.pk).first()
    if original is None or original.status != "posted":
        raise BusinessRuleError("only posted entries can be reversed; "
                                "a draft can simply be edited or deleted")
    if original.reversal_of is not None:
        raise BusinessRuleError(f"entry #{original.number} is itself a reversal; "
                                "post a new entry instead")
    if original.reversed_by is not None:
        done = JournalEntry.objects(pk=original.reversed_by).only("number").first()
        raise BusinessRuleError(f"entry #{original.number} was already reversed by "
                                f"#{done.number if done else original.reversed_by}")
    when = date or date_type.today()
    if when < original.date:
        raise BusinessRuleError(f"a reversal cannot be dated before the entry it reverses "
                                f"({original.date:%d.%m.%Y})")
    mirror = [{"account": ln.account, "debit": ln.credit, "credit": ln.debit,
               "tax_key": ln.tax_key, "text": ln.text, "cost_center": ln.cost_center}
              for ln in original.lines]
    reversal = post_new_entry(
        date=when, text=(text or f"Storno Nr. {original.number}: {original.text}")[:200],
        lines=mirror, source=original.source, user=user, voucher_ref=original.voucher_ref,
        idempotency_key=f"reversal:{original.pk}", reversal_of=original.pk)
    JournalEntry._get_collection().update_one(
        {"_id": original.pk, "status": "posted", "reversed_by": None},
        {"$set": {"reversed_by": reversal.pk}})
    return reversal


def reverse_and_copy(entry: JournalEntry, user: str, *, date=None) -> JournalEntry:
    """Reverse a posted entry and return a new draft with its lines, to be corrected."""
    reverse_entry(entry, user, date=date)
    original = JournalEntry.objects.get(pk=entry.pk)
    draft = JournalEntry(
        date=date or date_type.today(), text=f"Korrektur zu Nr. {original.number}: "
        f"{original.text}"[:200], voucher_ref=original.voucher_ref, source=original.source,
        created_by=user, lines=[JournalLine(account=ln.account, debit=ln.debit,
                                            credit=ln.credit, tax_key=ln.tax_key,
                                            text=ln.text, cost_center=ln.cost_center)
                                for ln in original.lines])
    _save_draft(draft)
    return draft


def verify_chain(year: int) -> VerifyResult:
    """Recompute the year's chain in number order; report the first entry that differs."""
    prev, expected = GENESIS_HASH, 1
    entries = JournalEntry._get_collection().find(
        {"fiscal_year": year, "status": "posted"}).sort("number", 1)
    slots = _slots().find({"year": year}, {"hash": 1, "number": 1}).sort("_id", 1)
    for doc in entries:
        slot = next(slots, None)
        reason = _chain_error(doc, expected, prev, slot)
        if reason:
            return VerifyResult(year, False, expected - 1, doc.get("number"),
                                str(doc["_id"]), reason)
        prev, expected = doc["hash"], expected + 1
    return _verify_tail(year, expected - 1)


def recover_pending() -> int:
    """Complete every posting a crash left half-done; return how many were completed."""
    completed = 0
    for year in _heads().distinct("_id"):
        number, _, count = _settle(year)
        balances.apply_through(year, number)  # also fills balances of older books
        completed += count
    return completed


def close_period(year: int, month: int | None = None, *, user: str) -> FiscalYear:
    """Close one month (or with month=None the whole year) for posting; never reopened."""
    months = [month] if month is not None else list(range(1, 13))  # 0 is no month
    if any(not 1 <= m <= 12 for m in months):
        raise BusinessRuleError("the month must be between 1 and 12")
    _head(year)
    _heads().update_one({"_id": year},
                        {"$addToSet": {"closed_months": {"$each": months}},
                         "$set": {"closed_by": user, "closed_at": _now_ms()}})
    # From here no gate opens for these months; the one posting that may have passed
    # the gate just before is completed now, so the close returns with the months final.
    _settle(year)
    return FiscalYear.objects.get(year=year)


def known_years() -> list[int]:
    """Return the fiscal years that have a journal chain, oldest first."""
    return sorted(_heads().distinct("_id"))


def is_period_closed(day: date_type) -> bool:
    """Tell whether the month of a date is closed for posting."""
    return day.month in _closed_months(day.year)


# ---------------------------------------------------------------- steps (a) (b) (c)

def _claim_slot(doc: dict, user: str) -> dict:
    """Steps (a) and (b): pass the year's gate for the next number, insert that slot."""
    year = doc["date"].year
    while True:
        slot, fresh = _pass_gate(doc, user)
        if not fresh:
            return slot  # a parallel call posted this entry meanwhile: its slot
        try:
            _slots().insert_one(slot)
            return slot
        except DuplicateKeyError:
            pass
        # Look up by _id: a completer inserted this very gate slot before us.
        taken = _slots().find_one({"_id": slot["_id"]})
        if taken is not None and taken["entry_id"] == doc["_id"]:
            return taken
        if taken is None:
            raise BusinessRuleError(f"journal chain {year}: entry {doc['_id']} holds a "
                                    "number already; run `flask --app app ledger verify`")


def _pass_gate(doc: dict, user: str) -> tuple[dict, bool]:
    """Step (a): open the gate for the next number for this entry.

    Returns (the gate's new slot, True), or (the entry's slot, False) if a parallel
    call posted the entry meanwhile. Refuses if the entry's month is closed.
    """
    day = doc["date"]
    year = day.year
    while True:
        number, prev_hash, _ = _settle(year)
        done = _posted_slot(doc["_id"])
        if done is not None:
            return done, False
        if day.month in _closed_months(year):
            raise BusinessRuleError(f"the period {day.month:02d}/{year} is closed; "
                                    "post into an open period")
        slot = _slot_for(doc, user, year, number + 1, prev_hash)
        opened = _heads().update_one(
            {"_id": year, "gate": number, "closed_months": {"$ne": day.month}},
            {"$set": {"gate": number + 1, "gate_slot": slot}})
        if opened.modified_count:
            return slot, True
        _backoff()  # another posting holds the gate (or the month was just closed)


def _posted_slot(entry_id) -> dict | None:
    """The slot of an entry that is posted already, else None."""
    current = JournalEntry._get_collection().find_one(
        {"_id": entry_id}, {"status": 1, "number": 1, "fiscal_year": 1})
    if current is None or current.get("status") != "posted":
        return None
    return _slots().find_one({"_id": slot_id(current["fiscal_year"], current["number"])})


def _slot_for(doc: dict, user: str, year: int, number: int, prev_hash: str) -> dict:
    posted = dict(doc, number=number, fiscal_year=year, status="posted", posted_by=user,
                  posted_at=_now_ms(), prev_hash=prev_hash)
    posted["hash"] = chain_hash(prev_hash, posted)
    return {"_id": slot_id(year, number), "year": year, "number": number,
            "entry_id": doc["_id"], "hash": posted["hash"], "prev_hash": prev_hash,
            "doc": posted}


def _complete(slot: dict) -> None:
    """Steps (c), (c2) and (d): write the entry of a slot, add it to the balances, then
    move the hint past it."""
    _write_entry(slot)
    balances.apply_through(slot["year"], slot["number"], slot)
    _heads().update_one({"_id": slot["year"], "last_number": {"$lt": slot["number"]}},
                        {"$set": {"last_number": slot["number"], "last_hash": slot["hash"]}})


def _write_entry(slot: dict) -> None:
    """Step (b): write the posted state of a slot onto its entry (safe to repeat)."""
    entries = JournalEntry._get_collection()
    current = entries.find_one({"_id": slot["entry_id"]}, {"status": 1, "number": 1})
    if current is not None and current.get("status") == "posted":
        return
    fields = {k: v for k, v in slot["doc"].items() if k != "_id"}
    update = {"$set": fields}
    unset = {k: "" for k in OPTIONAL_HASHED if k not in fields}
    if unset:
        update["$unset"] = unset
    try:
        entries.update_one({"_id": slot["entry_id"], "status": {"$ne": "posted"}},
                           update, upsert=True)
    except DuplicateKeyError:
        pass  # written by a parallel completion of the same slot


def _settle(year: int) -> tuple[int, str, int]:
    """Complete the slots above the year's hint; return (last number, its hash, completed).

    A gate opened for the next number whose slot is missing (its poster is slow or
    died) is completed too, from the slot the gate holds.
    """
    head = _head(year)
    number, last_hash, completed = head["last_number"], head["last_hash"], 0
    while True:
        slot = _slots().find_one({"_id": slot_id(year, number + 1)}) or _gate_slot(year, number + 1)
        if slot is None:
            return number, last_hash, completed
        _complete(slot)
        number, last_hash, completed = slot["number"], slot["hash"], completed + 1


def _gate_slot(year: int, number: int) -> dict | None:
    """Insert the slot of an open gate for `number` if its poster has not; return it."""
    head = _heads().find_one({"_id": year}, {"gate": 1, "gate_slot": 1})
    if head.get("gate") != number:
        return None
    try:
        _slots().insert_one(head["gate_slot"])
    except DuplicateKeyError:
        pass  # the poster (or another completer) inserted it
    slot = _slots().find_one({"_id": slot_id(year, number)})
    if slot is None:
        raise BusinessRuleError(f"journal chain {year}: the slot for #{number} cannot be "
                                "written; run `flask --app app ledger verify`")
    return slot


def _head(year: int) -> dict:
    """Return the year's head document, creating it on first use."""
    head = _heads().find_one({"_id": year})
    if head is None:
        try:
            _heads().insert_one({"_id": year, "last_number": 0, "last_hash": GENESIS_HASH,
                                 "closed_months": [], "gate": 0})
        except DuplicateKeyError:
            pass
        head = _heads().find_one({"_id": year})
    if "gate" not in head:  # a year begun before the gate existed: gate at its last slot
        number = head["last_number"]
        while _slots().find_one({"_id": slot_id(year, number + 1)}, {"_id": 1}):
            number += 1
        _heads().update_one({"_id": year, "gate": {"$exists": False}},
                            {"$set": {"gate": number}})
        head = _heads().find_one({"_id": year})
    return head


def _closed_months(year: int) -> list[int]:
    head = _heads().find_one({"_id": year}, {"closed_months": 1}) or {}
    return head.get("closed_months") or []


# ---------------------------------------------------------------- helpers

def _save_draft(entry: JournalEntry) -> None:
    try:
        entry.save()
    except me.ValidationError as exc:
        raise BusinessRuleError(_validation_message(exc)) from None


def _check_accounts_active(entry: JournalEntry) -> None:
    numbers = sorted({line.account for line in entry.lines})
    inactive = list(Account.objects(number__in=numbers, active=False).scalar("number"))
    if inactive:
        raise BusinessRuleError(f"account(s) {', '.join(sorted(inactive))} are inactive; "
                                "use an active account or reactivate it")


def _line(i: int, spec: dict) -> JournalLine:
    unknown = set(spec) - {"account", "debit", "credit", "tax_key", "text", "cost_center"}
    if unknown:
        raise BusinessRuleError(f"line {i}: unknown field(s) {', '.join(sorted(unknown))}")
    return JournalLine(account=str(spec.get("account") or ""),
                       debit=_amount(i, spec.get("debit")), credit=_amount(i, spec.get("credit")),
                       tax_key=spec.get("tax_key") or None, text=spec.get("text") or None,
                       cost_center=spec.get("cost_center") or None)


def _amount(i: int, value) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        raise BusinessRuleError(f"line {i}: give amounts as Decimal or text, not float")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise BusinessRuleError(f"line {i}: '{value}' is not an amount") from None


def claim_key(key: str, entry_id: ObjectId) -> ObjectId:
    """Store the key with our entry id, or return the entry id stored by an earlier call."""
    try:
        PostingKey._get_collection().insert_one({"_id": key, "entry_id": entry_id})
        return entry_id
    except DuplicateKeyError:
        return PostingKey._get_collection().find_one({"_id": key})["entry_id"]


def _chain_error(doc: dict, expected: int, prev: str, slot: dict | None) -> str:
    if doc.get("number") != expected:
        return f"number {doc.get('number')} found where {expected} was expected (gap or duplicate)"
    if doc.get("prev_hash") != prev:
        return "link to the previous entry is broken"
    if chain_hash(prev, doc) != doc.get("hash"):
        return "content does not match its hash (changed after posting)"
    if slot is None or slot.get("number") != expected or slot.get("hash") != doc["hash"]:
        return "hash differs from the one recorded when it was posted"
    return ""


def _verify_tail(year: int, count: int) -> VerifyResult:
    """Check that no claimed number after the last posted entry lacks its entry."""
    head = _heads().find_one({"_id": year}) or {"last_number": 0}
    if _slots().find_one({"_id": slot_id(year, count + 1)}) is not None \
            or head["last_number"] > count or head.get("gate", 0) > count:
        return VerifyResult(year, False, count, count + 1, None,
                            f"posted entry #{count + 1} is missing (deleted, or its posting "
                            "was interrupted: run `flask --app app ledger recover`)")
    return VerifyResult(year, True, count)


def _validation_message(exc: me.ValidationError) -> str:
    errors = exc.to_dict() if hasattr(exc, "to_dict") else {}
    if errors:
        return "; ".join(f"{field}: {msg}" for field, msg in _flatten(errors))
    return str(exc)


def _flatten(errors, prefix=""):
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def _heads():
    return FiscalYear._get_collection()


def _slots():
    return ChainSlot._get_collection()


def _now_ms() -> datetime:
    """Now in UTC, cut to milliseconds because that is what the database keeps."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _backoff() -> None:
    time.sleep(random.uniform(0, 0.005))


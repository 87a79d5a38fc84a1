"""Reconcile bank transactions: propose, book exactly once, learn, auto-book above a threshold.

A booking first claims the transaction with a compare-and-set in the update filter
(status "open" → "booking", with the allocations stored in the same update), so of two
clerks or processes only one wins. The winner posts each allocation with an idempotency
key `bank:<transaction>:<n>`; a crash in between leaves status "booking", and
`recover_bookings()` (also run before every reconciliation) finishes those allocations
with the same keys, so nothing is booked twice and nothing stays half-booked.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from bson import ObjectId

from models.bank_account import BankAccount
from models.bank_rule import BankRule
from models.bank_statement import Allocation, BankCounterparty, BankStatement, BankTransaction
from services.banking.reconcile_items import all_open_items, returnable_items, settle
from services.banking.reconcile_match import OpenItemIndex, Part, Proposal, RuleSet, propose
from services.core.errors import BusinessRuleError
from services.ledger.charts import posting_accounts
from services.ledger.posting import post_new_entry


@dataclass
class RunResult:
    proposed: int = 0
    booked: int = 0
    failed: int = 0


def build_index(with_returns: bool = False) -> OpenItemIndex:
    """All open items and the learned IBAN → party map, indexed once.

    With returns: also the booked payments a return may take back (read only when a
    return waits, they are not open items).
    """
    learned = {c["_id"]: c["party"] for c in BankCounterparty._get_collection().find()}
    return OpenItemIndex(all_open_items(), learned,
                         returnable=returnable_items() if with_returns else (),
                         fee_account=posting_accounts()["bank_fees"])


def proposals_for(tx: BankTransaction, index: OpenItemIndex | None = None) -> list[Proposal]:
    """Ranked proposals for one transaction."""
    index = index or build_index(with_returns=bool(tx.is_return))
    return propose(tx, index, RuleSet(BankRule.objects(active=True)))


def reconcile_open(user: str = "auto", transactions=None) -> RunResult:
    """Propose for every open transaction; book those above their account's threshold."""
    recover_bookings(user)
    returns = BankTransaction.objects(status="open", is_return=True).first() is not None
    index, rules = build_index(with_returns=returns), RuleSet(BankRule.objects(active=True))
    result = RunResult()
    thresholds = {a.pk: a.auto_book_from for a in BankAccount.objects.only("auto_book_from")}
    query = transactions if transactions is not None else BankTransaction.objects(status="open")
    without = []   # transactions without any proposal: one update for many
    for tx in query.no_dereference():
        best = next(iter(propose(tx, index, rules)), None)
        result.proposed += 1
        if best is None:
            if tx.confidence != 0 or tx.proposal:   # new, or its proposal went away
                without.append(tx.pk)
                if len(without) >= NO_PROPOSAL_BATCH:
                    _store_no_proposal(without)
            continue
        # One small write per proposal: a bulk write of many different updates stalled the
        # embedded server's write lock in the bench (not investigated further).
        BankTransaction._get_collection().update_one(
            {"_id": tx.pk, "status": "open"},
            {"$set": {"confidence": best.confidence, "proposal": best.text,
                      "proposal_msg": best.message}})
        threshold = thresholds.get(getattr(tx.account, "id", tx.account))
        if best and threshold and best.confidence >= threshold:
            try:
                book(tx.pk, parts_to_allocations(best.parts), user, confidence=best.confidence,
                     proposal=best.text, proposal_msg=best.message)
            except BusinessRuleError:
                result.failed += 1
                continue
            for part in best.parts:
                if part.item:
                    index.consume(part.item, part.amount + (part.discount or 0))
            result.booked += 1
    _store_no_proposal(without)
    return result


NO_PROPOSAL_BATCH = 500


def _store_no_proposal(ids: list) -> None:
    """Mark open transactions as having no proposal, many in one update; empties `ids`."""
    if ids:
        BankTransaction._get_collection().update_many(
            {"_id": {"$in": list(ids)}, "status": "open"},
            {"$set": {"confidence": 0, "proposal": "", "proposal_msg": {}}})
        ids.clear()


def parts_to_allocations(parts: list[Part]) -> list[dict]:
    """A proposal's parts as allocations for `book`."""
    result = []
    for part in parts:
        if part.item:
            result.append({"kind": part.item.kind, "ref": part.item.key, "amount": part.amount,
                           "label": part.item.label, "discount": part.discount})
        else:
            result.append({"kind": "account", "account": part.account or "",
                           "tax_key": part.tax_key, "amount": part.amount,
                           "cost_center": part.cost_center,
                           "label": part.label_text})
    return result


def book(tx_id, allocations: list[dict], user: str, *, confidence: int | None = None,
         proposal: str = "", proposal_msg: dict | None = None) -> BankTransaction:
    """Book a transaction over open items and/or accounts; exactly once under concurrency."""
    tx = BankTransaction.objects(pk=tx_id).first()
    if tx is None:
        raise BusinessRuleError("Den Bankumsatz gibt es nicht (mehr).")
    if tx.status != "open":
        raise BusinessRuleError(f"Der Bankumsatz vom {tx.booking_date:%d.%m.%Y} über "
                                f"{tx.amount:.2f} € ist schon zugeordnet ({_status(tx.status)}).")
    docs = [_allocation(a, tx) for a in allocations]
    total = sum((d.amount for d in docs), Decimal("0.00"))
    if total != abs(tx.amount):
        raise BusinessRuleError(f"Die Aufteilung ergibt {total:.2f} €, der Umsatz beträgt "
                                f"{abs(tx.amount):.2f} €; bitte die Beträge anpassen.")
    claim = uuid.uuid4().hex
    won = BankTransaction._get_collection().update_one(
        {"_id": tx.pk, "status": "open"},
        {"$set": {"status": "booking", "claim": claim, "reconciled_by": user,
                  "allocations": [d.to_mongo() for d in docs],
                  **({"confidence": confidence, "proposal": proposal[:300],
                      "proposal_msg": proposal_msg or {}}
                     if confidence is not None else {})}})
    if not won.modified_count:
        raise BusinessRuleError("Der Bankumsatz wurde gerade von jemand anderem zugeordnet.")
    try:
        _complete(tx.pk, user)
    except BusinessRuleError:
        _release_if_untouched(tx.pk, claim)
        raise
    return BankTransaction.objects.get(pk=tx.pk)


def ignore(tx_id, user: str) -> None:
    """Mark a transaction as needing no booking (e.g. a transfer between own accounts)."""
    done = BankTransaction._get_collection().update_one(
        {"_id": ObjectId(str(tx_id)), "status": "open"},
        {"$set": {"status": "ignored", "reconciled_by": user, "reconciled_at": _now()}})
    if not done.modified_count:
        raise BusinessRuleError("Der Bankumsatz ist nicht mehr offen.")


def recover_bookings(user: str = "recover") -> int:
    """Finish every booking a crash interrupted; return how many were finished."""
    finished = 0
    for doc in BankTransaction._get_collection().find({"status": "booking"}, {"_id": 1}):
        try:
            _complete(doc["_id"], user)
            finished += 1
        except BusinessRuleError:
            continue
    return finished


def _complete(tx_pk, user: str) -> None:
    """Post the allocations of a claimed transaction that have no entry yet (repeat-safe)."""
    coll = BankTransaction._get_collection()
    doc = coll.find_one({"_id": tx_pk})
    if doc.get("status") != "booking":
        return
    tx = BankTransaction._from_son(doc)
    account = tx.account
    statement = BankStatement.objects(pk=tx.statement.pk).only("statement_id").first() \
        if tx.statement else None
    reference = f"Kontoauszug {statement.statement_id if statement else ''} {tx.booking_date:%d.%m.%Y}"
    for n, alloc in enumerate(tx.allocations):
        if alloc.entry_id:
            continue
        key = f"bank:{tx.pk}:{n}"
        if alloc.kind == "account":
            entry_id = _post_to_account(tx, alloc, account.ledger_account, reference, user, key)
        else:
            entry_id = settle(alloc.ref, amount=alloc.amount, day=tx.booking_date, user=user,
                              key=key, bank_account=account.ledger_account,
                              reference=reference, discount=alloc.discount)
            _learn(tx, alloc)
        coll.update_one({"_id": tx.pk}, {"$set": {f"allocations.{n}.entry_id": ObjectId(str(entry_id))}})
    coll.update_one({"_id": tx.pk, "status": "booking"},
                    {"$set": {"status": "booked", "reconciled_at": _now()}})


def _post_to_account(tx, alloc, bank_ledger: str, reference: str, user: str, key: str):
    amount = alloc.amount
    bank = {"account": bank_ledger, "debit": amount} if tx.amount > 0 else \
        {"account": bank_ledger, "credit": amount}
    other = {"account": alloc.account, "credit": amount, "tax_key": alloc.tax_key} \
        if tx.amount > 0 else {"account": alloc.account, "debit": amount, "tax_key": alloc.tax_key}
    if alloc.cost_center:
        other["cost_center"] = alloc.cost_center
    text = f"{tx.counterparty_name or ''} {tx.purpose or ''}".strip() or (alloc.label or "Bank")
    entry = post_new_entry(date=tx.booking_date, text=text[:200], lines=[bank, other],
                           source="payment", user=user, voucher_ref=reference[:60],
                           idempotency_key=key)
    return entry.pk


def _allocation(spec: dict, tx) -> Allocation:
    amount = Decimal(str(spec.get("amount") or "0"))
    if amount <= 0:
        raise BusinessRuleError("Jeder Teilbetrag muss über 0 liegen.")
    kind = spec.get("kind") or "account"
    if kind == "account":
        number = spec.get("account") or (posting_accounts()["receivables"] if tx.amount > 0 else "")
        from models.ledger import Account

        if not number or not Account.objects(number=number, active=True).first():
            raise BusinessRuleError(f"Konto „{number}“ gibt es nicht oder es ist gesperrt.")
        return Allocation(kind="account", account=number, tax_key=spec.get("tax_key") or None,
                          cost_center=spec.get("cost_center") or None,
                          amount=amount, label=(spec.get("label") or "")[:200])
    if not spec.get("ref"):
        raise BusinessRuleError("Bitte den offenen Posten wählen.")
    discount = Decimal(str(spec["discount"])) if spec.get("discount") else None
    return Allocation(kind=kind, ref=spec["ref"], amount=amount, discount=discount,
                      label=(spec.get("label") or spec["ref"])[:200])


def _learn(tx, alloc) -> None:
    """Remember the party behind the counterparty's IBAN for the next statements."""
    if not tx.counterparty_iban or alloc.kind != "invoice":
        return
    from models.invoice import Invoice

    inv = Invoice.objects(pk=alloc.ref.split(":")[1]).only("customer").first()
    if inv is not None:
        BankCounterparty._get_collection().update_one(
            {"_id": tx.counterparty_iban}, {"$set": {"party": f"customer:{inv.customer.pk}"}},
            upsert=True)


def _release_if_untouched(tx_pk, claim: str) -> None:
    """Give a failed claim back if none of its allocations was posted."""
    coll = BankTransaction._get_collection()
    doc = coll.find_one({"_id": tx_pk}, {"allocations": 1, "claim": 1})
    if doc and doc.get("claim") == claim and not any(
            a.get("entry_id") for a in doc.get("allocations", [])):
        coll.update_one({"_id": tx_pk, "status": "booking", "claim": claim},
                        {"$set": {"status": "open", "allocations": []}, "$unset": {"claim": ""}})


def _status(code: str) -> str:
    return {"booking": "wird gebucht", "booked": "gebucht", "ignored": "ohne Buchung"}.get(code, code)


def _now() -> datetime:
    return datetime.now(timezone.utc)

"""Proposals for a bank transaction, ranked by confidence (pure: no database).

The open items are indexed once per run (by reference, by amount in cents, by party),
so each transaction costs a few dictionary look-ups, never transactions × items.
Order of the rules (issue 16): a document number or end-to-end reference in the
purpose; the exact open amount from the party's known IBAN; the amount less an allowed
Skonto within its deadline; several items of one party together; learned rules.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from services.banking.reconcile_items import OpenItem
from services.core.messages import N_

_TOKEN = re.compile(r"[A-Za-z]{0,6}[-/ ]?\d[\d\-/ ]{2,20}\d|[A-Za-z0-9][A-Za-z0-9\-/.]{3,60}")
MAX_SUBSET_ITEMS = 12


@dataclass
class Part:
    """One allocation of a proposal: an open item or an account, with the amount."""

    amount: Decimal
    item: OpenItem | None = None
    account: str = ""
    tax_key: str = ""
    cost_center: str = ""
    discount: Decimal | None = None
    label: str = ""          # a message id (German) with `label_args`; an item's label is data
    label_args: dict = field(default_factory=dict)

    @property
    def label_text(self) -> str:
        """The label in German, its values filled in."""
        return self.label % self.label_args if self.label_args else self.label


@dataclass
class Proposal:
    """A ranked suggestion; `reason` is a German message id formatted with `args`."""

    confidence: int
    reason: str
    parts: list[Part] = field(default_factory=list)
    args: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The proposal in German (stored with the transaction, shown where no language applies)."""
        return describe(self.message)

    @property
    def message(self) -> dict:
        """The proposal as message ids and values, for the screens to show in the user's language."""
        return {"reason": self.reason, "args": dict(self.args),
                "parts": [{"label": p.label, "args": dict(p.label_args)} if p.label
                          else {"label": p.item.label if p.item else p.account, "data": True}
                          for p in self.parts]}


def describe(message: dict, translate=lambda msgid, **args: msgid % args if args else msgid) -> str:
    """A stored proposal message as text; `translate` is the UI's gettext (German by default)."""
    if not message:
        return ""
    labels = ", ".join(part["label"] if part.get("data") else translate(part["label"], **part.get("args", {}))
                       for part in message.get("parts", ()))
    reason = translate(message["reason"], **message.get("args", {}))
    return f"{reason}: {labels}"[:300] if labels else reason[:300]


def normalize_ref(text: str) -> str:
    """RE-2026-00042, 're 2026 00042' and 'RE202600042' are the same reference."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class OpenItemIndex:
    """The open items, looked up by reference, amount and party."""

    def __init__(self, items: list[OpenItem], party_by_iban: dict[str, str] | None = None,
                 returnable: list[OpenItem] = (), fee_account: str = ""):
        self.party_by_iban = dict(party_by_iban or {})
        self.fee_account = fee_account
        self.by_ref, self.by_cents = defaultdict(list), defaultdict(list)
        # Booked payments a return can take back: only looked up for returns, by reference.
        self.by_return_ref = defaultdict(list)
        for item in returnable:
            for ref in item.references:
                if ref:
                    self.by_return_ref[normalize_ref(ref)].append(item)
        self.by_skonto, self.by_party = defaultdict(list), defaultdict(list)
        for item in items:
            for ref in item.references:
                if ref:
                    self.by_ref[normalize_ref(ref)].append(item)
            self.by_cents[(item.direction, _cents(item.open_amount))].append(item)
            if item.skonto_amount:
                net = item.open_amount - item.skonto_amount
                self.by_skonto[(item.direction, _cents(net))].append(item)
            self.by_party[item.party].append(item)
            for iban in item.ibans:
                self.party_by_iban.setdefault(iban, item.party)

    def consume(self, item: OpenItem, amount: Decimal) -> None:
        """Lower an item's open amount after a booking in the same run."""
        item.open_amount -= amount

    def refs_in(self, tx, table=None) -> list[OpenItem]:
        table = self.by_ref if table is None else table
        found, seen = [], set()
        texts = [tx.end_to_end_id or "", tx.purpose or ""]
        for text in texts:
            tokens = [normalize_ref(m) for m in _TOKEN.findall(text)]
            tokens += [normalize_ref(w) for w in text.split()] + [normalize_ref(text)]
            for token in dict.fromkeys(tokens):  # in reading order, once each
                for item in table.get(token, ()):
                    if item.key not in seen and item.open_amount > 0:
                        seen.add(item.key)
                        found.append(item)
        return found


class RuleSet:
    """Learned rules, looked up by counterparty IBAN; rules without IBAN are few."""

    def __init__(self, rules):
        self.by_iban, self.general = defaultdict(list), []
        for rule in rules:
            (self.by_iban[rule.counterparty_iban] if rule.counterparty_iban
             else self.general).append(rule)

    def matching(self, tx):
        direction = "in" if tx.amount > 0 else "out"
        for rule in self.by_iban.get(tx.counterparty_iban or "", []) + self.general:
            if rule.direction not in ("any", direction):
                continue
            if rule.purpose_pattern and not re.search(rule.purpose_pattern,
                                                      f"{tx.counterparty_name or ''} {tx.purpose or ''}",
                                                      re.I):
                continue
            yield rule


def propose(tx, index: OpenItemIndex, rules: RuleSet | None = None) -> list[Proposal]:
    """Every proposal for a transaction, best first."""
    amount, direction = abs(tx.amount), (1 if tx.amount > 0 else -1)
    day = tx.booking_date
    proposals = _by_reference(tx, index, amount, direction, day)
    party = index.party_by_iban.get(tx.counterparty_iban or "")
    proposals += _by_amount(index, amount, direction, party)
    proposals += _by_skonto(index, amount, direction, party, day)
    if party:
        proposals += _by_sum(index.by_party.get(party, []), amount, direction)
    proposals += _by_bank_fee(tx, index, amount, direction)
    for rule in (rules.matching(tx) if rules else ()):
        proposals.append(Proposal(rule.confidence, N_("Regel „%(name)s“"),
                                  [Part(amount, account=rule.account, tax_key=rule.tax_key or "",
                                        cost_center=getattr(rule, "cost_center", "") or "",
                                        label=N_("Konto %(account)s"),
                                        label_args={"account": rule.account})],
                                  args={"name": rule.name}))
    if getattr(tx, "is_return", False):
        for p in proposals:
            p.confidence = min(p.confidence, 40)  # a return is looked at by a person
        proposals += _by_returned_payment(tx, index, amount, direction)
    return _ranked(proposals)


BANK_FEE_GVC = {"805", "808"}   # DK business transaction codes: account closing, charges


def _by_bank_fee(tx, index, amount, direction) -> list[Proposal]:
    """The bank's own charges (GVC 805/808, no counterparty) to Nebenkosten des Geldverkehrs."""
    gvc = getattr(tx, "gvc", "") or ""
    if direction > 0 or gvc not in BANK_FEE_GVC or tx.counterparty_iban \
            or not index.fee_account:
        return []
    part = Part(amount, account=index.fee_account, label=N_("Nebenkosten des Geldverkehrs"))
    return [Proposal(80, N_("Entgelt der Bank (GVC %(gvc)s)"), [part], args={"gvc": gvc})]


MAX_WITHHELD_FEE = Decimal("50.00")   # a returned transfer less more than this is no return of it


def _by_returned_payment(tx, index, amount, direction) -> list[Proposal]:
    """The booked payment a return takes back (same reference); a surplus is the bank's fee.

    A returned transfer of ours may come back less the banks' fee: the payment is taken
    back in full (the payee got nothing) and the fee withheld goes to bank charges.
    """
    result = []
    for item in index.refs_in(tx, index.by_return_ref):
        if item.direction != direction:
            continue
        withheld = item.open_amount - amount
        if withheld > 0:
            if direction > 0 and index.fee_account and withheld <= MAX_WITHHELD_FEE:
                result.append(Proposal(
                    85, N_("Rückbuchung der Zahlung mit gleicher Referenz, abzüglich Entgelt "
                           "%(fee)s €"), [Part(amount, item, discount=withheld)],
                    args={"fee": f"{withheld:.2f}".replace(".", ",")}))
            continue
        parts = [Part(item.open_amount, item)]
        fee = amount - item.open_amount
        if fee and direction < 0 and index.fee_account:
            parts.append(Part(fee, account=index.fee_account, label=N_("Rücklastschriftgebühr")))
        elif fee:
            continue
        result.append(Proposal(90, N_("Rückbuchung der Zahlung mit gleicher Referenz"), parts))
    return result


def _by_reference(tx, index, amount, direction, day) -> list[Proposal]:
    items = [i for i in index.refs_in(tx) if i.direction == direction]
    if not items:
        return []
    if len(items) > 1 and sum(i.open_amount for i in items) == amount:
        return [Proposal(95, N_("Mehrere Belegnummern im Verwendungszweck"),
                         [Part(i.open_amount, i) for i in items])]
    result = []
    for item in items:
        if amount == item.open_amount:
            result.append(Proposal(98, N_("Belegnummer und Betrag"), [Part(amount, item)]))
        elif _skonto_fits(item, amount, day):
            result.append(Proposal(95, N_("Belegnummer, Betrag abzüglich Skonto"),
                                   [Part(amount, item, discount=item.skonto_amount)]))
        elif amount < item.open_amount:
            result.append(Proposal(85, N_("Belegnummer, Teilzahlung"), [Part(amount, item)]))
        else:
            result.append(Proposal(80, N_("Belegnummer, Überzahlung"),
                                   [Part(item.open_amount, item),
                                    Part(amount - item.open_amount, label=N_("Überzahlung"))]))
    return result


def _by_amount(index, amount, direction, party) -> list[Proposal]:
    items = [i for i in index.by_cents.get((direction, _cents(amount)), ())
             if i.open_amount == amount]
    if not items:
        return []
    own = [i for i in items if party and i.party == party]
    if own:
        confidence = 90 if len(own) == 1 else 60
        return [Proposal(confidence, N_("Betrag und IBAN des Zahlers"), [Part(amount, i)])
                for i in _by_due(own)]
    confidence = 60 if len(items) == 1 else 40
    return [Proposal(confidence, N_("Nur der Betrag"), [Part(amount, i)]) for i in _by_due(items)[:5]]


def _by_skonto(index, amount, direction, party, day) -> list[Proposal]:
    items = [i for i in index.by_skonto.get((direction, _cents(amount)), ())
             if _skonto_fits(i, amount, day)]
    return [Proposal(88 if party and i.party == party else 55,
                     N_("Betrag abzüglich Skonto in der Frist"),
                     [Part(amount, i, discount=i.skonto_amount)]) for i in _by_due(items)[:5]]


def _by_sum(items, amount, direction) -> list[Proposal]:
    """Several open items of the party that add up to the amount (oldest first)."""
    items = [i for i in _by_due(items) if i.direction == direction and i.open_amount > 0]
    if len(items) < 2:
        return []
    if sum(i.open_amount for i in items) == amount:
        return [Proposal(85, N_("Alle offenen Posten des Zahlers"),
                         [Part(i.open_amount, i) for i in items])]
    target, pool = _cents(amount), items[:MAX_SUBSET_ITEMS]
    # The oldest first (how customers usually pay), then any two: bounded work per party.
    running = 0
    for size, item in enumerate(pool, start=1):
        running += _cents(item.open_amount)
        if running == target and size > 1:
            return [Proposal(75, N_("Summe der ältesten offenen Posten des Zahlers"),
                             [Part(i.open_amount, i) for i in pool[:size]])]
    for first, second in combinations(pool, 2):
        if _cents(first.open_amount) + _cents(second.open_amount) == target:
            return [Proposal(75, N_("Summe zweier offener Posten des Zahlers"),
                             [Part(first.open_amount, first), Part(second.open_amount, second)])]
    return []


def _skonto_fits(item: OpenItem, amount: Decimal, day) -> bool:
    return bool(item.skonto_amount and item.skonto_until and day <= item.skonto_until
                and amount == item.open_amount - item.skonto_amount)


def _by_due(items):
    return sorted(items, key=lambda i: (i.due is None, i.due or 0, i.key))


def _ranked(proposals: list[Proposal]) -> list[Proposal]:
    seen, result = set(), []
    for p in sorted(proposals, key=lambda p: -p.confidence):
        signature = tuple((part.item.key if part.item else part.account, part.amount)
                          for part in p.parts)
        if signature not in seen:
            seen.add(signature)
            result.append(p)
    return result


def _cents(amount: Decimal) -> int:
    return int(amount * 100)

"""The matcher on hand-made open items (no database): each rule, its confidence, its edges."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.banking.reconcile_items import OpenItem
from services.banking.reconcile_match import OpenItemIndex, RuleSet, normalize_ref, propose

D = Decimal
IBAN = "DE02120300000000202051"


@dataclass
class Tx:
    amount: Decimal
    purpose: str = ""
    end_to_end_id: str = ""
    counterparty_iban: str = ""
    counterparty_name: str = ""
    booking_date: date = date(2026, 3, 20)
    is_return: bool = False


@dataclass
class Rule:
    name: str
    account: str
    counterparty_iban: str = ""
    purpose_pattern: str = ""
    direction: str = "any"
    confidence: int = 90
    tax_key: str = ""


def inv(no, amount, party="customer:1", due=date(2026, 3, 29), **kw):
    return OpenItem(key=f"invoice:{no}", kind="invoice", direction=1, open_amount=D(amount),
                    party=party, references=(f"RE-2026-{no:05d}",), due=due,
                    label=f"Rechnung RE-2026-{no:05d}", **kw)


def best(tx, items, learned=None, rules=()):
    found = propose(tx, OpenItemIndex(items, learned or {}), RuleSet(rules))
    return found[0] if found else None


def keys(proposal):
    return [(p.item.key if p.item else p.account, p.amount) for p in proposal.parts]


def test_references_are_compared_without_spaces_and_dashes():
    assert normalize_ref("RE-2026-00042") == normalize_ref("re 2026 00042") == "RE202600042"


def test_document_number_and_exact_amount_is_the_surest():
    p = best(Tx(D("119.00"), "Rechnung RE 2026 00001 Danke"), [inv(1, "119.00"), inv(2, "119.00")])
    assert p.confidence == 98 and keys(p) == [("invoice:1", D("119.00"))]


def test_end_to_end_reference_counts_like_a_number_in_the_purpose():
    p = best(Tx(D("50.00"), "Zahlung", end_to_end_id="RE-2026-00002"), [inv(2, "50.00")])
    assert p.confidence == 98


def test_number_with_less_is_a_partial_payment_and_with_more_an_overpayment():
    part = best(Tx(D("100.00"), "RE-2026-00001"), [inv(1, "119.00")])
    assert part.confidence == 85 and keys(part) == [("invoice:1", D("100.00"))]
    over = best(Tx(D("120.00"), "RE-2026-00001"), [inv(1, "119.00")])
    assert over.confidence == 80
    assert keys(over) == [("invoice:1", D("119.00")), ("", D("1.00"))]


def test_several_numbers_paid_together():
    p = best(Tx(D("300.00"), "RE-2026-00001 und RE-2026-00002"),
             [inv(1, "100.00"), inv(2, "200.00"), inv(3, "300.00")])
    assert p.confidence == 95
    assert keys(p) == [("invoice:1", D("100.00")), ("invoice:2", D("200.00"))]


def test_exact_amount_from_a_known_iban_beats_amount_alone():
    items = [inv(1, "119.00", party="customer:1"), inv(2, "119.00", party="customer:2")]
    p = best(Tx(D("119.00"), "Danke", counterparty_iban=IBAN), items, {IBAN: "customer:2"})
    assert p.confidence == 90 and keys(p) == [("invoice:2", D("119.00"))]
    unknown = propose(Tx(D("119.00"), "Danke"), OpenItemIndex(items), RuleSet([]))
    assert [x.confidence for x in unknown] == [40, 40]  # two candidates, none preferred
    alone = best(Tx(D("119.00")), [inv(1, "119.00")])
    assert alone.confidence == 60


def test_amount_one_cent_off_or_the_wrong_direction_matches_nothing():
    assert best(Tx(D("118.99"), counterparty_iban=IBAN), [inv(1, "119.00")], {IBAN: "customer:1"}) is None
    assert best(Tx(D("-119.00"), counterparty_iban=IBAN), [inv(1, "119.00")], {IBAN: "customer:1"}) is None


def test_skonto_only_within_its_deadline_and_only_its_amount():
    item = lambda: inv(1, "119.00", skonto_amount=D("2.38"), skonto_until=date(2026, 3, 25))
    on_time = best(Tx(D("116.62"), counterparty_iban=IBAN, booking_date=date(2026, 3, 25)),
                   [item()], {IBAN: "customer:1"})
    assert on_time.confidence == 88 and on_time.parts[0].discount == D("2.38")
    late = best(Tx(D("116.62"), counterparty_iban=IBAN, booking_date=date(2026, 3, 26)),
                [item()], {IBAN: "customer:1"})
    assert late is None
    with_number = best(Tx(D("116.62"), "RE-2026-00001", booking_date=date(2026, 3, 24)), [item()])
    assert with_number.confidence == 95 and with_number.parts[0].discount == D("2.38")
    too_much_off = best(Tx(D("116.61"), "RE-2026-00001", booking_date=date(2026, 3, 24)), [item()])
    assert too_much_off.confidence == 85 and too_much_off.parts[0].discount is None  # partial


def test_several_open_items_of_the_payer_add_up():
    items = [inv(1, "10.00", due=date(2026, 3, 1)), inv(2, "20.00", due=date(2026, 3, 2)),
             inv(3, "40.00", due=date(2026, 3, 3)), inv(4, "99.00", party="customer:9")]
    all_of_them = best(Tx(D("70.00"), counterparty_iban=IBAN), items, {IBAN: "customer:1"})
    assert all_of_them.confidence == 85 and len(all_of_them.parts) == 3
    some = best(Tx(D("50.00"), counterparty_iban=IBAN), items, {IBAN: "customer:1"})
    assert some.confidence == 75
    assert keys(some) == [("invoice:1", D("10.00")), ("invoice:3", D("40.00"))]
    assert best(Tx(D("51.00"), counterparty_iban=IBAN), items, {IBAN: "customer:1"}) is None
    oldest = best(Tx(D("30.00"), counterparty_iban=IBAN), items + [inv(5, "7.00")],
                  {IBAN: "customer:1"})
    assert "ältesten" in oldest.reason
    assert keys(oldest) == [("invoice:1", D("10.00")), ("invoice:2", D("20.00"))]


def test_learned_rules_by_iban_and_pattern_and_direction():
    rules = [Rule("Miete", "4210", counterparty_iban=IBAN, purpose_pattern="miete", direction="out"),
             Rule("Kontoführung", "4970", purpose_pattern=r"entgelt|kontof", confidence=80)]
    rent = best(Tx(D("-800.00"), "MIETE MAERZ", counterparty_iban=IBAN), [], rules=rules)
    assert rent.confidence == 90 and keys(rent) == [("4210", D("800.00"))]
    assert best(Tx(D("800.00"), "Miete zurück", counterparty_iban=IBAN), [], rules=rules) is None
    assert best(Tx(D("-800.00"), "Miete", counterparty_iban="DE12500105170648489890"), [],
                rules=rules) is None
    fee = best(Tx(D("-12.50"), "Entgelt Kontoführung"), [], rules=rules)
    assert fee.confidence == 80 and keys(fee) == [("4970", D("12.50"))]


def test_a_return_is_never_sure_enough_to_book_alone():
    p = best(Tx(D("-119.00"), "RE-2026-00001", is_return=True),
             [OpenItem("x:1", "x", -1, D("119.00"), references=("RE-2026-00001",))])
    assert p.confidence == 40


def test_ranking_puts_the_reference_above_the_amount():
    items = [inv(1, "119.00", party="customer:1"), inv(2, "119.00", party="customer:1")]
    found = propose(Tx(D("119.00"), "RE-2026-00002", counterparty_iban=IBAN),
                    OpenItemIndex(items, {IBAN: "customer:1"}), RuleSet([]))
    assert [(p.confidence, keys(p)[0][0]) for p in found] == [
        (98, "invoice:2"), (60, "invoice:1")]

"""Cost centres on journal lines: master data, required per account, and in the hash chain.

The canonical line with a cost centre is written out by hand: the cost centre is appended
as a sixth element only when set, so every hash pinned before (tests/services/
test_hash_chain.py) stays valid.
"""
import hashlib
from datetime import date
from decimal import Decimal as D

import pytest

from models.cost_center import CostCenter
from models.ledger import Account, JournalEntry
from services.core.errors import BusinessRuleError
from services.ledger import posting
from services.ledger.hash_chain import canonical_content
from tests.services.test_hash_chain import CANONICAL, ENTRY, PINNED, PREV


def test_line_with_cost_center_is_hashed_with_it_and_without_it_unchanged():
    entry = dict(ENTRY, lines=[dict(ENTRY["lines"][0], cost_center="100"),
                               *ENTRY["lines"][1:]])
    expected = CANONICAL.replace(b'["4930",10000,0,"9","Papier"]',
                                 b'["4930",10000,0,"9","Papier","100"]')
    assert canonical_content(entry) == expected
    unchanged = dict(ENTRY, lines=[dict(ENTRY["lines"][0], cost_center=""),
                                   dict(ENTRY["lines"][1], cost_center=None),
                                   ENTRY["lines"][2]])
    assert canonical_content(unchanged) == CANONICAL
    assert hashlib.sha256(PREV.encode() + b"\n" + canonical_content(unchanged)).hexdigest() \
        == PINNED


def _post(**line):
    return posting.post_new_entry(date=date(2026, 3, 2), text="Miete", source="manual",
                                  user="u", lines=[{"account": "4210", "debit": D("500.00"),
                                                    **line},
                                                   {"account": "1200", "credit": D("500.00")}])


def test_a_tampered_cost_center_is_found_by_verify(app):
    CostCenter(code="100", name="Vertrieb").save()
    CostCenter(code="200", name="Verwaltung").save()
    entry = _post(cost_center="100")
    assert posting.verify_chain(2026).ok
    JournalEntry._get_collection().update_one({"_id": entry.pk},
                                              {"$set": {"lines.0.cost_center": "200"}})
    result = posting.verify_chain(2026)
    assert not result.ok and "changed after posting" in result.reason


def test_removing_a_cost_center_is_found_too(app):
    CostCenter(code="100", name="Vertrieb").save()
    entry = _post(cost_center="100")
    JournalEntry._get_collection().update_one({"_id": entry.pk},
                                              {"$unset": {"lines.0.cost_center": ""}})
    assert not posting.verify_chain(2026).ok


def test_unknown_or_inactive_cost_center_is_refused(app):
    CostCenter(code="900", name="Alt", active=False).save()
    with pytest.raises(BusinessRuleError, match="Kostenstelle.*777.*unbekannt"):
        _post(cost_center="777")
    with pytest.raises(BusinessRuleError, match="900"):
        _post(cost_center="900")
    assert JournalEntry.objects(status="posted").count() == 0


def test_account_that_requires_a_cost_center(app):
    CostCenter(code="100", name="Vertrieb").save()
    Account.objects(number="4210").update(set__cost_center_required=True)
    with pytest.raises(BusinessRuleError, match="Konto 4210 verlangt eine Kostenstelle"):
        _post()
    assert _post(cost_center="100").status == "posted"
    Account.objects(number="4210").update(set__cost_center_required=False)
    assert _post().status == "posted"  # not required: optional


def test_reversal_keeps_the_cost_center(app):
    from services.ledger.balances import account_balances

    CostCenter(code="100", name="Vertrieb").save()
    reversal = posting.reverse_entry(_post(cost_center="100"), "u", date=date(2026, 3, 3))
    assert [ln.cost_center for ln in reversal.lines] == ["100", None]
    assert account_balances(2026, 3, 3, cost_center="100") == {
        "4210": (D("500.00"), D("500.00"))}

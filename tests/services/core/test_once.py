"""services.core.once.get_or_create: stored, created, or the one a parallel call saved."""
from datetime import date
from decimal import Decimal

import pytest
from bson import ObjectId

from models.exchange_rate import ExchangeRate
from services.core.once import get_or_create

PK = ObjectId("0123456789abcdef01234567")


def rate(value: str) -> ExchangeRate:
    return ExchangeRate(id=PK, currency="USD", day=date(2026, 11, 20), rate=Decimal(value))


def test_a_stored_document_is_returned_and_nothing_is_created(app):
    rate("1.05").save()
    calls = []
    got = get_or_create(ExchangeRate, PK, lambda: calls.append(1))
    assert got.rate == Decimal("1.05") and calls == []


def test_a_missing_document_is_created_once(app):
    got = get_or_create(ExchangeRate, PK, lambda: rate("1.06").save())
    assert got.pk == PK and ExchangeRate.objects.get(pk=PK).rate == Decimal("1.06")
    again = get_or_create(ExchangeRate, PK, lambda: rate("9.99").save())
    assert again.rate == Decimal("1.06") and ExchangeRate.objects.count() == 1


@pytest.mark.parametrize("look_first", [True, False])
def test_a_parallel_insert_wins_and_its_document_is_returned(app, look_first):
    def create():  # another call inserts between our look-up and our insert
        rate("1.07").save(force_insert=True)
        return rate("1.08").save(force_insert=True)

    got = get_or_create(ExchangeRate, PK, create, look_first=look_first)
    assert got.rate == Decimal("1.07") and ExchangeRate.objects.count() == 1


def test_without_the_look_up_a_stored_document_is_still_not_overwritten(app):
    rate("1.05").save()
    got = get_or_create(ExchangeRate, PK, lambda: rate("2.00").save(force_insert=True),
                        look_first=False)
    assert got.rate == Decimal("1.05")

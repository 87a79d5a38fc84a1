"""Factories for issue 19's IT assets, licences and contracts (defaults plus keyword overrides)."""
import itertools
from datetime import date
from decimal import Decimal

from models.contract import Contract
from models.it_asset import Asset, Licence

_seq = itertools.count(1)


def make_asset(**kw) -> Asset:
    n = next(_seq)
    values = dict(asset_tag=f"IT-{n:05d}", asset_type="notebook", manufacturer="Lenovo",
                  model="ThinkPad T14", serial_number=f"PF{n:06d}",
                  purchase_date=date(2025, 3, 1), purchase_price=Decimal("1299.00"),
                  warranty_end=date(2028, 2, 29), location="Büro München")
    values.update(kw)
    return Asset(**values).save()


def make_licence(**kw) -> Licence:
    values = dict(product="Office Suite", vendor="Softwarehaus Beispiel", licence_type="per_user",
                  seats=5, cost=Decimal("600.00"), renewal_date=date(2027, 1, 1))
    values.update(kw)
    return Licence(**values).save()


def make_contract(**kw) -> Contract:
    n = next(_seq)
    values = dict(number=f"V-{n:04d}", subject="Wartung Kopierer", category="maintenance",
                  counterparty_kind="other", counterparty_name="Bürotechnik Huber",
                  start=date(2025, 1, 1), minimum_term_months=24, notice_period=3,
                  notice_to="term_end", renewal_months=12, cost=Decimal("120.00"),
                  payment_interval="monthly", cost_centre="100")
    values.update(kw)
    return Contract(**values).save()

"""Budgets (plan figures) per account or account group, cost-centre code and month of a year."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.fields import MoneyField

MONTH_FIELDS = tuple(f"m{m:02d}" for m in range(1, 13))


class Budget(TimestampedDocument):
    year = me.IntField(required=True, min_value=2000, max_value=2100)
    # an account number, or a group of accounts by prefix with a trailing * ("49*")
    account = me.StringField(required=True, regex=r"^\d{1,8}\*?$")
    cost_center = me.StringField(default="", max_length=20)  # code; empty = all
    note = me.StringField(max_length=200)
    m01 = MoneyField(default=Decimal("0.00"))
    m02 = MoneyField(default=Decimal("0.00"))
    m03 = MoneyField(default=Decimal("0.00"))
    m04 = MoneyField(default=Decimal("0.00"))
    m05 = MoneyField(default=Decimal("0.00"))
    m06 = MoneyField(default=Decimal("0.00"))
    m07 = MoneyField(default=Decimal("0.00"))
    m08 = MoneyField(default=Decimal("0.00"))
    m09 = MoneyField(default=Decimal("0.00"))
    m10 = MoneyField(default=Decimal("0.00"))
    m11 = MoneyField(default=Decimal("0.00"))
    m12 = MoneyField(default=Decimal("0.00"))

    meta = {"collection": "budgets", "ordering": ["year", "account", "cost_center"],
            "indexes": [{"fields": ["year", "account", "cost_center"], "unique": True},
                        "year"]}

    def __str__(self):
        where = f" / {self.cost_center}" if self.cost_center else ""
        return f"{self.year} {self.account}{where}"

    @property
    def months(self) -> list:
        return [getattr(self, name) for name in MONTH_FIELDS]

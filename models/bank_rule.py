"""Learned booking rules: counterparty IBAN and/or purpose pattern → ledger account."""
import re

import mongoengine as me

from models.base import TimestampedDocument

DIRECTIONS = ("in", "out", "any")


class BankRule(TimestampedDocument):
    name = me.StringField(required=True, max_length=80)
    counterparty_iban = me.StringField(max_length=34)
    purpose_pattern = me.StringField(max_length=200)   # regular expression, case-insensitive
    direction = me.StringField(default="any", choices=DIRECTIONS)
    account = me.StringField(required=True, regex=r"^\d{4,8}$")
    tax_key = me.StringField(max_length=10)
    cost_center = me.StringField(max_length=20)  # code put on the account's journal line
    confidence = me.IntField(default=90, min_value=1, max_value=100)
    active = me.BooleanField(default=True)
    created_by = me.StringField()

    meta = {"collection": "bank_rules", "ordering": ["name"], "indexes": ["counterparty_iban"]}

    def __str__(self):
        return self.name

    def clean(self):
        from models.base import clean_iban
        from models.ledger import Account

        clean_iban(self, "counterparty_iban")
        if not self.counterparty_iban and not (self.purpose_pattern or "").strip():
            msg = "a rule needs a counterparty IBAN, a purpose pattern or both"
            raise me.ValidationError(msg, errors={"purpose_pattern": msg})
        if self.purpose_pattern:
            try:
                re.compile(self.purpose_pattern)
            except re.error as exc:
                msg = f"the purpose pattern is no valid regular expression: {exc}"
                raise me.ValidationError(msg, errors={"purpose_pattern": msg}) from None
        if not Account.objects(number=self.account).first():
            msg = f"ledger account {self.account} does not exist"
            raise me.ValidationError(msg, errors={"account": msg})
        self.cost_center = (self.cost_center or "").strip() or None
        if self.cost_center:
            from models.cost_center import CostCenter

            if not CostCenter.objects(code=self.cost_center, active=True).first():
                msg = f"Kostenstelle {self.cost_center} ist unbekannt oder gesperrt"
                raise me.ValidationError(msg, errors={"cost_center": msg})

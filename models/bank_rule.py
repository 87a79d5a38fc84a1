"""Learned booking rules: counterparty IBAN and/or purpose pattern → ledger account."""
import re

import mongoengine as me

from models.base import TimestampedDocument
from models.messages import N_, invalid

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
            raise invalid("purpose_pattern", N_("Eine Regel braucht die IBAN der Gegenseite, ein "
                                                "Muster für den Verwendungszweck oder beides."))
        if self.purpose_pattern:
            try:
                re.compile(self.purpose_pattern)
            except re.error as exc:
                raise invalid("purpose_pattern", N_("Das Muster für den Verwendungszweck ist kein "
                                                    "gültiger regulärer Ausdruck: %(error)s"),
                              error=str(exc)) from None
        if not Account.objects(number=self.account).first():
            raise invalid("account", N_("Das Sachkonto %(account)s gibt es nicht; bitte ein Konto "
                                        "des Kontenplans wählen."), account=self.account)
        self.cost_center = (self.cost_center or "").strip() or None
        if self.cost_center:
            from models.cost_center import CostCenter

            if not CostCenter.objects(code=self.cost_center, active=True).first():
                raise invalid("cost_center", N_("Kostenstelle %(code)s ist unbekannt oder "
                                                "gesperrt"), code=self.cost_center)

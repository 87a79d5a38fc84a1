"""The variable pay of one employee in one month: hours worked, variable components, overtime."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.employee import Employee
from models.fields import FixedDecimalField, MoneyField


class PayInput(TimestampedDocument):
    """What HR (or a time-recording system) reports for a month; payroll reads it.

    `hours`: paid working hours of an employee paid by the hour, without overtime and
    without vacation (vacation is paid by payroll itself, § 11 BUrlG);
    `variable_pay`: regular variable components (commission, shift premiums);
    `overtime_pay`: paid overtime, part of the month's gross but not of the vacation-pay
    average (§ 11 (1) BUrlG).
    """

    employee = me.ReferenceField(Employee, required=True)
    year = me.IntField(required=True, min_value=2000, max_value=2100)
    month = me.IntField(required=True, min_value=1, max_value=12)
    hours = FixedDecimalField(places=2, default=Decimal("0.00"), min_value=0, max_value=400)
    variable_pay = MoneyField(default=Decimal("0.00"), min_value=0, max_value=1_000_000)
    overtime_pay = MoneyField(default=Decimal("0.00"), min_value=0, max_value=1_000_000)
    note = me.StringField(max_length=200)
    # one input per employee and month
    key = me.StringField(unique=True, max_length=60)

    meta = {"collection": "pay_inputs", "ordering": ["-year", "-month"],
            "indexes": [("year", "month"), "employee"]}

    def __str__(self):
        return f"{self.employee} {self.month:02d}/{self.year}"

    def clean(self):
        if self.employee is not None and self.year and self.month:
            self.key = f"{self.employee.pk}:{self.year}-{self.month:02d}"

"""Absences: the types (as data), the leave policy and the requests of employees."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument
from models.employee import Employee
from models.fields import FixedDecimalField
from models.messages import N_, invalid

# How payroll treats a day of the type (services/hr/payroll_effects.py):
# paid: wage continues; unpaid: the day's wage is deducted (1/30), SV days stay;
# sick: wage continues for 6 weeks per illness, then Krankengeld (deducted, no SV days);
# benefit: a benefit of the state replaces the wage (deducted, no SV days);
# short_time: Kurzarbeit, the hours lost are not paid (a whole day or `hours_per_day`), SV days
# stay; Kurzarbeitergeld with the pay (services/payroll/kurzarbeit.py), none in a minijob.
PAYROLL_TREATMENTS = ("paid", "unpaid", "sick", "benefit", "short_time")
ABSENCE_STATUSES = ("requested", "approved", "rejected", "cancelled")
EAU_RESULTS = ("eau_present", "eau_not_yet", "eau_not_found", "eau_error")


class AbsenceType(TimestampedDocument):
    """A kind of absence and how it counts (paid, against entitlement, approval, payroll)."""

    code = me.StringField(required=True, unique=True, max_length=30)
    name = me.StringField(required=True, max_length=80)
    paid = me.BooleanField(default=True)
    counts_against_entitlement = me.BooleanField(default=False)
    needs_approval = me.BooleanField(default=True)
    payroll_treatment = me.StringField(required=True, default="paid", choices=PAYROLL_TREATMENTS)
    certificate_possible = me.BooleanField(default=False)   # sick leave: AU / eAU
    active = me.BooleanField(default=True)

    meta = {"collection": "absence_types", "ordering": ["name"]}

    def __str__(self):
        return self.name


class LeavePolicy(TimestampedDocument):
    """The company's leave rules: carry-over into the next year and its expiry date."""

    key = me.StringField(required=True, unique=True, default="default")
    carry_over = me.BooleanField(default=True)
    carry_over_until_month = me.IntField(default=3, min_value=1, max_value=12)
    carry_over_until_day = me.IntField(default=31, min_value=1, max_value=31)

    meta = {"collection": "leave_policies"}

    def __str__(self):
        return f"Urlaubsregeln (Übertrag bis {self.carry_over_until_day}.{self.carry_over_until_month}.)"

    @classmethod
    def current(cls) -> "LeavePolicy":
        return cls.objects(key="default").first() or cls()


class Absence(TimestampedDocument):
    """One absence of an employee: requested, approved (or refused, cancelled)."""

    employee = me.ReferenceField(Employee, required=True)
    absence_type = me.ReferenceField(AbsenceType, required=True)
    start = me.DateField(required=True)
    end = me.DateField(required=True)
    half_day_start = me.BooleanField(default=False)   # the first day from noon
    half_day_end = me.BooleanField(default=False)     # the last day until noon
    days = FixedDecimalField(places=1, default=Decimal("0.0"))   # working days
    # Kurzarbeit: hours lost on each working day (empty: the whole day)
    hours_per_day = FixedDecimalField(places=2, min_value=0, max_value=24)
    status = me.StringField(required=True, default="requested", choices=ABSENCE_STATUSES)
    note = me.StringField(max_length=300)
    requested_by = me.StringField(max_length=120)
    decided_by = me.StringField(max_length=120)
    decided_at = me.DateTimeField()
    # sick leave: the first absence of the same illness (Fortsetzungserkrankung)
    illness_of = me.ReferenceField("self")
    eau_retrieved_at = me.DateTimeField()
    eau_retrieved_by = me.StringField(max_length=120)
    eau_result = me.StringField(choices=EAU_RESULTS)
    department = me.StringField(max_length=80)   # the employee's, for the team calendar

    meta = {"collection": "absences", "ordering": ["-start"],
            "indexes": ["employee", "status", "start", "end", "department",
                        "illness_of"]}

    def __str__(self):
        return f"{self.absence_type} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise invalid("end", N_("Der letzte Tag liegt vor dem ersten; bitte die Daten "
                                    "tauschen."))

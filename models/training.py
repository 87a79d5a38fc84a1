"""Trainings, mandatory recurring instructions and performance reviews."""
import mongoengine as me

from models.archive import ArchivedFile
from models.base import TimestampedDocument
from models.employee import Employee
from models.fields import MoneyField

REVIEW_STATUSES = ("open", "done")


class Training(TimestampedDocument):
    employee = me.ReferenceField(Employee, required=True)
    title = me.StringField(required=True, max_length=200)
    date = me.DateField(required=True)
    provider = me.StringField(max_length=120)
    cost = MoneyField(min_value=0)
    certificate = me.ReferenceField(ArchivedFile)
    # when the training fulfils a mandatory instruction, it counts as done on `date`
    instruction = me.ReferenceField("Instruction")

    meta = {"collection": "trainings", "ordering": ["-date"],
            "indexes": ["employee", "instruction"]}

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


class Instruction(TimestampedDocument):
    """A mandatory recurring instruction (Arbeitsschutzunterweisung yearly, first aider
    every two years, data protection ...), for everyone or some departments."""

    name = me.StringField(required=True, unique=True, max_length=120)
    interval_months = me.IntField(required=True, min_value=1, max_value=120)
    departments = me.ListField(me.StringField(max_length=80))   # empty: everyone
    legal_basis = me.StringField(max_length=200)
    active = me.BooleanField(default=True)

    meta = {"collection": "instructions"}

    def __str__(self):
        return self.name


class ReviewGoal(me.EmbeddedDocument):
    title = me.StringField(required=True, max_length=200)
    rating = me.IntField(min_value=1, max_value=5)
    comment = me.StringField(max_length=1000)


class ReviewCycle(TimestampedDocument):
    """An appraisal round (e.g. the annual review 2026): a review per employee, due by a date."""

    name = me.StringField(required=True, unique=True, max_length=40)
    due_date = me.DateField(required=True)
    departments = me.ListField(me.StringField(max_length=80))   # empty: everyone
    started_by = me.StringField()

    meta = {"collection": "review_cycles"}

    def __str__(self):
        return self.name


class Review(TimestampedDocument):
    """A performance review of one employee in a cycle: goals, ratings, comments.
    Visible to the employee, their manager and HR only (services/hr/reviews.py)."""

    cycle = me.StringField(required=True, max_length=40)      # e.g. "2026"
    employee = me.ReferenceField(Employee, required=True)
    goals = me.EmbeddedDocumentListField(ReviewGoal)
    overall_rating = me.IntField(min_value=1, max_value=5)
    comment = me.StringField(max_length=2000)
    status = me.StringField(required=True, default="open", choices=REVIEW_STATUSES)
    # reviews made by a cycle (services.hr.reviews.start_cycle) have a due date; their _id
    # is derived from cycle and employee, so a repeated start adds nobody twice
    due_date = me.DateField()
    done_by = me.StringField(max_length=120)
    done_at = me.DateTimeField()

    meta = {"collection": "reviews", "indexes": ["employee", "cycle", "status"]}

    def __str__(self):
        return f"{self.cycle}: {self.employee}"

"""On- and offboarding: checklist templates and the tasks made from them for an employee."""
import mongoengine as me

from models.base import TimestampedDocument
from models.employee import Employee
from models.user import ROLES

CHECKLIST_KINDS = ("onboarding", "offboarding")
TASK_STATUSES = ("open", "done", "cancelled")   # cancelled: the exit date was removed


class ChecklistItem(me.EmbeddedDocument):
    title = me.StringField(required=True, max_length=200)
    responsible_role = me.StringField(required=True, choices=ROLES)
    due_offset_days = me.IntField(required=True, default=0, min_value=-365, max_value=365)


class ChecklistTemplate(TimestampedDocument):
    """Tasks with a responsible role and a due offset from the start (or exit) date."""

    name = me.StringField(required=True, unique=True, max_length=120)
    kind = me.StringField(required=True, choices=CHECKLIST_KINDS)
    items = me.EmbeddedDocumentListField(ChecklistItem)
    active = me.BooleanField(default=True)

    meta = {"collection": "checklist_templates"}

    def __str__(self):
        return self.name


class ChecklistTask(TimestampedDocument):
    """One task of an employee's on- or offboarding."""

    employee = me.ReferenceField(Employee, required=True)
    kind = me.StringField(required=True, choices=CHECKLIST_KINDS)
    title = me.StringField(required=True, max_length=200)
    responsible_role = me.StringField(required=True, choices=ROLES)
    due_date = me.DateField(required=True)
    # days from the start or exit date: a moved exit date moves the open tasks with it
    due_offset_days = me.IntField()
    status = me.StringField(required=True, default="open", choices=TASK_STATUSES)
    done_by = me.StringField(max_length=120)
    done_at = me.DateTimeField()
    # one task per employee, template item and kind: starting twice adds nothing
    key = me.StringField(required=True, unique=True, max_length=200)
    # offboarding items of IT (services.it): the handover of an asset the employee holds,
    # or a licence seat; returning the asset or releasing the seat ticks the task
    it_item = me.StringField(max_length=200)   # asset tag or licence product, for the title
    asset = me.ObjectIdField()
    handover = me.ObjectIdField()
    licence = me.ObjectIdField()
    seat = me.ObjectIdField()

    meta = {"collection": "checklist_tasks", "ordering": ["due_date"],
            "indexes": ["employee", ("responsible_role", "status"), "due_date",
                        "handover", "seat"]}

    def __str__(self):
        return f"{self.title} ({self.employee})"

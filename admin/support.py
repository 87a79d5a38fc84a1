"""Helpdesk tickets."""
from admin.ajax import ReferenceLookup
from admin.base import SecuredModelView, current_user_label
from models.employee import Employee
from models.user import User

SUPPORT_READ = ("admin", "support", "auditor")
SUPPORT_WRITE = ("admin", "support")


class TicketView(SecuredModelView):
    read_roles, write_roles = SUPPORT_READ, SUPPORT_WRITE
    column_list = ("number", "title", "priority", "status", "requester", "assignee",
                   "due_at", "created_at")
    column_searchable_list = ("number", "title")
    column_filters = ("status", "priority", "due_at", "created_at")
    column_default_sort = ("created_at", True)
    form_columns = ("title", "description", "requester", "assignee", "priority", "status",
                    "due_at", "comments")
    form_ajax_refs = {
        "requester": ReferenceLookup("requester", Employee,
                                     ("personnel_no", "last_name", "first_name")),
        "assignee": ReferenceLookup("assignee", User, ("email", "name")),
    }
    form_subdocuments = {"comments": {"form_subdocuments": {None: {
        "form_columns": ("text", "internal"),
    }}}}

    def on_model_change(self, form, model, is_created):
        for comment in model.comments:
            if not comment.author:
                comment.author = current_user_label()

"""Absences in the panel: types and the leave policy (HR keeps them), absences (HR reads).

Requests and decisions go through the absence screens (views/hr.py), which count the days
and check the balance; the list here is HR's overview and export.
"""
from flask_babel import lazy_gettext as _l

from admin.base import SecuredModelView
from admin.hr import HR_ROLES


class AbsenceTypeView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_delete = False   # absences refer to their type; deactivate instead
    column_list = ("code", "name", "paid", "counts_against_entitlement", "needs_approval",
                   "payroll_treatment", "certificate_possible", "active")
    column_labels = {"paid": _l("Bezahlt"), "name": _l("Bezeichnung")}
    form_excluded_columns = ("created_at", "updated_at")


class LeavePolicyView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_create = allow_delete = False   # one policy, seeded
    column_list = ("carry_over", "carry_over_until_day", "carry_over_until_month")
    form_excluded_columns = ("key", "created_at", "updated_at")


class AbsenceView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_create = allow_edit = allow_delete = False
    column_list = ("employee", "absence_type", "start", "end", "days", "status",
                   "department", "decided_by", "eau_result")
    column_details_list = column_list + ("half_day_start", "half_day_end", "hours_per_day",
                                         "note", "requested_by", "decided_at", "illness_of",
                                         "eau_retrieved_at", "eau_retrieved_by")
    column_labels = {"start": _l("Von"), "end": _l("Bis"), "days": _l("Arbeitstage")}
    column_filters = ("status", "department", "start", "end")
    column_default_sort = ("start", True)

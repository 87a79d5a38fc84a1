"""Recruiting in the panel: openings and applicants (HR); stages on the applicant screen."""
from flask import url_for
from markupsafe import Markup, escape

from admin.base import SecuredModelView
from admin.hr import HR_ROLES


class JobOpeningView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_delete = False
    column_list = ("title", "department", "position", "status", "opened_on")
    form_excluded_columns = ("created_at", "updated_at")


def _applicant_link(view, context, model, name):
    url = url_for("hr.applicant_view", applicant_id=model.pk)
    return Markup(f'<a href="{url}">{escape(model.last_name)}</a>')


class ApplicantView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_delete = False   # the retention cleanup deletes the documents on time
    column_list = ("last_name", "first_name", "opening", "stage", "rejected_on",
                   "talent_pool_consent")
    column_formatters = {"last_name": _applicant_link}
    column_filters = ("stage",)
    column_searchable_list = ("last_name", "first_name", "email")
    # stages, documents, consent and the hire go through the applicant screen
    form_excluded_columns = ("created_at", "updated_at", "stage", "history", "documents",
                             "talent_pool_consent", "consent_until", "consent_recorded_at",
                             "rejected_on", "employee")

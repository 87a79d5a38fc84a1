"""Data protection (admin): record of processing activities (Art. 30), breach register (Art. 33)."""

from flask_admin.menu import MenuLink
from flask_login import current_user

from admin.base import SecuredModelView, current_user_label


class AdminMenuLink(MenuLink):
    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin")


def subject_access_menu_link() -> MenuLink:
    from admin.labels import menu_label

    return AdminMenuLink(name=menu_label("Subject access"), url="/privacy/subject-access",
                         category=menu_label("Data protection"))


def erasure_menu_link() -> MenuLink:
    from admin.labels import menu_label

    return AdminMenuLink(name=menu_label("Erasure"), url="/privacy/erasure",
                         category=menu_label("Data protection"))


def _report_due(view, context, model, name):
    from views.i18n import de_datetime

    due = model.report_due
    return de_datetime(due) if due else ""


class ProcessingActivityView(SecuredModelView):
    read_roles = ("admin", "auditor")
    write_roles = ("admin",)
    allow_delete = False  # the record documents what was processed; entries are updated
    column_list = ("code", "name", "legal_basis", "data_subjects", "deletion_periods")
    column_searchable_list = ("code", "name", "purpose")
    form_columns = ("code", "name", "purpose", "legal_basis", "data_subjects",
                    "data_categories", "recipients", "third_country_transfers",
                    "deletion_periods", "retention_categories", "toms", "collections")
    column_details_list = form_columns + ("updated_at",)


class DataBreachView(SecuredModelView):
    read_roles = ("admin", "auditor")
    write_roles = ("admin",)
    allow_delete = False  # Art. 33 (5): every breach stays documented
    column_list = ("aware_at", "title", "status", "report_due", "reported_at",
                   "affected_count")
    column_filters = ("status", "aware_at")
    column_default_sort = ("aware_at", True)
    column_formatters = {"report_due": _report_due}
    column_formatters_detail = {"report_due": _report_due}
    form_columns = ("title", "aware_at", "occurred_at", "description", "data_categories",
                    "data_subjects", "affected_count", "consequences", "measures", "status",
                    "reported_at", "authority_reference", "delay_reason",
                    "not_reportable_reason", "subjects_informed_at")
    column_details_list = form_columns[:2] + ("report_due",) + form_columns[2:] + ("created_by",)

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_by = current_user_label()



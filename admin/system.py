"""Users and the audit log (admin; the audit log also for auditors)."""
from flask_admin.contrib.mongoengine import ModelView  # noqa: F401  (type reference)
from wtforms import PasswordField, SelectMultipleField, validators

from bson import ObjectId
from flask_login import current_user

from admin.base import SecuredModelView
from admin.labels import code_choices
from views.i18n import _l, gettext
from models.user import ROLES


class UserView(SecuredModelView):
    read_roles = write_roles = ("admin",)
    allow_delete = False  # users are deactivated so the audit log keeps its names
    column_list = ("email", "name", "roles", "active", "last_login_at")
    column_searchable_list = ("email", "name")
    column_filters = ("active",)
    form_columns = ("email", "name", "roles", "active", "password")
    # `roles` replaces the generated field: Flask-Admin gives a required ListField a
    # validator for list widgets (FieldListInputRequired) that fails on a select (500).
    form_extra_fields = {
        "roles": SelectMultipleField(_l("Rollen"), choices=code_choices(ROLES),
                                     validators=[validators.InputRequired()]),
        "password": PasswordField(
            _l("Passwort"), validators=[validators.Optional()],
            description=_l("Leer lassen, um das bisherige Passwort zu behalten")),
    }
    column_details_list = ("email", "name", "roles", "active", "locale", "last_login_at",
                           "created_at")

    def on_model_change(self, form, model, is_created):
        password = form.password.data
        if is_created and not password:
            raise validators.ValidationError(gettext("Ein neuer Benutzer braucht ein Passwort."))
        if password:
            try:
                model.set_password(password)
            except ValueError as exc:
                from models.messages import reason
                from views.i18n import translated

                raise validators.ValidationError(translated(reason(exc))) from None


# Audit entries of HR documents hold old and new salaries and IBANs: only these roles
# read them, whatever a template would print (issue 13). The query leaves them out.
HR_COLLECTIONS = ("employees", "payroll_parameters", "payroll_runs", "payslips")
HR_AUDIT_READERS = ("admin", "hr")


def collection_label(name: str):
    """A collection as the menu names it ("supplier_invoices" -> "Eingangsrechnungen"): the
    label of the admin view over it, else the menu label its name spells; the name else."""
    from admin import VIEWS
    from admin.labels import MENU

    for _view, document, label, _category, _endpoint in VIEWS:
        if document._get_collection_name() == name:
            return MENU.get(label, label)
    return MENU.get((name or "").replace("_", " ").capitalize(), name)


class AuditLogView(SecuredModelView):
    read_roles = ("admin", "auditor")
    write_roles = ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "user", "action", "collection", "label", "document_id")
    column_searchable_list = ("user", "collection", "document_id", "label")
    column_filters = ("action", "collection", "user", "at")
    column_default_sort = ("at", True)
    column_details_list = ("at", "user", "action", "collection", "document_id", "label",
                           "changes")
    column_formatters = {"collection": lambda v, c, m, n: collection_label(m.collection)}
    column_formatters_detail = column_formatters

    def get_query(self):
        """Every list, count, export and details page reads through this query."""
        query = super().get_query()
        if current_user.has_role(*HR_AUDIT_READERS):
            return query
        return query.filter(collection__nin=list(HR_COLLECTIONS))

    def get_one(self, id):
        if not ObjectId.is_valid(id):
            return None
        return self.get_query().filter(pk=ObjectId(id)).first()

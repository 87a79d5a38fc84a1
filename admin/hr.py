"""Employees: visible to HR and admin only; the absence screens' menu entries."""
from flask_admin.menu import MenuLink
from flask_login import current_user

from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _, lazy_gettext as _l

from admin.base import RestrictedHiddenMixin, SecuredModelView, money_formatter, run_step

HR_ROLES = ("admin", "hr")


class EmployeeView(RestrictedHiddenMixin, SecuredModelView):
    read_roles = write_roles = HR_ROLES
    column_list = ("personnel_no", "last_name", "first_name", "department", "position",
                   "hire_date", "monthly_gross", "status")
    column_searchable_list = ("personnel_no", "last_name", "first_name", "email",
                              "department")
    column_filters = ("department", "status", "tax_class", "state", "hire_date",
                      "monthly_gross")
    column_default_sort = "last_name"
    column_formatters = {"monthly_gross": money_formatter("monthly_gross")}
    column_descriptions = {
        "state": "state of residence",
        "workplace_state": "state of the workplace (Betriebsstätte): church-tax rate, "
                           "Saxony care split; empty = state of residence",
        "health_fund": "Krankenkasse: add-on and U1/U2 rates come from it",
        "private_health_premium": "only if privately insured: monthly basic premium",
        "minijob_pension_exempt": "minijob exempted from pension insurance on request",
        "social_security_no": "Versicherungsnummer, e.g. 15070649C103",
        "tax_id": "Steuer-Identifikationsnummer, 11 digits",
    }
    form_excluded_columns = ("created_at", "updated_at", "restricted_until", "erased_at",
                             "offboarding_for")
    # the personnel file (documents, certificates, IT equipment): views/personnel_file.py
    column_extra_row_actions = [EndpointLinkRowAction(
        "fa fa-folder-open", "personnel.show", title=_l("Personalakte"), id_arg="employee_id")]

    def is_action_allowed(self, name):
        return self.may_write() and super().is_action_allowed(name)

    @action("onboarding", _l("Onboarding starten"),
            _l("Für die markierten Personen die Onboarding-Checkliste anlegen?"))
    def action_onboarding(self, ids):
        self._start(ids, "onboarding")

    @action("offboarding", _l("Offboarding starten"),
            _l("Für die markierten Personen die Offboarding-Checkliste anlegen?"))
    def action_offboarding(self, ids):
        self._start(ids, "offboarding")

    def _start(self, ids, kind):
        from models.employee import Employee
        from services.hr import checklists

        for employee in Employee.objects(pk__in=ids):
            run_step(lambda e=employee: checklists.start_checklist(e, kind), employee,
                     _("Checkliste angelegt"))

    def on_model_change(self, form, model, is_created):
        """An IBAN once entered changes only by a change request with four eyes."""
        if not is_created and model.pk is not None:
            from models.employee import Employee
            from models.base import clean_iban

            clean_iban(model)
            stored = Employee.objects(pk=model.pk).only("iban").first()
            if stored is not None and stored.iban and model.iban != stored.iban:
                import mongoengine as me
                from flask_babel import gettext

                msg = gettext("Die IBAN ändert sich nur über einen Änderungsantrag, den zwei "
                              "Personen bestätigen (Personal → Self-Service-Anträge).")
                raise me.ValidationError(msg, errors={"iban": msg})
        return super().on_model_change(form, model, is_created)


class AbsenceMenuLink(MenuLink):
    """Menu entries to the absence screens: every logged-in user has absences."""

    def is_accessible(self):
        return current_user.is_authenticated


def absence_menu_links() -> list[AbsenceMenuLink]:
    from admin.labels import menu_label

    return [AbsenceMenuLink(name=menu_label("My data"), url="/me/",
                            category=menu_label("Absences")),
            AbsenceMenuLink(name=menu_label("My absences"), url="/hr/absences/",
                            category=menu_label("Absences")),
            AbsenceMenuLink(name=menu_label("Team calendar"), url="/hr/calendar",
                            category=menu_label("Absences")),
            AbsenceMenuLink(name=menu_label("My reviews"), url="/hr/reviews/",
                            category=menu_label("Absences")),
            HrMenuLink(name=menu_label("Self-service requests"), url="/hr/self-service",
                       category=menu_label("HR"))]


class HrMenuLink(MenuLink):
    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin", "hr")


class ChecklistTemplateView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_delete = False   # deactivate instead; tasks made from it stay
    column_list = ("name", "kind", "active")


class ChecklistTaskView(SecuredModelView):
    """Checklist tasks: each role sees the tasks it is responsible for (HR and admin all)."""

    read_roles = write_roles = ("admin", "hr", "finance", "warehouse", "support")
    allow_create = allow_edit = allow_delete = False   # made from templates, ticked off below
    column_list = ("employee", "kind", "title", "responsible_role", "due_date", "status",
                   "done_by")
    column_filters = ("status", "kind", "responsible_role", "due_date")
    column_default_sort = "due_date"

    def get_query(self):
        query = super().get_query()
        if current_user.has_role("admin", "hr"):
            return query
        return query.filter(responsible_role__in=list(current_user.roles))

    def get_count_query(self):
        return self.get_query()

    def get_one(self, id):
        from bson import ObjectId

        return self.get_query().filter(pk=ObjectId(id)).first() if ObjectId.is_valid(id) \
            else None

    def is_action_allowed(self, name):
        return self.may_write() and super().is_action_allowed(name)

    @action("done", _l("Erledigt"), _l("Die markierten Aufgaben als erledigt markieren?"))
    def action_done(self, ids):
        from services.hr import checklists

        for task in self.get_query().filter(pk__in=ids):
            run_step(lambda t=task: checklists.complete(t.pk, current_user), task,
                     _("erledigt"))


class TrainingView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    column_list = ("employee", "title", "date", "provider", "cost", "instruction")
    column_filters = ("date", "title")
    column_formatters = {"cost": money_formatter("cost")}
    form_excluded_columns = ("created_at", "updated_at")


class InstructionView(SecuredModelView):
    read_roles = write_roles = HR_ROLES
    allow_delete = False
    column_list = ("name", "interval_months", "departments", "legal_basis", "active")
    form_excluded_columns = ("created_at", "updated_at")


class ReviewView(SecuredModelView):
    """HR sets reviews up (cycle, goals); managers rate them on /hr/reviews/."""

    read_roles = write_roles = HR_ROLES
    allow_delete = False
    column_list = ("cycle", "employee", "due_date", "overall_rating", "status")
    form_excluded_columns = ("created_at", "updated_at", "done_by", "done_at")


class PayInputView(SecuredModelView):
    """Hours and variable pay per employee and month; the payroll run reads them (vacation
    pay at the 13-week average, services/payroll/vacation_pay.py)."""

    read_roles = write_roles = HR_ROLES
    column_list = ("employee", "year", "month", "hours", "variable_pay", "overtime_pay")
    column_filters = ("year", "month")
    column_default_sort = [("year", True), ("month", True)]
    column_formatters = {"variable_pay": money_formatter("variable_pay"),
                         "overtime_pay": money_formatter("overtime_pay")}
    form_excluded_columns = ("created_at", "updated_at", "key")

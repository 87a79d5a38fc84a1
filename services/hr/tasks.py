"""Task-list sources of HR: absence requests waiting for the manager (or substitute)."""
from services.core.messages import N_
from services.core.tasks import Task, register_task_source
from services.hr.absences import pending_for


def absence_approvals(user):
    """Yield one task per absence request this user decides."""
    for absence in pending_for(user):
        employee = absence.employee
        yield Task(kind="approval", area="hr", ref=str(absence.pk),
                   title=N_("Abwesenheit von %(name)s entscheiden (%(start)s–%(end)s)"),
                   params={"name": f"{employee.first_name} {employee.last_name}",
                           "start": absence.start,  # shown in the page's format
                           "end": absence.end},
                   url=f"/hr/absences/{absence.pk}", due=absence.start)


register_task_source("hr.absence_approvals", absence_approvals)


def krankengeld_notices(user, today=None):
    """HR: illnesses whose six weeks of sick pay ended in the last 60 days."""
    from datetime import date, timedelta

    from services.hr.payroll_effects import sick_pay_endings

    if not user.has_role("hr", "admin"):
        return
    today = today or date.today()
    for absence, last_paid in sick_pay_endings(today - timedelta(days=60)):
        employee = absence.employee
        yield Task(kind="deadline", area="hr", ref=f"kg-{absence.pk}",
                   title=N_("Entgeltfortzahlung von %(name)s endet am %(date)s: Krankengeld, "
                            "SV-Meldung prüfen"),
                   params={"name": f"{employee.first_name} {employee.last_name}",
                           "date": last_paid},
                   url=f"/hr/absences/{absence.pk}", due=last_paid)


register_task_source("hr.krankengeld", krankengeld_notices)


def overdue_instructions(user, today=None):
    """HR: every employee overdue with a mandatory instruction."""
    from datetime import date

    from services.hr.training import overdue

    if not user.has_role("hr", "admin"):
        return
    for item in overdue(today or date.today()):
        employee = item.employee
        yield Task(kind="overdue", area="hr", overdue=True, due=item.due,
                   ref=f"in-{employee.pk}-{item.instruction.pk}",
                   title=N_("Unterweisung „%(instruction)s“ für %(name)s überfällig"),
                   params={"instruction": item.instruction.name,
                           "name": f"{employee.first_name} {employee.last_name}"},
                   url="/admin/trainings/")


register_task_source("hr.overdue_instructions", overdue_instructions)


def _reviews_due(user, today=None):
    from services.hr.reviews import reviews_due

    return reviews_due(user, today)


register_task_source("hr.reviews_due", _reviews_due)

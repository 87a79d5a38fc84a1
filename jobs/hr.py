"""HR jobs: the daily list of overdue mandatory instructions."""
from services.hr.training import overdue


def overdue_instructions_job(ctx) -> dict:
    """Count who is overdue with a mandatory instruction (the HR task list shows them)."""
    late = overdue(ctx.today)
    return {"overdue": len(late), "employees": len({d.employee.pk for d in late})}

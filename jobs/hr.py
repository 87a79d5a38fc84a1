"""HR jobs: the daily list of overdue mandatory instructions, offboarding after exit dates."""
from services.hr.training import overdue


def overdue_instructions_job(ctx) -> dict:
    """Count who is overdue with a mandatory instruction (the HR task list shows them)."""
    late = overdue(ctx.today)
    return {"overdue": len(late), "employees": len({d.employee.pk for d in late})}


def offboarding_sync_job(ctx) -> dict:
    """Start, move or cancel offboarding checklists for exit dates that no save announced."""
    from services.hr.offboarding import sync_all

    return sync_all(ctx.today)

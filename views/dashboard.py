"""Which dashboard tiles a user sees: one set per role (figures from services.operations.dashboard)."""
from models.base import utcnow
from services.operations import dashboard

# role -> tiles; admins see everything, auditors what they may read.
TILES_BY_ROLE = {
    "admin": ("finance", "hr", "warehouse", "support", "admin", "deadlines"),
    "finance": ("finance", "warehouse", "deadlines"),
    "hr": ("hr", "deadlines"),
    "warehouse": ("warehouse",),
    "support": ("support", "deadlines"),
    "auditor": ("finance", "warehouse", "support", "deadlines"),
}


def tiles_for(user) -> dict:
    """Compute the tiles of the user's roles (each kind once)."""
    kinds = {kind for role in user.roles for kind in TILES_BY_ROLE.get(role, ())}
    now = utcnow()
    makers = {"finance": lambda: dashboard.finance_figures(now.date()),
              "hr": dashboard.hr_figures, "warehouse": dashboard.warehouse_figures,
              "support": lambda: dashboard.support_figures(now),
              "admin": _admin,
              "deadlines": lambda: _deadlines(user)}
    return {kind: makers[kind]() for kind in kinds}


def _admin() -> dict:
    from jobs import ensure_registry
    from jobs.scheduler import next_run_times

    jobs = {name: spec.trigger for name, spec in ensure_registry().items()}
    return dashboard.admin_figures(jobs, next_run_times())


def _deadlines(user) -> dict:
    from services.compliance.calendar import berlin_today
    from services.compliance.dashboard import deadline_figures

    return deadline_figures(user, berlin_today())

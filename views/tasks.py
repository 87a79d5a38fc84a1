"""'Meine Aufgaben' (the user's task list) and the global search, for every logged-in user."""
import time

from flask import Blueprint, current_app, g, request
from flask_login import current_user, login_required

from services.core.search import MIN_LENGTH, search
from services.core.tasks import tasks_for
from views.frame import render_page
from views.i18n import _

bp = Blueprint("tasks", __name__)


@bp.route("/tasks")
@login_required
def index():
    """The logged-in user's tasks from every area, overdue first."""
    return render_page("tasks/index.html", task_list=my_tasks())


@bp.route("/search")
@login_required
def search_view():
    """Search document numbers, names, personnel numbers, SKUs and IBANs the user may read."""
    term = request.args.get("q", "").strip()[:100]
    hits = search(term, readable_endpoints())
    return render_page("tasks/search.html", term=term, hits=hits, min_length=MIN_LENGTH)


def readable_endpoints() -> set[str]:
    """The admin endpoints the logged-in user may open (the pages' own access rule)."""
    admin = current_app.extensions["admin"][0]
    return {view.endpoint for view in admin._views
            if getattr(view, "may_read", None) and view.may_read()}


# The menu badge's count per user id: (valid until, count). Every page shows the badge, and
# computing it asks every area; the count may lag the task list by TASK_BADGE_SECONDS (the
# task list page itself is always computed fresh and refreshes the badge).
_BADGE: dict[str, tuple[float, int]] = {}


def my_tasks():
    """The task list of this request's user, computed once per request."""
    if "task_list" not in g:
        user = current_user._get_current_object()
        g.task_list = tasks_for(user)
        _BADGE[str(user.pk)] = (time.monotonic() + current_app.config.get("TASK_BADGE_SECONDS", 60),
                                g.task_list.count)
    return g.task_list


@bp.app_context_processor
def task_badge():
    def task_count():
        if not current_user.is_authenticated:
            return None
        cached = _BADGE.get(str(current_user.pk))
        if cached and cached[0] > time.monotonic() and "task_list" not in g:
            return cached[1]
        return my_tasks().count
    return {"task_count": task_count}


def task_title(task) -> str:
    """A task's title in the user's language, its dates in the page's format."""
    from datetime import date

    from services.core.messages import join_lists
    from views.i18n import day
    if not task.params:
        return _(task.title)
    params = {k: day(v) if isinstance(v, date) else v for k, v in task.params.items()}
    return _(task.title, **join_lists(params, _))


bp.add_app_template_global(task_title, "task_title")

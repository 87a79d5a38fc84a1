"""Jobs screen (admin): each job's next run and last runs, and a "run now" button."""
from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from flask_babel import gettext

from admin.base import SecuredModelView, current_user_label, deny_or_login
from admin.labels import job_title
from jobs import ensure_registry
from jobs.runner import queue_manual_run
from jobs.scheduler import next_run_times
from models.jobs import JobRun

LAST_RUNS = 10


class AdminOnlyView(BaseView):
    """A non-CRUD admin page that only the admin role may open."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.has_role("admin")

    def inaccessible_callback(self, name, **kwargs):
        return deny_or_login()


class JobsView(AdminOnlyView):
    @expose("/")
    def index(self):
        specs = ensure_registry()
        runs = {name: list(JobRun.objects(job=name).order_by("-scheduled_for")
                           .limit(LAST_RUNS)) for name in specs}
        return self.render("admin/jobs.html", specs=specs, runs=runs,
                           next_runs=next_run_times())

    @expose("/run", methods=("POST",))
    def run(self):
        name = request.form.get("job", "")
        if name not in ensure_registry():
            flash(gettext("Unbekannter Job: %(name)s", name=name), "error")
        else:
            run = queue_manual_run(name, current_user_label())
            flash(gettext("%(job)s ist eingereiht (Lauf %(run)s); der Scheduler-Prozess startet "
                          "ihn in wenigen Sekunden (läuft gerade einer, danach).",
                          job=job_title(name), run=run.run_id), "success")
        return redirect(url_for(".index"))


class JobRunView(SecuredModelView):
    read_roles = ("admin",)
    write_roles = ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("job", "scheduled_for", "trigger", "status", "started_at", "finished_at",
                   "summary", "requested_by", "host")
    column_filters = ("job", "status", "trigger", "scheduled_for")
    column_searchable_list = ("job", "run_id", "status")
    column_default_sort = ("scheduled_for", True)
    column_formatters = {"job": lambda view, context, model, name: job_title(model.job)}
    column_details_list = ("run_id", "job", "scheduled_for", "trigger", "status",
                           "started_at", "finished_at", "summary", "error", "requested_by",
                           "host")

"""Exactly-once runs, leases, history and the Jobs screen against the real server."""
from datetime import date, datetime, timedelta, timezone

import mongoengine as me
import pytest

from jobs import ensure_registry
from jobs.runner import (REGISTRY, acquire_lease, claim_occurrence, execute,
                         queue_manual_run, release_lease, run_now, run_queued)
from models.jobs import JobLease, JobRun
from tests.conftest import csrf_token_from
from tests.jobs.sample import register_sample_jobs

DUE = datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)  # 02:00 in Berlin


@pytest.fixture
def sample_jobs(app):
    ensure_registry(app)
    saved = dict(REGISTRY)
    register_sample_jobs(None, app)
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


def calls() -> int:
    return me.get_db()["sample_job_calls"].count_documents({})


def test_an_occurrence_is_claimed_once(sample_jobs):
    first = claim_occurrence("sample_count", "sample_count@2026-11-26T01:00:00Z", DUE,
                             "schedule")
    second = claim_occurrence("sample_count", "sample_count@2026-11-26T01:00:00Z", DUE,
                              "schedule")
    assert first is not None and second is None
    run = execute(first)
    assert run.status == "ok" and run.summary == {"calls": 1} and calls() == 1
    stored = JobRun.objects.get(pk=run.run_id)
    assert stored.started_at and stored.finished_at >= stored.started_at
    assert me.get_db()["sample_job_calls"].find_one()["today"] == "2026-11-26"


def test_run_now_while_a_scheduled_run_holds_the_lock_is_skipped_and_logged(sample_jobs):
    assert acquire_lease("sample_count", "sample_count@scheduled", timedelta(minutes=5)) is None
    manual = run_now("sample_count", requested_by="admin@firma.example.com")
    assert manual.status == "skipped" and calls() == 0
    assert "sample_count@scheduled" in manual.summary["reason"]
    release_lease("sample_count", "sample_count@scheduled")
    assert run_now("sample_count", requested_by="admin").status == "ok" and calls() == 1


def test_a_run_whose_process_died_is_marked_failed_when_its_lease_expired(sample_jobs):
    dead = claim_occurrence("sample_count", "sample_count@dead", DUE, "schedule")
    acquire_lease("sample_count", dead.run_id, timedelta(seconds=-1))  # already expired
    assert run_now("sample_count", requested_by="admin").status == "ok"
    dead.reload()
    assert dead.status == "failed" and "interrupted" in dead.error


def test_a_failing_job_is_recorded_with_its_error_and_frees_the_lock(sample_jobs):
    run = run_now("sample_fail", requested_by="admin")
    assert run.status == "failed" and "Lieferant nicht erreichbar" in run.error
    assert JobLease.objects.get(pk="sample_fail").run_id is None


def test_queued_manual_runs_are_taken_by_one_process(sample_jobs):
    queued = queue_manual_run("sample_count", "admin@firma.example.com")
    assert JobRun.objects.get(pk=queued.run_id).status == "queued"
    assert run_queued() == 1 and run_queued() == 0
    assert JobRun.objects.get(pk=queued.run_id).status == "ok" and calls() == 1


def test_jobs_screen_lists_jobs_and_queues_run_now(client, login, sample_jobs):
    run_now("sample_fail", requested_by="admin")
    login("admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "retention_cleanup" in page and "sample_fail" in page
    assert "Lieferant nicht erreichbar" in page and "table-danger" in page
    response = client.post("/admin/jobs/run", data={
        "job": "sample_count", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert JobRun.objects(job="sample_count", status="queued").count() == 1


@pytest.mark.parametrize("role", ["finance", "auditor", "hr"])
def test_jobs_screen_is_for_admin_only(client, login, role):
    login(role)
    assert client.get("/admin/jobs/").status_code == 403
    assert client.get("/admin/job_runs/").status_code == 403


def test_run_now_without_csrf_is_refused(client, login, sample_jobs):
    login("admin")
    response = client.post("/admin/jobs/run", data={"job": "sample_count"})
    assert response.status_code == 400
    assert JobRun.objects.count() == 0


def test_retention_cleanup_job_runs_through_the_runner(app, sample_jobs):
    from models import ArchivedFile, DeletionLogEntry
    from tests.test_seed import store_file

    store_file("application", "Bewerbung.pdf", document_date=date(2020, 1, 1))
    run = run_now("retention_cleanup", requested_by="cli")
    assert run.status == "ok" and run.summary["deleted"] == 1
    assert ArchivedFile.objects.count() == 0
    assert DeletionLogEntry.objects.get().run_id == run.run_id


def test_scheduler_cli_lists_jobs_and_runs_one_now(runner, sample_jobs):
    listed = runner.invoke(args=["scheduler", "list"])
    assert "retention_cleanup" in listed.output and "hour='2'" in listed.output
    ok = runner.invoke(args=["scheduler", "run-now", "sample_count"])
    assert ok.exit_code == 0 and ": ok" in ok.output and calls() == 1
    failed = runner.invoke(args=["scheduler", "run-now", "sample_fail"])
    assert failed.exit_code == 1 and "Lieferant nicht erreichbar" in failed.output
    unknown = runner.invoke(args=["scheduler", "run-now", "nope"])
    assert unknown.exit_code == 2 and "unknown job 'nope'" in unknown.output


def test_scheduler_group_without_subcommand_runs_the_scheduler(app):
    group = app.cli.get_command(None, "scheduler")
    assert group.invoke_without_command and "run" in group.commands


def test_a_failed_scheduled_run_is_retried_once(app, sample_jobs):
    from jobs.runner import _bound, bind, run_scheduled

    class Recorder:
        def __init__(self):
            self.calls = []

        def add_job(self, func, trigger, **kw):
            self.calls.append((func, trigger, kw))

    saved, recorder = dict(_bound), Recorder()
    bind(app, recorder)
    try:
        run_scheduled("sample_fail", DUE)
        func, trigger, kw = recorder.calls[0]
        assert (func, trigger, kw["kwargs"]["attempt"]) == ("jobs.runner:run_scheduled",
                                                            "date", 1)
        assert kw["run_date"] - datetime.now(timezone.utc) > timedelta(minutes=14)
        run_scheduled("sample_fail", DUE, **{"attempt": 1})
    finally:
        _bound.update(saved)
    runs = {r.run_id: r.status for r in JobRun.objects(job="sample_fail")}
    assert runs == {"sample_fail@2026-11-26T02:00:00 Berlin": "failed",
                    "sample_fail@2026-11-26T02:00:00 Berlin#retry1": "failed"}
    assert len(recorder.calls) == 1  # the retry itself is not retried again


def test_job_history_list_and_details_show_failed_runs(client, login, sample_jobs):
    run = run_now("sample_fail", requested_by="admin")
    run_now("sample_count", requested_by="admin")
    login("admin")
    listing = client.get("/admin/job_runs/?search=sample")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "sample_fail" in text and "failed" in text and "calls" in text
    details = client.get(f"/admin/job_runs/details/?id={run.run_id}")
    assert "Lieferant nicht erreichbar" in details.get_data(as_text=True)

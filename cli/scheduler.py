"""`flask --app app scheduler`: the job scheduler process, and jobs by hand."""
import click
from flask import current_app
from flask.cli import AppGroup

@click.pass_context
def _run_without_command(ctx):
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


group = AppGroup("scheduler", invoke_without_command=True, callback=_run_without_command,
                  help="Run the job scheduler in the foreground (one process per site).")


@group.command("run")
def run():
    """Run the scheduler in the foreground, logging to stdout (Ctrl-C stops)."""
    from jobs.scheduler import run_forever

    run_forever(current_app._get_current_object())


@group.command("run-now")
@click.argument("job")
def run_now_cmd(job):
    """Run JOB once now in this process, through the same lock as scheduled runs."""
    from jobs import ensure_registry
    from jobs.runner import run_now

    if job not in ensure_registry():
        raise click.UsageError(f"unknown job {job!r}; known: {', '.join(ensure_registry())}")
    result = run_now(job, requested_by="cli")
    click.echo(f"{result.run_id}: {result.status} {result.summary or ''}")
    if result.error:
        click.echo(result.error, err=True)
    raise click.exceptions.Exit(1 if result.status == "failed" else 0)


@group.command("list")
def list_jobs():
    """List the registered jobs and their schedules."""
    from jobs import ensure_registry

    for spec in ensure_registry().values():
        click.echo(f"{spec.name:<24} {spec.trigger}  {spec.description}")

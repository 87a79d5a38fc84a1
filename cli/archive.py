"""`flask --app app archive add | purge | release-deletion`: file, clean up, release."""
import click
from flask import current_app
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError

group = AppGroup("archive", help=__doc__.splitlines()[0])


@group.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--category", required=True, help="Category code, e.g. invoice, letter.")
@click.option("--date", "document_date", required=True,
              type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
              help="Document date (YYYY-MM-DD or DD.MM.YYYY).")
@click.option("--description", default=None)
@click.option("--as-user", default="cli", help="Recorded as the uploader.")
def add(file, category, document_date, description, as_user):
    """Archive FILE in a category; prints the record id and its keep-until date."""
    from models.archive import DocumentCategory
    from services.archive.store import archive_file

    codes = sorted(c.pk for c in DocumentCategory.objects.only("pk"))
    if category.strip().lower() not in codes:
        raise click.BadParameter(f"there is no document category {category!r}; use one of: "
                                 f"{', '.join(codes)}", param_hint="'--category'")
    category = category.strip().lower()
    try:
        with open(file, "rb") as fh:
            record = archive_file(fh, file, category=category,
                                  document_date=document_date.date(),
                                  uploaded_by=as_user, description=description,
                                  max_bytes=current_app.config["ARCHIVE_MAX_FILE_BYTES"])
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    keep = record.keep_until.isoformat() if record.keep_until else "no rule (kept)"
    click.echo(f"archived {record.filename} as {record.pk} sha256={record.sha256} "
               f"keep-until={keep}")


@group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend it is this day (dry runs only).")
def purge(dry_run, today):
    """Run the retention cleanup now (through the job lock), or list what would go."""
    from jobs import ensure_registry
    from jobs.runner import run_now
    from services.archive.purge import purge_expired_files
    from services.archive.retention_rules import today_berlin

    if dry_run:
        day = today.date() if today else today_berlin()
        result = purge_expired_files("dry-run", today=day, dry_run=True,
                                     grace_days=current_app.config["RETENTION_GRACE_DAYS"])
        for item in result.would_delete:
            click.echo(f"{item['id']}  {item['category']:<16} {item['document_date']}  "
                       f"keep-until {item['keep_until']}  {item['filename']}")
        click.echo(f"would delete {len(result.would_delete)} file(s) on {day}")
        return
    if today:
        raise click.UsageError("--today is only allowed with --dry-run")
    ensure_registry()
    run = run_now("retention_cleanup", requested_by="cli")
    click.echo(f"{run.run_id}: {run.status} {run.summary or ''} {run.error or ''}".strip())
    if run.status == "failed":
        raise click.exceptions.Exit(1)


@group.command("release-deletion")
@click.argument("file_id")
@click.option("--reason", required=True, help="Why the file may go before the grace period ends.")
@click.option("--as-user", default="cli", help="Recorded in the audit log.")
def release_deletion(file_id, reason, as_user):
    """Let the cleanup delete a file whose retention an admin shortened, before the grace ends."""
    from bson import ObjectId
    from bson.errors import InvalidId

    from services.archive.metadata import release_shortened_file

    try:
        pk = ObjectId(file_id)
    except (InvalidId, TypeError):
        raise click.BadParameter("not an archived file's id (24 hex digits)", param_hint="FILE_ID")
    try:
        record = release_shortened_file(pk, as_user, ("admin",), reason)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"released {record.filename} ({record.pk}) for deletion after {record.keep_until}")

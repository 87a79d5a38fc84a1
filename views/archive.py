"""Download and preview of archived files (checked against the category's roles); CLI."""
from urllib.parse import quote

import click
from flask import Blueprint, Response, abort, current_app
from flask_login import current_user, login_required

from models.archive import ArchivedFile
from services.errors import BusinessRuleError

bp = Blueprint("archive", __name__, url_prefix="/archive", cli_group="archive")
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def content_disposition(filename: str, inline: bool) -> str:
    """Build a header value that keeps umlauts (RFC 5987) and cannot inject headers."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_"
                         for c in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _readable_record(file_id: str) -> ArchivedFile:
    record = ArchivedFile.objects(pk=file_id).first() if len(file_id) == 24 else None
    if record is None:
        abort(404)
    if not set(record.category.read_roles) & set(current_user.roles):
        abort(403)
    return record


def _send(record: ArchivedFile, inline: bool) -> Response:
    content = record.content.get()
    if content is None:
        abort(404)

    def chunks():  # one GridFS chunk at a time: a 50 MB file never sits in memory
        while data := content.readchunk():
            yield data

    response = Response(chunks(), mimetype=record.content_type)
    response.headers["Content-Length"] = str(record.size)
    response.headers["Content-Disposition"] = content_disposition(record.filename, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<file_id>/download")
@login_required
def download(file_id):
    """Send the content of an archived file the user may read, as an attachment."""
    return _send(_readable_record(file_id), inline=False)


@bp.route("/<file_id>/preview")
@login_required
def preview(file_id):
    """Show a PDF or image in the browser; other types are downloaded."""
    record = _readable_record(file_id)
    return _send(record, inline=record.content_type in INLINE_TYPES)


@bp.cli.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--category", required=True, help="Category code, e.g. invoice, letter.")
@click.option("--date", "document_date", required=True,
              type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
              help="Document date (YYYY-MM-DD or DD.MM.YYYY).")
@click.option("--description", default=None)
@click.option("--as-user", default="cli", help="Recorded as the uploader.")
def add(file, category, document_date, description, as_user):
    """Archive FILE in a category; prints the record id and its keep-until date."""
    from services.archive_store import archive_file

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


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend it is this day (dry runs only).")
def purge(dry_run, today):
    """Run the retention cleanup now (through the job lock), or list what would go."""
    from jobs import ensure_registry
    from jobs.runner import run_now
    from services.purge import purge_expired_files
    from services.retention_rules import today_berlin

    if dry_run:
        day = today.date() if today else today_berlin()
        result = purge_expired_files("dry-run", today=day, dry_run=True)
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


@bp.app_template_filter("berlin")
def berlin_time(value) -> str:
    """Show a UTC timestamp as Europe/Berlin local time (dd.mm.yyyy hh:mm)."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")

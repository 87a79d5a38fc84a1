"""`backoffice backup create | verify | restore | keygen`: backups that restore."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError

group = AppGroup("backup", help=__doc__.splitlines()[0])


def _key():
    from services.backup.container import load_key

    try:
        return load_key(current_app.config.get("BACKUP_KEY"))
    except BusinessRuleError as exc:
        raise click.UsageError(str(exc)) from None


@group.command("create")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def create(directory):
    """Back up every collection and the archive into DIRECTORY (default BACKOFFICE_BACKUP_DIR)."""
    from services.backup.runs import run_backup

    _key()
    try:
        run, result, removed = run_backup(current_app.config, directory, requested_by="cli")
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{result.path}  {result.size} bytes  sha256={result.sha256}")
    click.echo(f"collections={len(result.collections)} documents={result.documents} "
               f"method={result.manifest['method']} encrypted={'yes' if run.encrypted else 'no'}")
    for path in removed:
        click.echo(f"pruned {path.name}")


@group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def verify(file):
    """Check FILE's manifest, every part's SHA-256 and document count (exit 1 when damaged)."""
    from services.backup.restore import verify_backup

    try:
        report = verify_backup(Path(file), _key())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = report.manifest
    click.echo(f"created {manifest['created_at']} version {manifest['product_version']} "
               f"method {manifest['method']} collections={len(manifest['collections'])} "
               f"documents={sum(c['count'] for c in manifest['collections'].values())}")
    for problem in report.problems:
        click.echo(f"BROKEN {problem}")
    click.echo("OK" if report.ok else f"{len(report.problems)} problem(s)")
    raise click.exceptions.Exit(0 if report.ok else 1)


@group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
def restore(file, force):
    """Restore FILE into the (empty) database, then check the journal chain and archive hashes."""
    import mongoengine as me

    from services.backup.restore import check_restored, restore_backup

    try:
        result = restore_backup(Path(file), me.get_db(), _key(), force=force)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    check_restored(result)
    click.echo(f"restored {result.documents} documents in "
               f"{len(result.manifest['collections'])} collections")
    for year, ok, message in result.ledger:
        click.echo(("OK     " if ok else "BROKEN ") + message)
    click.echo(f"archive: {result.archive_checked} content(s) checked, "
               f"{len(result.archive_problems)} problem(s)")
    for problem in result.archive_problems:
        click.echo(f"BROKEN archive {problem}")
    raise click.exceptions.Exit(0 if result.ok else 1)


@group.command("keygen")
def keygen():
    """Print a new random key for BACKOFFICE_BACKUP_KEY (keep it apart from the backups)."""
    from services.backup.container import new_key

    click.echo(new_key())

"""`flask --app app import-csv COLLECTION FILE`: the bulk CSV import from the command line.

Exit code 0 when every row was valid and written (or would be, with --dry-run), 1 when
rows were invalid, 2 on a file or usage error. The last line is the summary.
"""
import getpass
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from services.imports.csv_import import COLLECTIONS, MODES, ImportFileError, ImportOptions, run_import

SHOWN_ERRORS = 200
PHASES = {"checking": "prüfe", "writing": "schreibe"}


@click.command("import-csv")
@with_appcontext
@click.argument("collection", type=click.Choice(COLLECTIONS))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--mode", type=click.Choice(MODES), default="insert", show_default=True,
              help="insert: only new keys; upsert: insert new, update changed.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows even if others are invalid.")
@click.option("--rejects", type=click.Path(dir_okay=False), help="Write refused rows with the reason here.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None,
              help="Rows per database write (default IMPORT_BATCH_SIZE or 1000).")
def import_csv(collection, file, mode, dry_run, skip_invalid, rejects, batch_size):
    """Import a CSV FILE (German Excel or UTF-8, ';' ',' or tab) into COLLECTION."""
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        _fail(f"Datei nicht lesbar: {error.strerror or error} ({file})")
    options = ImportOptions(
        mode=mode, dry_run=dry_run, skip_invalid=skip_invalid, filename=Path(file).name,
        batch_size=batch_size or current_app.config.get("IMPORT_BATCH_SIZE", 1000),
        user=f"cli:{_os_user()}")
    stream = _open_rejects(rejects)
    try:
        result = run_import(data, collection, options, rejects=stream,
                            progress=_progress_bar() if sys.stderr.isatty() else None)
    except ImportFileError as error:
        _fail(str(error))
    finally:
        if stream is not None:
            stream.close()
    _report(result, rejects)
    raise click.exceptions.Exit(1 if result.rejected else 0)


def _report(result, rejects: str | None) -> None:
    for message in result.errors[:SHOWN_ERRORS]:
        click.echo(message)
    if result.error_count > SHOWN_ERRORS:
        click.echo(f"… und {result.error_count - SHOWN_ERRORS} weitere Fehler")
    if result.rejected and not result.written and not result.run.dry_run:
        click.echo("Nichts geschrieben: die Datei enthält fehlerhafte Zeilen "
                   "(mit --skip-invalid werden die gültigen Zeilen geschrieben).")
    if result.run.dry_run:
        click.echo("Probelauf: nichts geschrieben.")
    if rejects and result.rejected:
        click.echo(f"Abgelehnte Zeilen mit Grund: {rejects}")
    elif rejects:
        os.unlink(rejects)
    click.echo(result.summary)


def _open_rejects(path: str | None):
    if not path:
        return None
    try:
        return open(path, "wb")
    except OSError as error:
        _fail(f"Ablehnungsdatei nicht schreibbar: {error.strerror or error} ({path})")


def _progress_bar():
    def show(phase: str, done: int, total: int) -> None:
        percent = min(100, 100 * done // total) if total else 0
        bar = "#" * (percent // 4)
        click.echo(f"\r{PHASES.get(phase, phase):<9} [{bar:<25}] {done:>9,}/{total:,}", nl=False, err=True)
        if phase == "writing" and done >= total:
            click.echo("", err=True)
    return show


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _fail(message: str):
    click.echo(f"Fehler: {message}", err=True)
    click.echo("inserted=0 updated=0 unchanged=0 rejected=0")
    raise click.exceptions.Exit(2)

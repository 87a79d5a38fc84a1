"""`backoffice bank import | reconcile | recover`: statement import and reconciliation.

`import` exits 0 when every statement was read and stored, 1 when a file or statement
was rejected (unknown account, unreadable file), 2 on a usage error.
"""
import getpass
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from services.banking import reconcile, statements
from services.core.errors import BusinessRuleError

group = AppGroup("bank", help=__doc__.splitlines()[0])


@group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per statement.")
@click.option("--no-match", is_flag=True, help="Only import; propose and auto-book later.")
@click.option("--account", "account_iban", default="", metavar="IBAN",
              help="The account of a bank CSV export that does not name it.")
def import_command(files, as_json, no_match, account_iban):
    """Import statement FILES (camt.052/053/054, also zipped, MT940, bank CSV)."""
    user, rejected, new_ids = f"cli:{_os_user()}", 0, []
    for name in files:
        try:
            results = statements.import_file(Path(name).read_bytes(), Path(name).name, user,
                                             account_iban.replace(" ", "").upper())
        except OSError as error:
            raise click.UsageError(f"Datei nicht lesbar: {error.strerror or error} ({name})")
        except BusinessRuleError as error:
            click.echo(f"{name}: abgelehnt: {error}", err=True)
            rejected += 1
            continue
        for result in results:
            rejected += bool(result.rejected)
            _report(name, result, as_json)
            if result.statement_pk and result.new:
                new_ids.append(result.statement_pk)
    if new_ids and not no_match:
        from models.bank_statement import BankTransaction

        run = reconcile.reconcile_open(user, BankTransaction.objects(
            statement__in=new_ids, status="open"))
        if not as_json:
            click.echo(f"Abgleich: {run.proposed} Umsätze geprüft, {run.booked} gebucht")
    raise click.exceptions.Exit(1 if rejected else 0)


@group.command("reconcile")
def reconcile_command():
    """Propose for every open transaction and auto-book above each account's threshold."""
    run = reconcile.reconcile_open(f"cli:{_os_user()}")
    click.echo(f"{run.proposed} Umsätze geprüft, {run.booked} gebucht, {run.failed} nicht buchbar")


@group.command("recover")
def recover_command():
    """Finish bookings that a crash interrupted."""
    click.echo(f"{reconcile.recover_bookings(f'cli:{_os_user()}')} Buchungen abgeschlossen")


def _report(name, result, as_json: bool) -> None:
    if result.rejected:
        click.echo(f"{name}: Auszug {result.statement_id} abgelehnt: {result.rejected}", err=True)
        return
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        click.echo(f"{name}: Auszug {result.statement_id} ({result.account_iban}): "
                   f"{result.transactions} Umsätze, {result.new} neu, {result.duplicates} schon da")
    for problem in result.problems:
        click.echo(f"  Achtung: {problem}", err=True)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

"""CLI of the DATEV hand-off: `backoffice datev export --from D --to D DIR`."""
from pathlib import Path

import click
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError
from services.core.formatting import parse_date

group = AppGroup("datev", help=__doc__.splitlines()[0])


@group.command("export")
@click.option("--from", "date_from", required=True, help="First day (31.01.2026 or 2026-01-31).")
@click.option("--to", "date_to", required=True, help="Last day, in the same fiscal year.")
@click.option("--user", default="cli", help="Who exports (kept with the export record).")
@click.argument("directory", type=click.Path(file_okay=False))
def export(date_from: str, date_to: str, user: str, directory: str) -> None:
    """Write the Buchungsstapel and the Debitoren/Kreditoren file of a period into DIRECTORY."""
    from services.ledger.datev_export import export_period

    try:
        start, end = parse_date(date_from), parse_date(date_to)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        results = export_period(start, end, Path(directory), user)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    for result in results:
        mark = " (re-export: this period went out before)" if result.re_export else ""
        click.echo(f"{result.path}: {result.rows} lines{mark}")

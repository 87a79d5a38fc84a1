"""CLI for the wage-tax engine: `flask lohnsteuer check YEAR FILE` runs a BMF test table."""
import click
from flask.cli import AppGroup

from services.payroll.lohnsteuer import LohnsteuerError, check_table

group = AppGroup("lohnsteuer", help=__doc__.splitlines()[0])


@group.command("check")
@click.argument("year", type=int)
@click.argument("file", type=click.Path(dir_okay=False))
def check(year: int, file: str) -> None:
    """Check YEAR's wage-tax PAP against a BMF test table FILE (CSV, ';', decimal comma).

    Prints one line per mismatch, then passed=N failed=N. Exit code 0 when every row
    matches, 1 when some row does not, 2 when the year or the file cannot be used.
    """
    try:
        result = check_table(year, file)
    except LohnsteuerError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(2) from None
    for line in result.mismatches:
        click.echo(line)
    click.echo(f"passed={result.passed} failed={result.failed}")
    raise click.exceptions.Exit(1 if result.failed else 0)

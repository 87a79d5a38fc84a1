"""CLI of the books: `flask --app app ledger verify | recover | close-period | export-gdpdu`."""
import click
from flask.cli import AppGroup

from services.ledger import periods, posting
from services.core.errors import BusinessRuleError

group = AppGroup("ledger", help=__doc__.splitlines()[0])


@group.command("verify")
@click.argument("years", nargs=-1, type=int)
def verify(years: tuple[int, ...]) -> None:
    """Recompute the hash chain and the period balances of YEARS (default: every year).

    Names the first entry that breaks the chain and each account-month whose stored
    balance differs from the sum of its journal lines.

    Exit code 0 when every chain is intact, 1 when an entry does not match.
    """
    from services.ledger.balances import verify_balances

    chosen = years or posting.known_years()
    results = [posting.verify_chain(year) for year in chosen]
    results += [verify_balances(year) for year in chosen]
    for result in results:
        click.echo(("OK     " if result.ok else "BROKEN ") + result.message)
    if not results:
        click.echo("no posted entries yet")
    raise click.exceptions.Exit(0 if all(r.ok for r in results) else 1)


@group.command("recover")
def recover() -> None:
    """Complete postings that a crash left half-done and bring the period balances up to date."""
    click.echo(f"completed {posting.recover_pending()} interrupted posting(s)")


@group.command("close-period")
@click.argument("year", type=int)
@click.argument("month", type=int, required=False)
@click.option("--user", default="cli", help="Who closes the period (kept with it).")
def close_period(year: int, month: int | None, user: str) -> None:
    """Close MONTH of YEAR (or the whole YEAR) for posting; this cannot be undone."""
    try:
        head = periods.close_period(year, month, user=user)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    months = ", ".join(f"{m:02d}" for m in sorted(head.closed_months))
    click.echo(f"{year}: closed months {months}")


@group.command("export-gdpdu")
@click.argument("year", type=int)
@click.argument("directory", type=click.Path(file_okay=False))
def export_gdpdu(year: int, directory: str) -> None:
    """Write YEAR's books, customers, suppliers and invoices as GDPdU into DIRECTORY."""
    from pathlib import Path

    from services.ledger.gdpdu import export_gdpdu as run_export

    counts = run_export(year, Path(directory))
    for name, rows in counts.items():
        click.echo(f"{name}: {rows} rows")
    click.echo(f"index.xml and gdpdu-01-09-2004.dtd written to {directory}")

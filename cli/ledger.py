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


@group.command("import-opening")
@click.argument("year", type=int)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", default="cli", help="Who posts the opening balances.")
def import_opening(year: int, csv_file: str, user: str) -> None:
    """Post opening balances (EB-Werte) of YEAR from a CSV `Konto;Saldo` (debit positive)."""
    from services.ledger.year_end import import_opening_balances, read_opening_csv

    try:
        with open(csv_file, "rb") as handle:
            balances = read_opening_csv(handle.read())
        entry = import_opening_balances(year, balances, user)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"opening balances posted as #{entry.number}" if entry else "nothing to post")


@group.command("carry-forward")
@click.argument("year", type=int)
@click.option("--user", default="cli", help="Who posts the carry-forward.")
def carry_forward(year: int, user: str) -> None:
    """Carry YEAR's balance-sheet accounts into YEAR+1 (Saldenvortrag); repeat-safe."""
    from services.ledger.year_end import carry_forward as run

    try:
        entry = run(year, user)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"carried forward as #{entry.number} in {year + 1}" if entry
               else "already carried forward, nothing to post")


@group.command("report")
@click.argument("kind", type=click.Choice(["guv", "bilanz", "bwa"]))
@click.argument("year", type=int)
@click.argument("month", type=int, default=12)
def report(kind: str, year: int, month: int) -> None:
    """Print the GuV, Bilanz or BWA of YEAR up to MONTH, with the previous year."""
    from services.ledger import bwa, statements

    if kind == "bwa":
        for row in bwa.bwa(year, month):
            click.echo(f"{row.label:<32}{row.month:>14}{row.month_previous_year:>14}"
                       f"{row.cumulative:>14}{row.cumulative_previous_year:>14}")
        return
    result = statements.balance_sheet(year, month) if kind == "bilanz" \
        else statements.profit_and_loss(year, 1, month)
    for row in result.rows:
        click.echo(f"{row.code:<7}{row.label[:60]:<62}{row.amount:>14}{row.previous:>14}")


@group.command("ustva")
@click.argument("year", type=int)
@click.argument("period")
def ustva(year: int, period: str) -> None:
    """Print the UStVA Kennzahlen of a month (1-12) or quarter (Q1-Q4) and the ZM."""
    from services.ledger.ec_sales_list import ec_sales_list
    from services.ledger.vat_return import vat_return

    try:
        result = vat_return(year, period)
        zm = ec_sales_list(year, period)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    for field, value in result.fields().items():
        click.echo(f"{field:<6}{value:>14}")
    click.echo(f"due {result.due:%d.%m.%Y}")
    for row in zm:
        click.echo(f"ZM {row.vat_id} {row.kind} {row.amount}")


@group.command("book-vat")
@click.argument("year", type=int)
@click.argument("period")
@click.option("--user", default="cli", help="Who posts the booking.")
def book_vat(year: int, period: str, user: str) -> None:
    """Book the VAT of a month or quarter to the prepayment account (1780/3820)."""
    from services.ledger.vat_booking import book_vat_liability

    try:
        entry = book_vat_liability(year, period, user)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"booked as #{entry.number}" if entry else "nothing left to book")

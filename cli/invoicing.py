"""`flask --app app invoice pdf | finish`: an issued invoice's PDF, finishing an interrupted issue."""
from pathlib import Path

import click
from flask.cli import AppGroup

from models.invoice import Invoice
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.invoicing import issuing as invoicing

group = AppGroup("invoice", help=__doc__.splitlines()[0])


@group.command("pdf")
@click.argument("number")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write the PDF to.")
def pdf_command(number: str, output: str) -> None:
    """Write the archived PDF of invoice NUMBER (e.g. RE-2026-00001) to a file."""
    inv = Invoice.objects(number=number).first()
    if inv is None or not inv.pdf_file:
        raise click.ClickException(f"no issued invoice {number}")
    data = read_file(inv.pdf_file)
    Path(output).write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes written to {output} (SHA-256 {inv.pdf_sha256})")


@group.command("finish")
@click.argument("number")
@click.option("--post-date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Posting date in an open period (YYYY-MM-DD).")
@click.option("--user", default="cli", help="Who decides this (kept with the posting).")
def finish_command(number: str, post_date, user: str) -> None:
    """Finish invoice NUMBER whose month was closed while it was being issued.

    The invoice keeps its number and date; its journal entry is dated POST_DATE.
    """
    inv = Invoice.objects(number=number).first()
    if inv is None:
        raise click.ClickException(f"there is no invoice {number}")
    try:
        done = invoicing.finish_issue_in_open_period(inv, user, post_date.date())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{number}: issued; posted on {post_date:%d.%m.%Y} "
               f"(invoice date {done.issue_date:%d.%m.%Y})")

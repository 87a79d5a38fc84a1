"""CLI: flask --app app ops recover | sla-escalate | reorder-report."""
import click
from flask.cli import AppGroup

group = AppGroup("ops", help=__doc__.splitlines()[0])


@group.command("recover")
@click.option("--older-than-minutes", default=1, show_default=True)
def recover(older_than_minutes):
    """Finish movements and receipts a crash left pending; refresh ticket caches."""
    from datetime import timedelta

    from services.operations.purchasing import finish_pending_receipts
    from services.operations.stock import recover_pending_movements

    from services.operations.tickets import refresh_all_ticket_caches

    counts = recover_pending_movements(timedelta(minutes=older_than_minutes))
    receipts = finish_pending_receipts()
    tickets = refresh_all_ticket_caches()
    click.echo(f"movements done={counts['done']} refused={counts['refused']} "
               f"receipts completed={receipts} tickets checked={tickets}")

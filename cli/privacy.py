"""`backoffice privacy export`: data protection (DSGVO) from the command line."""
from pathlib import Path

import click
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError
from services.privacy.registry import SUBJECTS

group = AppGroup("privacy", help=__doc__.splitlines()[0])


@group.command("export")
@click.argument("kind", type=click.Choice(SUBJECTS))
@click.argument("key")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The ZIP to write (daten.json, zusammenfassung.pdf, archiv/).")
def export(kind, key, output):
    """Subject access (Art. 15/20): everything about one person as a ZIP.

    KEY is a personnel, customer or supplier number, a user's e-mail, or the _id.
    """
    from services.privacy.subject_access import export_zip

    try:
        data, body = export_zip(kind, key)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(body)
    found = ", ".join(f"{c}={len(d)}" for c, d in sorted(data.collections.items()))
    click.echo(f"wrote {output}: {found}; archive files={len(data.archive)}")


@group.command("erase")
@click.argument("key")
@click.option("--kind", type=click.Choice(("employee", "customer", "supplier", "user")),
              default="employee", show_default=True,
              help="KEY is a personnel, customer or supplier number or a user's e-mail.")
@click.option("--reason", required=True, help="The request (e.g. 'Antrag vom 02.12.2026').")
@click.option("--as-user", default="cli", help="Recorded in the erasure log.")
def erase(key, kind, reason, as_user):
    """Erasure (Art. 17): delete now what need not be kept, restrict what the books or the
    payroll account need until their retention ends (then the job anonymises it)."""
    from services.archive.retention_rules import today_berlin
    from services.privacy.erasure_parties import erase_subject

    try:
        step, record = erase_subject(kind, key, user=as_user, reason=reason,
                                     today=today_berlin())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    if step == "restricted":
        kept = "payroll account" if kind == "employee" else "record"
        click.echo(f"{key}: contact data deleted; {kept} restricted until "
                   f"{record.restricted_until} (then anonymised by privacy_erasure)")
    else:
        click.echo(f"{key}: anonymised")

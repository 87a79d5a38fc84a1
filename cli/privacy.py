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

    if kind != "employee":
        return _erase_party(kind, key, reason, as_user, today_berlin())
    from models.employee import Employee
    from services.privacy.erasure import erase_employee

    employee = Employee.objects(personnel_no=key).first()
    if employee is None:
        raise click.ClickException(f"there is no employee {key}")
    try:
        step = erase_employee(employee, user=as_user, reason=reason, today=today_berlin())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    employee.reload()
    if step == "restricted":
        click.echo(f"{key}: contact and bank data deleted; payroll account restricted "
                   f"until {employee.restricted_until} (then anonymised by privacy_erasure)")
    else:
        click.echo(f"{key}: anonymised")


def _erase_party(kind, key, reason, as_user, today):
    from services.privacy.erasure_parties import erase_party, find_party

    record = find_party(kind, key)
    if record is None:
        raise click.ClickException(f"there is no {kind} {key}")
    try:
        step = erase_party(kind, record, user=as_user, reason=reason, today=today)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    record.reload()
    if step == "restricted":
        click.echo(f"{key}: contact data deleted; record restricted until "
                   f"{record.restricted_until} (then anonymised by privacy_erasure)")
    else:
        click.echo(f"{key}: anonymised")

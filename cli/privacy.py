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

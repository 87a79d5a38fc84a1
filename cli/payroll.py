"""`flask --app app payroll issue-payslips RUN_ID`: payroll from the command line."""
import click
from flask import current_app
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError
from services.payroll import documents

group = AppGroup("payroll", help=__doc__.splitlines()[0])


@group.command("issue-payslips")
@click.argument("run_id")
def issue_payslips_cmd(run_id):
    """Create and archive every missing payslip PDF of an approved run."""
    try:
        issued = documents.issue_payslips(run_id, "cli", documents.company_from_config(current_app.config))
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{issued} payslip PDF(s) issued")

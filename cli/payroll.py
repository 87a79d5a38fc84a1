"""`flask --app app payroll …`: payslips, gross-to-net calculator, paying a run's liabilities."""
import json

import click
from flask import current_app
from flask.cli import AppGroup

from services.core.errors import BusinessRuleError
from services.payroll import calculator, documents, payments, payslip_mail, render
from services.payroll.pay import DENOMINATIONS

group = AppGroup("payroll", help=__doc__.splitlines()[0])


@group.command("issue-payslips")
@click.argument("run_id")
def issue_payslips_cmd(run_id):
    """Create and archive every missing payslip PDF of an approved run."""
    try:
        issued = documents.issue_payslips(run_id, "cli", documents.company_from_config(current_app.config))
        notified = payslip_mail.queue_payslip_mails(run_id, current_app.config.get("PUBLIC_URL", ""),
                                                    "cli")
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{issued} payslip PDF(s) issued")
    click.echo(f"{notified.queued} payslip notification(s) queued, {notified.earlier} earlier; "
               f"{len(notified.without_email)} without e-mail address")
    for name in notified.without_email:
        click.echo(f"  no e-mail: {name}")


@group.command("calc")
@click.option("--year", type=int, required=True)
@click.option("--month", type=int, required=True)
@click.option("--gross", required=True, help="monthly gross, e.g. 1000.00 or 1.000,00")
@click.option("--tax-class", type=int, required=True)
@click.option("--child-allowances", default="0", help="Kinderfreibeträge, e.g. 1.5")
@click.option("--church-tax", "church", default=None,
              help=f"denomination: {', '.join(sorted(DENOMINATIONS))}")
@click.option("--state", default="NW", help="state of the workplace, e.g. BY, SN")
@click.option("--birth-date", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), default=None)
@click.option("--children-under-25", type=int, default=0)
@click.option("--health-addon-rate", default=None, help="Zusatzbeitrag in %")
@click.option("--health-fund", default=None, help="Betriebsnummer or id (U1/U2 rates)")
@click.option("--minijob", is_flag=True)
@click.option("--pension-exempt", is_flag=True, help="minijob exempted from RV")
@click.option("--private-health", default=None, help="monthly PKV premium (health)")
@click.option("--private-care", default="0", help="monthly private care premium")
@click.option("--has-children", is_flag=True,
              help="no PV childless surcharge although no child is under 25")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def calc_cmd(has_children, as_json, birth_date, **options):
    """Gross-to-net for one month: every tax, contribution and levy."""
    try:
        result = calculator.calculate(calculator.parse_input(
            **options, birth_date=birth_date.date() if birth_date else None,
            childless=False if has_children else None))
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(calculator.as_json(result)))
        return
    for label, value in zip(calculator.LABELS, calculator.components(result).values()):
        click.echo(f"{label:<42}{render.eur(value):>16}")
    for note in result.notes:
        click.echo(note)


@group.command("pay")
@click.argument("run_id")
@click.argument("kind", type=click.Choice(sorted(payments.LABELS)))
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="payment date (default today)")
def pay_cmd(run_id, kind, on):
    """Post the payment of a posted run's liability: net, tax, si or minijob."""
    try:
        entry = payments.pay_liability(run_id, kind, "cli", on.date() if on else None)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{payments.LABELS[kind]}: {render.eur(entry.total_debit)} bezahlt "
               f"(Buchung {entry.number})")

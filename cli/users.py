"""`flask --app app create-user | seed-reference | seed-demo`: users and seed data."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from models import ensure_indexes
from models.user import ROLES, User


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(ROLES, case_sensitive=False),
              help="Role of the user; repeat for several roles.")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, roles, name, password_stdin):
    """Create a user, or set the roles and password of an existing one."""
    email = _valid_email(email)
    password = _read_password(password_stdin)
    user = User.objects(email=email).first() or User(email=email)
    user.roles = list(roles)
    user.name = name or user.name
    try:
        user.set_password(password, fast=current_app.config.get("PASSWORD_HASH_FAST", False))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    user.save()
    click.echo(f"user {user.email} saved with role(s) {', '.join(roles)}")


def _valid_email(text: str) -> str:
    """The address in normal form, or a one-line usage error saying what is wrong."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(f"{text!r} is not an e-mail address: {exc}",
                                 param_hint="'EMAIL'") from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _account_step(step, *args, **kwargs):
    """Run a services.core.accounts step; a broken rule becomes one line and exit code 1."""
    from services.core.errors import BusinessRuleError

    try:
        return step(*args, **kwargs)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("deactivate-user")
@with_appcontext
@click.argument("email")
def deactivate_user_cmd(email):
    """Deactivate a user: no more log-ins, open sessions end (kept for the audit log)."""
    from services.core.accounts import deactivate_user

    user = _account_step(deactivate_user, email)
    click.echo(f"user {user.email} deactivated; open sessions ended")


@click.command("set-roles")
@with_appcontext
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(ROLES, case_sensitive=False),
              help="Role of the user; repeat for several roles.")
def set_roles_cmd(email, roles):
    """Replace the roles of a user; open sessions end."""
    from services.core.accounts import set_roles

    user = _account_step(set_roles, email, list(roles))
    click.echo(f"user {user.email} now has role(s) {', '.join(user.roles)}; open sessions ended")


@click.command("reset-password")
@with_appcontext
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password_cmd(email, password_stdin):
    """Set a new password for a user; open sessions end."""
    from services.core.accounts import reset_password

    password = _read_password(password_stdin)
    user = _account_step(reset_password, email, password,
                         fast=current_app.config.get("PASSWORD_HASH_FAST", False))
    click.echo(f"password of {user.email} reset; open sessions ended")


CHART_OPTION = click.option(
    "--chart", type=click.Choice(["SKR03", "SKR04"], case_sensitive=False), default=None,
    help="Chart of accounts of a new installation (default SKR03); never mixed later.")


@click.command("seed-reference")
@CHART_OPTION
@with_appcontext
def seed_reference_cmd(chart):
    """Create indexes and load the reference data (chart of accounts, categories)."""
    from seeds.reference import ChartMismatchError, seed_reference

    ensure_indexes()
    try:
        added = seed_reference(chart)
    except ChartMismatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("reference data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))


@click.command("seed-demo")
@CHART_OPTION
@with_appcontext
def seed_demo_cmd(chart):
    """Load reference data, demo users and (into an empty database) the demo company."""
    from seeds.demo import ensure_demo_users, seed_demo_company
    from seeds.reference import ChartMismatchError, seed_reference

    ensure_indexes()
    try:
        seed_reference(chart)
    except ChartMismatchError as exc:
        raise click.ClickException(str(exc)) from None
    credentials = current_app.config["DATA_DIR"] / "demo-logins.txt"
    logins = ensure_demo_users(credentials,
                               fast_hash=current_app.config.get("PASSWORD_HASH_FAST", False))
    added = seed_demo_company()
    if added:  # like the demo company: never into a database already in use
        from datetime import date

        from seeds.demo_books import seed_demo_books
        from seeds.demo_history import seed_demo_history
        added.update(seed_demo_books())
        added.update(seed_demo_history(date.today(),
                                       invoices=current_app.config.get("DEMO_INVOICES", 200)))
    if added:
        click.echo("demo company loaded: " + ", ".join(f"{k} {v}" for k, v in added.items()))
    else:
        click.echo("demo company already present: nothing changed")
    click.echo("Demo log-ins (also in %s):" % credentials)
    for email, role, password in logins:
        click.echo(f"  {role:<10} {email:<40} {password}")

"""The command line: one click group per area, attached to the Flask CLI (and `backoffice`)."""
import functools

import click
from flask.cli import ScriptInfo
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

from services.core.embedded_db import EmbeddedDatabaseError, start_pending

DB_UNAVAILABLE_EXIT = 3


class DatabaseUnavailable(click.ClickException):
    exit_code = DB_UNAVAILABLE_EXIT


def guard_database_errors(group: click.Group) -> None:
    """Make every command answer a lost database with one line and exit code 3."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            guard_database_errors(command)
        elif command.callback and not getattr(command.callback, "_db_guarded", False):
            command.callback = _guarded(command.callback)


def _guarded(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        try:
            start_pending(app.config)
            return callback(*args, **kwargs)
        except EmbeddedDatabaseError as exc:
            raise DatabaseUnavailable(f"the embedded database cannot start: {exc}") from None
        except (ConnectionFailure, ServerSelectionTimeoutError) as exc:
            where = app.config.get("MONGODB_EFFECTIVE_URI", "the database")
            raise DatabaseUnavailable(
                f"the database at {where} does not answer ({type(exc).__name__}); "
                "start it (make db-start) or check MONGODB_URI") from None
    run._db_guarded = True
    return run


def register_cli(app) -> None:
    """Attach every command and command group to the app's CLI."""
    import importlib

    from cli import imports, serve, users

    for command in (users.create_user, users.deactivate_user_cmd, users.set_roles_cmd,
                    users.reset_password_cmd, users.seed_reference_cmd, users.seed_demo_cmd,
                    imports.import_csv, serve.serve):
        app.cli.add_command(command)
    # one line per command group module of cli/ (so parallel work merges without conflicts)
    for name in (
        "api",
        "archive",
        "backup",
        "bank",
        "datev",
        "invoicing",
        "ledger",
        "lohnsteuer",
        "operations",
        "payables",
        "payroll",
        "privacy",
        "scheduler",
    ):
        app.cli.add_command(importlib.import_module(f"cli.{name}").group)
    guard_database_errors(app.cli)

"""`backoffice`: the one command line of Backoffice, the Flask CLI of `app.create_app`.

Exit codes: 0 done, 1 the command refused (a business rule, invalid rows), 2 a usage
mistake or unusable settings, 3 the database does not answer. A mistake never prints a
Python traceback; BACKOFFICE_DEBUG=1 shows one for an unexpected error.
"""
import os
import sys
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
USAGE_EXIT, DATABASE_EXIT = 2, 3


def local_defaults(environ=os.environ) -> None:
    """From a checkout, use the settings `make run` uses (development, key in the data dir)."""
    if "BACKOFFICE_ENV" not in environ and "SECRET_KEY" not in environ \
            and (REPO / ".git").exists() and (REPO / "Makefile").exists():
        environ["BACKOFFICE_ENV"] = "development"


def _create_app():
    from app import create_app

    return create_app()


def build_group() -> click.Group:
    """The Flask CLI group under the name `backoffice`."""
    from flask.cli import FlaskGroup

    return FlaskGroup(name="backoffice", create_app=_create_app, add_version_option=False,
                      load_dotenv=False, set_debug_flag=False,
                      help="Backoffice on the command line. `backoffice COMMAND --help` "
                           "explains each command; `backoffice run` serves the panel.")


def main(argv: list[str] | None = None) -> int:
    """Run one command; turn every foreseeable failure into one line and an exit code."""
    from pymongo.errors import ConnectionFailure

    from config import ConfigError, config_from_env
    from services.core.embedded_db import EmbeddedDatabaseError

    local_defaults()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        config_from_env().check()
        return _run(build_group(), args)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        return USAGE_EXIT
    except (ConnectionFailure, EmbeddedDatabaseError) as exc:
        click.echo(f"Error: the database does not answer ({exc}); start it with "
                   "`make db-start` or check MONGODB_URI", err=True)
        return DATABASE_EXIT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one line, never a traceback, unless asked
        if os.environ.get("BACKOFFICE_DEBUG") == "1":
            raise
        click.echo(f"Error: {type(exc).__name__}: {exc} (BACKOFFICE_DEBUG=1 shows details)",
                   err=True)
        return 1


def _run(group: click.Group, args: list[str]) -> int:
    try:
        result = group.main(args=args, prog_name="backoffice", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())

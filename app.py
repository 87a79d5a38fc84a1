"""Backoffice: the application factory."""
import os

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from config import Config, TestConfig, config_from_env

csrf = CSRFProtect()
babel = Babel()


def create_app(config=None) -> Flask:
    """Build the app: config, database, login, CSRF, admin views, blueprints, CLI."""
    app = Flask(__name__)
    app.config.from_object(_resolve_config(config))
    app.config["CONFIG_OBJECT"].check()
    _trust_proxies(app, app.config.get("TRUSTED_PROXIES", 0))
    if not app.testing:
        from services.core.logging_json import configure_logging
        configure_logging(app.config.get("LOG_LEVEL", "INFO"))

    _init_field_encryption(app)
    _init_database(app)
    from services.hr import offboarding   # checklists follow exit dates, whoever saves
    offboarding.connect()
    _init_extensions(app)
    _init_blueprints(app)

    from views.api import init_api
    init_api(app)

    from admin import init_admin
    init_admin(app)

    from cli import register_cli
    register_cli(app)
    return app


def _resolve_config(config) -> Config:
    if config is None:
        cfg = config_from_env()
    elif isinstance(config, dict):
        cfg = TestConfig() if config.get("TESTING") else config_from_env()
        for key, value in config.items():
            setattr(cfg, key, value)
    else:
        cfg = config
    cfg.CONFIG_OBJECT = cfg
    return cfg


def _trust_proxies(app: Flask, count: int) -> None:
    """Take the client address and scheme from the `count` proxies in front of the app."""
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)


def _init_field_encryption(app: Flask) -> None:
    """Keys for the fields stored encrypted (licence keys): environment or data dir."""
    from services.core import field_crypto

    field_crypto.configure_from(app.config.get("FIELD_KEYS"), app.config["DATA_DIR"])


def _init_database(app: Flask) -> None:
    """Connect (lazily); the embedded server is started now, or on first use from the CLI.

    On the command line (`flask`/`backoffice`) the embedded server starts only when a
    command or the first request needs it, so `--help` works without a database.
    """
    from models import connect_db
    from services.core.embedded_db import embedded_uri, ensure_database, start_pending

    if app.config["MONGODB_URI"] or os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        uri = ensure_database(app.config["MONGODB_URI"], app.config["DATA_DIR"])
    else:
        uri = embedded_uri(app.config["DATA_DIR"])
        app.config["EMBEDDED_DB_PENDING"] = True
        app.before_request(lambda: start_pending(app.config))
    app.config["MONGODB_EFFECTIVE_URI"] = uri
    connect_db(uri, app.config["MONGODB_DB"], app.config["MONGODB_TIMEOUT_MS"])


def _init_extensions(app: Flask) -> None:
    from views.auth import login_manager
    from views.frame import render_error

    csrf.init_app(app)
    from views.i18n import init_app as init_i18n, select_locale

    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    login_manager.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error("errors/csrf.html", reason=error.description), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_error("errors/403.html"), 403


def _init_blueprints(app: Flask) -> None:
    import importlib

    # one line per blueprint module of views/ (so parallel work merges without conflicts)
    for name in (
        "auth",
        "archive",
        "banking",
        "budgets",
        "calendar_feed",
        "closing",
        "datev",
        "direct_debit",
        "dunning",
        "errors",
        "fixed_assets",
        "health",
        "hr",
        "i18n",
        "imports",
        "invitation",
        "invoices",
        "ledger",
        "me",
        "payables",
        "payroll",
        "personnel_file",
        "privacy",
        "sepa",
        "tasks",
    ):
        module = importlib.import_module(f"views.{name}")
        app.register_blueprint(module.bp)

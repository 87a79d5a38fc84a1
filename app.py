"""Backoffice: the application factory."""
from flask import Flask, render_template
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
    if not app.testing:
        from services.logging_json import configure_logging
        configure_logging(app.config.get("LOG_LEVEL", "INFO"))

    _init_database(app)
    _init_extensions(app)
    _init_blueprints(app)

    from admin import init_admin
    init_admin(app)

    from views.cli import guard_database_errors, register_cli
    register_cli(app)
    guard_database_errors(app.cli)  # last: covers the blueprints' command groups too
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


def _init_database(app: Flask) -> None:
    from models import connect_db
    from services.embedded_db import ensure_database

    uri = ensure_database(app.config["MONGODB_URI"], app.config["DATA_DIR"],
                          app.config["EMBEDDED_DB_PORT"])
    app.config["MONGODB_EFFECTIVE_URI"] = uri
    connect_db(uri, app.config["MONGODB_DB"], app.config["MONGODB_TIMEOUT_MS"])


def _init_extensions(app: Flask) -> None:
    from views.auth import login_manager

    csrf.init_app(app)
    from views.i18n import init_app as init_i18n, select_locale

    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    login_manager.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html", reason=error.description), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403


def _init_blueprints(app: Flask) -> None:
    from views import (archive, auth, errors, health, i18n, import_cli, imports, invoices,
                       ledger, ledger_cli, lohnsteuer_cli, ops_cli, payroll, scheduler_cli)

    for module in (
        auth,
        archive,
        errors,
        health,
        i18n,
        import_cli,
        imports,
        invoices,
        ledger,
        ledger_cli,
        lohnsteuer_cli,
        ops_cli,
        payroll,
        scheduler_cli,
    ):
        app.register_blueprint(module.bp)

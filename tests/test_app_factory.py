"""The app factory: testing vs production settings, nothing started at import."""
import importlib

import pytest

from config import Config, ConfigError, DevConfig, TestConfig


def test_testing_app_uses_test_config(app):
    assert app.testing
    assert app.config["MONGODB_DB"].startswith("test_")
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config().check()


def test_production_accepts_a_real_secret_and_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = Config()
    config.check()
    assert config.SESSION_COOKIE_SECURE is True
    assert not config.TESTING


def test_create_app_in_production_without_secret_fails_before_connecting(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BACKOFFICE_ENV", "production")
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:1/")
    with pytest.raises(ConfigError):
        create_app()


def test_dev_config_keeps_a_local_random_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path))
    first, second = DevConfig().SECRET_KEY, DevConfig().SECRET_KEY
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_mongodb_uri_is_used_as_is(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example.com:27017/")
    assert TestConfig().MONGODB_URI == "mongodb://db.example.com:27017/"


def test_importing_app_connects_nothing():
    import mongoengine.connection as conn

    import app as app_module

    before = dict(conn._connections)
    importlib.reload(app_module)
    assert conn._connections == before


def test_two_apps_in_one_process(app, db_server):
    from app import create_app

    other = create_app({"TESTING": True, "MONGODB_URI": db_server, "MONGODB_DB": "test_second"})
    assert other is not app
    assert "admin.index" in other.view_functions
    import mongoengine as me

    me.get_connection().drop_database("test_second")

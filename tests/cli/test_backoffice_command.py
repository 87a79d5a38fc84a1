"""The `backoffice` console command: one line and the documented exit code for every mistake."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_cli(args, tmp_path, *, stdin="", **env_overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MONGODB_URI", "BACKOFFICE_ENV", "SECRET_KEY", "FLASK_APP")}
    env.update(BACKOFFICE_DATA_DIR=str(tmp_path / "data"), BACKOFFICE_DB_PORT="1",
               MONGODB_TIMEOUT_MS="800", **env_overrides)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def one_error_line(result) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture
def db_env(db_server, app):
    """Point the command at the test's own database."""
    return {"MONGODB_URI": db_server, "MONGODB_DB": app.config["MONGODB_DB"]}


def test_console_script_is_installed_beside_python():
    script = Path(sys.executable).parent / "backoffice"
    assert script.exists(), "make setup installs the project (pip install -e .)"
    result = subprocess.run([str(script), "--help"], cwd=REPO, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "BACKOFFICE_ENV": "development"})
    assert result.returncode == 0 and "create-user" in result.stdout, result.stderr


def test_unknown_command_is_a_usage_error(tmp_path):
    result = run_cli(["no-such-command"], tmp_path)
    assert result.returncode == 2
    assert "No such command" in one_error_line(result)


def test_invalid_email_is_refused_before_anything_is_asked(tmp_path, db_env):
    result = run_cli(["create-user", "not-an-address", "--role", "finance",
                      "--password-stdin"], tmp_path, stdin="Sehr-Geheim-2026!\n", **db_env)
    assert result.returncode == 2
    assert "not an e-mail address" in one_error_line(result)


def test_unknown_role_lists_the_roles(tmp_path, db_env):
    result = run_cli(["create-user", "a@example.com", "--role", "boss", "--password-stdin"],
                     tmp_path, stdin="Sehr-Geheim-2026!\n", **db_env)
    assert result.returncode == 2
    line = one_error_line(result)
    for role in ("admin", "finance", "hr", "warehouse", "support", "auditor"):
        assert role in line


def test_role_matches_case_insensitively_and_is_stored_canonically(tmp_path, db_env, app):
    result = run_cli(["create-user", "Clerk@Example.com", "--role", "Finance", "--role", "HR",
                      "--password-stdin"], tmp_path, stdin="Sehr-Geheim-2026!\n", **db_env)
    assert result.returncode == 0, result.stderr
    with app.app_context():
        from models.user import User

        user = User.objects.get(email="clerk@example.com")
        assert sorted(user.roles) == ["finance", "hr"]


def test_unknown_archive_category_lists_the_valid_ones(tmp_path, db_env):
    doc = tmp_path / "brief.txt"
    doc.write_text("Sehr geehrte Damen und Herren")
    result = run_cli(["archive", "add", str(doc), "--category", "rechnungen",
                      "--date", "2026-11-30"], tmp_path, **db_env)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "rechnungen" in line and "invoice" in line and "letter" in line


def test_unreachable_database_is_exit_code_3(tmp_path):
    result = run_cli(["ledger", "verify"], tmp_path,
                     MONGODB_URI="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500")
    assert result.returncode == 3
    assert "does not answer" in one_error_line(result)


def test_production_without_secret_key_is_one_line_exit_2(tmp_path):
    result = run_cli(["seed-demo"], tmp_path, BACKOFFICE_ENV="production")
    assert result.returncode == 2
    assert "SECRET_KEY" in one_error_line(result)

"""The app's own CLI exposes the commands the issues name."""
from pathlib import Path

TABLES = Path(__file__).resolve().parent / "data" / "lohnsteuer-2026"


def test_lohnsteuer_check_runs_through_the_app(runner):
    for table in ("prueftabelle-allgemein.csv", "prueftabelle-besonders.csv"):
        result = runner.invoke(args=["lohnsteuer", "check", "2026", str(TABLES / table)])
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith("passed=258 failed=0")


def test_app_cli_lists_the_commands(runner):
    result = runner.invoke(args=["--help"])
    for name in ("create-user", "seed-demo", "seed-reference", "lohnsteuer"):
        assert name in result.output


def test_cli_says_in_one_line_when_the_database_is_down():
    from app import create_app

    app = create_app({"TESTING": True, "MONGODB_URI": "mongodb://127.0.0.1:9/",
                      "MONGODB_DB": "down", "MONGODB_TIMEOUT_MS": 300})
    result = app.test_cli_runner().invoke(args=["seed-reference"])
    assert result.exit_code == 3
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "does not answer" in lines[0] and "Traceback" not in result.output

"""`flask lohnsteuer check YEAR FILE`: output lines and exit codes."""
from pathlib import Path

import pytest
from flask import Flask

from cli.lohnsteuer import group

DATA = Path(__file__).resolve().parents[1] / "data" / "lohnsteuer-2026"
ALLGEMEIN = DATA / "prueftabelle-allgemein.csv"


@pytest.fixture
def cli():
    """A CLI runner for a bare app with only the lohnsteuer commands (no database)."""
    app = Flask(__name__)
    app.cli.add_command(group)
    return app.test_cli_runner()


def check(cli, *args: str):
    """Run `flask lohnsteuer check ARGS...`."""
    return cli.invoke(args=["lohnsteuer", "check", *args])


def test_passing_table_exits_0(cli):
    result = check(cli, "2026", str(ALLGEMEIN))
    assert result.exit_code == 0, result.output
    assert result.output == "passed=258 failed=0\n"


def test_wrong_expected_value_is_listed_and_exits_1(cli, tmp_path):
    table = tmp_path / "wrong.csv"
    table.write_text("lfd. Nr.;STKL;RE4;KVZ;PVZ;LSTLZZ\n"
                     "7;1;2000000;2,9;1;38000\n"
                     "8;1;2000000;2,9;1;37999\n", encoding="utf-8")
    result = check(cli, "2026", str(table))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "row 8 (line 3): LSTLZZ expected 37999, got 38000",
        "passed=1 failed=1",
    ]


def test_broken_file_prints_one_line_and_exits_2(cli, tmp_path):
    table = tmp_path / "broken.csv"
    table.write_text("STKL;RE4;LSTLZZ\n1;2000000\n", encoding="utf-8")
    result = check(cli, "2026", str(table))
    assert result.exit_code == 2
    assert result.output == "error: broken.csv, line 2: 2 fields, but the header has 3\n"


def test_unknown_year_exits_2(cli):
    result = check(cli, "1999", str(ALLGEMEIN))
    assert result.exit_code == 2
    assert "available years: 2026" in result.output

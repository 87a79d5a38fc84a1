"""Every `backoffice` command of the README's table answers `--help` without a database.

The commands are read from the README, so a new line in the table is covered by itself.
The data directory is a fresh empty one and no MONGODB_URI is set: had `--help` tried to
start the embedded database, it would leave its files there.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_.]*$")


def readme_commands() -> list[list[str]]:
    """The command words (without arguments and options) of the README's command table."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    commands = []
    for row in section.splitlines():
        if not row.startswith("| `backoffice"):
            continue
        first_cell = row.split(" | ")[0]
        for code in re.findall(r"`(backoffice[^`]*)`", first_cell):
            words = []
            for token in code.split()[1:]:
                if token.startswith(("-", "[")) or PLACEHOLDER.match(token):
                    break
                words.append(token)
            commands.append(words)
    return commands


COMMANDS = readme_commands()


def run_cli(args: list[str], tmp_path: Path, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MONGODB_URI", "BACKOFFICE_ENV", "SECRET_KEY", "FLASK_APP")}
    env.update(BACKOFFICE_DATA_DIR=str(tmp_path / "data"), BACKOFFICE_DB_PORT="1",
               **env_overrides)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_table_lists_the_commands():
    names = {" ".join(words) for words in COMMANDS}
    assert {"create-user", "import-csv", "ledger verify", "archive add", "scheduler"} <= names
    assert len(COMMANDS) >= 18


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(w) or "backoffice" for w in COMMANDS])
def test_help_works_without_a_database(words, tmp_path):
    result = run_cli([*words, "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: backoffice " + " ".join(words)), result.stdout
    assert "Traceback" not in result.stderr
    data = tmp_path / "data"
    leftovers = sorted(p.name for p in data.rglob("*") if p.name != "secret_key") \
        if data.exists() else []
    assert leftovers == [], "--help started (or prepared) the database"


def test_every_registered_command_is_in_the_readme(app):
    """The other way round: a command the CLI has but the README does not list fails."""
    listed = {" ".join(words) for words in COMMANDS}
    builtin = {"run", "shell", "routes"}
    missing = []
    for name, command in app.cli.commands.items():
        if name in builtin:
            continue
        subs = getattr(command, "commands", None)
        if subs:
            missing += [f"{name} {sub}" for sub in subs if f"{name} {sub}" not in listed]
        elif name not in listed:
            missing.append(name)
    assert missing == []

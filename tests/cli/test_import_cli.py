"""`flask import-csv`: exit codes, summary line, rejects file, and a re-run after kill -9."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import mongoengine as me

from models import Employee
from models.import_run import ImportRun

CSV = Path(__file__).resolve().parent.parent / "data" / "csv"
REPO = Path(__file__).resolve().parent.parent.parent


def invoke(runner, *args):
    return runner.invoke(args=["import-csv", *map(str, args)])


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def test_valid_file_exits_0_with_the_summary_last(runner):
    result = invoke(runner, "employees", CSV / "employees-excel-cp1252.csv")
    assert result.exit_code == 0, result.output
    assert last_line(result) == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert Employee.objects.count() == 3


def test_invalid_rows_exit_1_and_write_nothing(runner):
    result = invoke(runner, "employees", CSV / "employees-errors.csv")
    assert result.exit_code == 1
    assert "Zeile 4, IBAN: Prüfsumme ungültig." in result.output
    assert last_line(result) == "inserted=0 updated=0 unchanged=0 rejected=8"
    assert Employee.objects.count() == 0


def test_skip_invalid_writes_the_rejects_file_and_exits_1(runner, tmp_path):
    rejects = tmp_path / "abgelehnt.csv"
    result = invoke(runner, "employees", CSV / "employees-errors.csv", "--skip-invalid", "--rejects", rejects)
    assert result.exit_code == 1
    assert last_line(result) == "inserted=2 updated=0 unchanged=0 rejected=8"
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbfPersonalnummer;")


def test_dry_run_exits_0_and_writes_nothing(runner):
    result = invoke(runner, "employees", CSV / "employees-excel-cp1252.csv", "--dry-run")
    assert result.exit_code == 0
    assert last_line(result) == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert Employee.objects.count() == 0


def test_upsert_twice_counts_unchanged(runner):
    invoke(runner, "employees", CSV / "employees-excel-cp1252.csv", "--mode", "upsert")
    result = invoke(runner, "employees", CSV / "employees-excel-cp1252.csv", "--mode", "upsert")
    assert result.exit_code == 0
    assert last_line(result) == "inserted=0 updated=0 unchanged=3 rejected=0"


def test_file_and_usage_errors_exit_2(runner, tmp_path):
    missing = invoke(runner, "employees", CSV / "employees-missing-column.csv")
    assert missing.exit_code == 2 and "Pflichtspalte fehlt: Bruttogehalt" in missing.output
    assert last_line(missing) == "inserted=0 updated=0 unchanged=0 rejected=0"
    assert invoke(runner, "employees", tmp_path / "gibt-es-nicht.csv").exit_code == 2
    assert invoke(runner, "customers", CSV / "suppliers.csv").exit_code == 2
    assert invoke(runner, "employees", CSV / "suppliers.csv", "--mode", "replace").exit_code == 2
    assert invoke(runner, "employees", CSV / "employees-not-csv.xlsx").exit_code == 2


def _big_file(path: Path, rows: int) -> None:
    lines = ["Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt;IBAN"]
    lines += [f"K{n:06d};Jürgen;Müller;01.04.2020;3.850,00;DE89370400440532013000" for n in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


# The child runs the real CLI and kills itself with SIGKILL right after the progress
# record of the batch that reaches 200 written rows: a deterministic point mid-import,
# with no batch in flight (no polling, no sleeps).
KILL_CHILD = """
import os, signal, sys
from services.imports.csv_import import runs
original = runs.progress
def progress(run, **fields):
    original(run, **fields)
    if "inserted" in fields and fields.get("rows_done", 0) >= 200:
        os.kill(os.getpid(), signal.SIGKILL)
runs.progress = progress
from flask.cli import main
sys.argv = ["flask", "--app", "app", "import-csv", "employees", sys.argv[1],
            "--batch-size", "20"]
main()
"""


def test_a_run_killed_half_way_is_completed_by_a_rerun_without_duplicates(app, runner, tmp_path):
    rows = 6000
    data_file = tmp_path / "gross.csv"
    _big_file(data_file, rows)
    db = me.get_db()
    env = {**os.environ, "BACKOFFICE_ENV": "development", "SECRET_KEY": "x" * 32,
           "MONGODB_URI": app.config["MONGODB_EFFECTIVE_URI"], "MONGODB_DB": db.name,
           "BACKOFFICE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", KILL_CHILD, str(data_file)], cwd=REPO,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=180)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    run = db["import_runs"].find_one({})
    assert run["status"] == "running"  # the dead run could not say so itself
    assert run["phase"] == "writing" and run["rows_done"] == 200  # 10 batches of 20
    stored = Employee.objects.count()
    assert stored == 200, f"the kill did not land after the 10th batch ({stored} rows stored)"

    result = invoke(runner, "employees", data_file)
    assert result.exit_code == 0, result.output
    assert last_line(result) == f"inserted={rows - stored} updated=0 unchanged={stored} rejected=0"
    assert Employee.objects.count() == rows
    assert len(set(Employee.objects.scalar("personnel_no"))) == rows
    killed, rerun = ImportRun.objects.order_by("started_at")
    assert killed.status == "interrupted" and rerun.status == "succeeded"
    assert rerun.resumed_run == str(killed.pk)


def test_the_progress_bar_draws_on_stderr_only(capsys):
    from cli.imports import _progress_bar
    show = _progress_bar()
    show("checking", 500, 1000)
    show("writing", 1000, 1000)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "prüfe" in captured.err and "[############" in captured.err and "1,000/1,000" in captured.err


def test_no_progress_bar_when_output_is_not_a_terminal(runner):
    result = runner.invoke(args=["import-csv", "employees", str(CSV / "employees-utf8-bom.csv")])
    assert "prüfe" not in result.output and "schreibe" not in result.output

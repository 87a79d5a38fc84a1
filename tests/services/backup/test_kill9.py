"""kill -9 in the middle of a backup leaves nothing that looks like a finished backup.

A real child process writes the backup; a hook makes it stop after its 2nd part (so the
kill lands mid-file, deterministically), the parent kills it with SIGKILL.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from services.backup import retention
from services.backup.restore import verify_backup
from services.core.errors import BusinessRuleError
from tests.factories import make_employee, make_supplier

REPO = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from app import create_app
    from services.backup import create

    uri, db, target, marker, data_dir = sys.argv[1:6]
    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": db,
                      "DATA_DIR": Path(data_dir)})

    def pause(number, partial, source):
        if number == 2:
            pid = source.server.read_pid() if source.server else None
            Path(marker).write_text(json.dumps({"partial": partial, "server": pid}))
            time.sleep(600)

    create._hooks["after_part"] = pause
    with app.app_context():
        create.create_backup(uri, db, Path(target))
""")


def _wait_for(path: Path, proc, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return json.loads(path.read_text())
        if proc.poll() is not None:
            raise AssertionError(f"the child ended early: {proc.stderr.read()[-2000:]}")
        time.sleep(0.1)
    raise AssertionError("the child never reached its 2nd part")


def test_kill_9_mid_backup_leaves_only_a_partial_file(app, tmp_path):
    with app.app_context():
        for n in range(5):
            make_employee(last_name=f"Kill{n}")
            make_supplier()
    target, marker = tmp_path / "backups", tmp_path / "marker.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, app.config["MONGODB_EFFECTIVE_URI"],
         app.config["MONGODB_DB"], str(target), str(marker), str(app.config["DATA_DIR"])],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        info = _wait_for(marker, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    try:
        files = sorted(p.name for p in target.iterdir())
        assert len(files) == 1 and files[0].startswith(".backoffice-") \
            and files[0].endswith(".partial"), files
        partial = target / files[0]
        assert str(partial) == info["partial"]
        assert partial.stat().st_size > 0  # it really was killed mid-file
        assert retention.backup_time(partial) is None  # never taken for a backup
        with pytest.raises(BusinessRuleError):
            verify_backup(partial, None)
    finally:
        if info.get("server"):  # the child's private snapshot server, by its id
            try:
                os.kill(info["server"], signal.SIGTERM)
            except ProcessLookupError:
                pass


def test_orphaned_snapshot_servers_are_stopped_by_the_next_backup(app, tmp_path):
    """A snapshot whose owner died is stopped and removed before the next snapshot."""
    import tempfile

    from services.backup.snapshot import SNAPSHOT_PREFIX, stop_orphans

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    work = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    (work / "owner.pid").write_text(str(dead.pid))
    mine = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    (mine / "owner.pid").write_text(str(os.getpid()))
    try:
        stopped = stop_orphans()
        assert work in stopped and not work.exists()
        assert mine.exists() and mine not in stopped
    finally:
        import shutil
        shutil.rmtree(mine, ignore_errors=True)

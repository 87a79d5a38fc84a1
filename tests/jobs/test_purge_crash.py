"""kill -9 in the middle of the cleanup, then a re-run: nothing orphaned, nothing unlogged."""
import signal
import subprocess
import sys
import textwrap
from datetime import date

import mongoengine as me
import pytest

from models import ArchiveContent, ArchivedFile, DeletionLogEntry, PurgeBatch
from services.archive.purge import purge_expired_files
from tests.conftest import REPO
from tests.test_seed import store_file

TODAY = date(2027, 3, 1)
CHILD = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    from app import create_app
    import services.archive.purge as purge

    app = create_app({"TESTING": True, "MONGODB_URI": sys.argv[1], "MONGODB_DB": sys.argv[2],
                      "DATA_DIR": sys.argv[3]})
    left = int(sys.argv[4])

    def crash():
        global left
        left -= 1
        if left == 0:
            os.kill(os.getpid(), signal.SIGKILL)

    purge.after_write = crash
    with app.app_context():
        purge.purge_expired_files("run-crashed", today=date(2027, 3, 1))
    print("finished")
""")


def archive_with_shared_content():
    shared = b"%PDF-1.4 shared"
    expired = [store_file("application", f"Bewerbung {n}.pdf", shared if n < 2 else
                          f"%PDF-1.4 own {n}".encode(), document_date=date(2026, 1, 10 + n))
               for n in range(4)]
    kept = store_file("letter", "Brief.pdf", shared, document_date=date(2026, 1, 5))
    return expired, kept


def run_child(app, db_server, writes_before_kill):
    return subprocess.run(
        [sys.executable, "-c", CHILD, db_server, app.config["MONGODB_DB"],
         str(app.config["DATA_DIR"]), str(writes_before_kill)],
        cwd=REPO, capture_output=True, text=True, timeout=120)


def assert_consistent(expired, kept):
    db = me.get_db()
    assert ArchivedFile.objects.count() == 1
    assert kept.reload().content.read() == b"%PDF-1.4 shared"
    logged = set(DeletionLogEntry.objects.scalar("file_id"))
    assert logged == {r.pk for r in expired}  # every deleted record has its entry
    grid_ids = {c["_id"] for c in db["archive.files"].find({}, {"_id": 1})}
    chunk_owners = set(db["archive.chunks"].distinct("files_id"))
    assert grid_ids == chunk_owners == {kept.content.grid_id}  # no orphaned chunks
    content = ArchiveContent.objects.get()
    assert content.refs == [kept.pk] and not content.deleting
    assert PurgeBatch.objects(done=False).count() == 0


@pytest.mark.parametrize("writes_before_kill", range(1, 11))
def test_kill_9_between_any_two_writes_then_rerun_completes(app, db_server,
                                                            writes_before_kill):
    expired, kept = archive_with_shared_content()
    child = run_child(app, db_server, writes_before_kill)
    # 9 writes delete the batch of four; a later kill point lets the child finish.
    expected = -signal.SIGKILL if writes_before_kill <= 9 else 0
    assert child.returncode == expected, child.stderr[-2000:]
    purge_expired_files("run-after-restart", today=TODAY)
    assert_consistent(expired, kept)
    crashed_entries = DeletionLogEntry.objects(run_id="run-crashed").count()
    assert crashed_entries <= 4


def test_the_crash_test_really_kills_mid_run(app, db_server):
    """Guard: killed after the log and the content removal, before the records go."""
    expired, kept = archive_with_shared_content()
    child = run_child(app, db_server, 7)
    assert child.returncode == -signal.SIGKILL and "finished" not in child.stdout
    assert ArchivedFile.objects.count() == 5 and DeletionLogEntry.objects.count() == 4
    assert me.get_db()["archive.chunks"].count_documents({}) == 1

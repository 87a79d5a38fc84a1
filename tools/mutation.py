"""Mutation testing of the integrity core with cosmic-ray (`make mutation`; not part of CI).

Each target module is mutated in a throw-away copy of the checkout (cosmic-ray edits files
in place), and only the tests covering it are run against each mutant, with -x so a
killed mutant stops at its first failing test. One embedded database serves every run.

    .venv/bin/python tools/mutation.py                 # every target, one after the other
    .venv/bin/python tools/mutation.py ledger_hash     # chosen targets
    .venv/bin/python tools/mutation.py --report        # only print the stored results
    .venv/bin/python tools/mutation.py --retry-survivors retention  # after adding tests

Results (sqlite sessions) stay in var/mutation/ so a run can be resumed (`cosmic-ray exec`
continues where it stopped) and reported later.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "var" / "mutation"
PY = REPO / ".venv" / "bin" / "python"
BIN = REPO / ".venv" / "bin"

# name -> (module mutated, the tests that cover it)
TARGETS = {
    "ledger_hash": ("services/ledger/hash_chain.py", ["tests/services/test_hash_chain.py"]),
    # the two model files on a bare database (every line of the module) first; the
    # posting, seeding and chart tests on the app fixture only for the mutants they miss
    "ledger_model": ("models/ledger.py", [
        "tests/models/test_ledger_balance.py", "tests/models/test_journal_queryset.py",
        "tests/services/test_posting.py::test_posted_entry_refuses_save_and_delete",
        "tests/services/test_posting.py::test_drafts_stay_editable_and_deletable",
        "tests/models/test_models.py::test_journal_entry_must_balance",
        "tests/models/test_models.py::test_journal_entry_line_rules",
        "tests/models/test_models.py::test_chart_of_accounts_is_seeded",
        "tests/services/test_charts.py"]),
    "retention": ("services/archive/retention.py", ["tests/services/test_retention.py",
                                            "tests/jobs/test_retention_deadline.py"]),
    "counter": ("models/counter.py", ["tests/models/test_counter.py"]),
    "frozen": ("models/frozen.py", [
        "tests/models/test_frozen_documents.py", "tests/models/test_frozen_saves.py",
        "tests/models/test_frozen_querysets.py",
        "--deselect", "tests/models/test_frozen_querysets.py::"
                      "test_issuing_and_paying_still_work_through_the_service"]),
    "payroll_calculation": ("services/payroll/calculation.py",
                            ["tests/services/payroll/test_calculation.py",
                             "tests/services/payroll/test_midijob_minijob.py",
                             "tests/services/payroll/test_calculation_edges.py"]),
    "payroll_contributions": ("services/payroll/contributions.py",
                              ["tests/services/payroll/test_calculation.py",
                               "tests/services/payroll/test_midijob_minijob.py",
                               "tests/services/payroll/test_calculation_edges.py"]),
    "admin_base": ("admin/base.py", ["tests/admin/test_access.py", "tests/admin/test_crud.py"]),
    # on a bare ledger database created once per test module (posting_db); the tests
    # with many threads run last
    "posting": ("services/ledger/posting.py", ["tests/services/test_hash_chain.py",
                                        "tests/services/test_posting_edges.py",
                                        "tests/services/test_posting.py"]),
    # bare-database tests first (most mutants stop there, -x); the grace period, the
    # release and the floor set at filing are tested with the app fixture after them;
    # seeding (app fixture) is tested on its own
    "purge": ("services/archive/purge.py", [
        "tests/services/test_purge.py", "tests/jobs/test_retention_deadline.py",
        *(f"tests/services/test_retention_backdating.py::{name}" for name in (
            "test_an_admin_shortens_only_with_a_reason_and_the_cleanup_waits_the_grace_period",
            "test_a_released_file_goes_before_the_grace_period_ends",
            "test_the_cleanup_never_goes_below_the_floor_set_at_filing",
            "test_a_shorter_retention_rule_applies_after_the_grace_period")),
        "--deselect", "tests/services/test_purge.py::"
                      "test_seeding_gives_files_from_before_the_rules_their_keep_until"]),
    # bare-database tests; issuing through the service (app fixture) is the service's test
    "invoice_model": ("models/invoice.py", [
        "tests/models/test_invoice_models.py", "tests/models/test_frozen_querysets.py",
        "--deselect", "tests/models/test_frozen_querysets.py::"
                      "test_issuing_and_paying_still_work_through_the_service"]),
    # one app per test module, emptied to the seeded state before each test (reused_app)
    "invoicing": ("services/invoicing/issuing.py", ["tests/services/test_invoicing.py",
                                             "tests/services/test_invoicing_edges.py"]),
}
# Targets whose tests need no fixture of tests/conftest.py (pure functions): run with
# --noconftest, so a mutant does not import the app.
PURE = {"payroll_calculation", "payroll_contributions"}
TEST_TIMEOUT = 600.0  # a mutant that hangs (e.g. an endless retry loop) counts as killed


def start_database():
    """An embedded server for all runs (on its own socket, or a port where it has one)."""
    import socket

    from services.core.embedded_db import BINARY_NAME, EmbeddedMongo

    data = Path(tempfile.mkdtemp(prefix="backoffice-mutation-db-"))
    binary = REPO / "var" / "bin" / BINARY_NAME
    if "port" not in getattr(EmbeddedMongo, "__dataclass_fields__", {}):
        return EmbeddedMongo(data, binary_path=binary)
    with socket.socket() as sock:  # the launcher of this version listens on a TCP port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return EmbeddedMongo(data, port, binary_path=binary)


def tracked_copy() -> Path:
    """Copy the checkout's tracked files (as they are on disk) to a temporary folder."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                           capture_output=True, timeout=60).stdout.decode().split("\0")
    work = Path(tempfile.mkdtemp(prefix="backoffice-mutation-"))
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, work / name)
    (work / "var").mkdir(exist_ok=True)
    os.symlink(REPO / "var" / "bin", work / "var" / "bin")
    return work


def config(module: str, tests: list[str], pure: bool = False) -> str:
    # Plugins not autoloaded (hypothesis, faker, schemathesis, playwright cost seconds of
    # imports per mutant); pytest-timeout is loaded by name.
    command = (f"env PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 {PY} -m pytest -x -q "
               f"-p no:cacheprovider -p pytest_timeout --timeout=300 "
               f"{'--noconftest ' if pure else ''}{' '.join(tests)}")
    return (f'[cosmic-ray]\nmodule-path = "{module}"\ntimeout = {TEST_TIMEOUT}\n'
            f'excluded-modules = []\ntest-command = "{command}"\n\n'
            '[cosmic-ray.distributor]\nname = "local"\n')


def retry_survivors(name: str) -> int:
    """Make the surviving mutants of a stored session pending again (after new tests).

    Also points the session at the module's current path (code moved with `git mv` keeps
    its lines, so the stored positions still apply). Returns how many will run again.
    """
    import sqlite3

    with sqlite3.connect(OUT / f"{name}.sqlite") as db:
        db.execute("UPDATE mutation_specs SET module_path = ?", (TARGETS[name][0],))
        return db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount


def run_target(name: str, work: Path) -> None:
    module, tests = TARGETS[name]
    cfg, session = OUT / f"{name}.toml", OUT / f"{name}.sqlite"
    cfg.write_text(config(module, tests, name in PURE))
    if not session.exists():
        subprocess.run([BIN / "cosmic-ray", "init", cfg, session], cwd=work, check=True,
                       timeout=600)
        # `# pragma: no mutate` marks a line whose mutants are equivalent (TESTING.md)
        subprocess.run([BIN / "cr-filter-pragma", session], cwd=work, check=True,
                       timeout=600)
    subprocess.run([BIN / "cosmic-ray", "exec", cfg, session], cwd=work, check=True,
                   timeout=6 * 3600)


def report(name: str) -> str:
    session = OUT / f"{name}.sqlite"
    if not session.exists():
        return f"{name}: not run"
    text = subprocess.run([BIN / "cr-report", "--show-pending", session], capture_output=True,
                          text=True, timeout=600).stdout
    total = re.search(r"total jobs: (\d+)", text)
    complete = re.search(r"complete: (\d+)", text)
    surviving = re.search(r"surviving mutants: (\d+)", text)
    if not (total and complete and surviving):
        return f"{name}: {text.strip()[-300:]}"
    done, alive = int(complete.group(1)), int(surviving.group(1))
    killed = done - alive
    score = 100.0 * killed / done if done else 0.0
    return (f"{name} ({TARGETS[name][0]}): {killed} of {done} mutants killed "
            f"({score:.1f} %), {alive} surviving, {int(total.group(1)) - done} not run")


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception so the copy and the database are cleaned up."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, stop)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="names from TARGETS (default: all)")
    parser.add_argument("--report", action="store_true", help="only report stored results")
    parser.add_argument("--retry-survivors", action="store_true",
                        help="run the surviving mutants of stored sessions again")
    args = parser.parse_args()
    names = args.targets or list(TARGETS)
    unknown = sorted(set(names) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.retry_survivors:
        for name in names:
            if (OUT / f"{name}.sqlite").exists():
                print(f"{name}: {retry_survivors(name)} surviving mutant(s) to run again")
    if not args.report:
        _stop_on_sigterm()
        server = None
        if not os.environ.get("MONGODB_URI"):
            sys.path.insert(0, str(REPO))
            server = start_database()
            os.environ["MONGODB_URI"] = server.start()
        work = tracked_copy()
        try:
            for name in names:
                run_target(name, work)
                print(report(name), flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if server is not None:
                server.stop()
    for name in names:
        print(report(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())

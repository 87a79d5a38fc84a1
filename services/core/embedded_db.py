"""Lifecycle of the embedded MongoDB-protocol server (FerretDB with SQLite).

The server is our own launcher under tools/ferretdb, built with Go on first use.
It keeps its data, pid file and log under one directory and listens on nothing but
a Unix socket in that directory, mode 0600 (directory 0700): only the user who runs
the Backoffice (and root) can connect, no other local user or process. Clients use
`mongodb://%2F...%2Fbackoffice.sock/`. Nothing here runs at import time.
"""
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pymongo import MongoClient
from pymongo.errors import PyMongoError

REPO_DIR = Path(__file__).resolve().parents[2]
LAUNCHER_SRC = REPO_DIR / "tools" / "ferretdb"
BINARY_NAME = "ferretdb-embedded"
SOCKET_NAME = "backoffice.sock"
MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes with the terminating NUL
GO_MISSING = (
    "Go is not installed, so the embedded database cannot be built: "
    "install Go >= 1.24 or set MONGODB_URI to a MongoDB server"
)


class EmbeddedDatabaseError(RuntimeError):
    """The embedded database could not be built, started or reached."""


@dataclass
class EmbeddedMongo:
    """One FerretDB process bound to a data directory, reached through its Unix socket.

    `port` is accepted for old call sites and ignored: there is no TCP listener.
    """

    data_dir: Path
    port: int | None = None
    binary_path: Path | None = None

    @property
    def binary(self) -> Path:
        return self.binary_path or self.data_dir / "bin" / BINARY_NAME

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "ferretdb.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "ferretdb.log"

    @property
    def db_dir(self) -> Path:
        return self.data_dir / "ferretdb"

    @property
    def socket_path(self) -> Path:
        return self.db_dir / SOCKET_NAME

    @property
    def uri(self) -> str:
        return "mongodb://" + quote(str(self.socket_path), safe="") + "/"

    def build(self) -> Path:
        """Build the launcher (with FerretDB's patched source) unless it is up to date."""
        stamp = self.binary.with_name(self.binary.name + ".stamp")
        wanted = _source_digest()
        if self.binary.exists() and stamp.exists() and stamp.read_text() == wanted:
            return self.binary
        go = shutil.which("go")
        if go is None:
            raise EmbeddedDatabaseError(GO_MISSING)
        self.binary.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DO_NOT_TRACK": "1", "CGO_ENABLED": "0"}
        work = self.binary.parent / "ferretdb-build"
        modfile = _patched_modfile(go, env, work)
        partial = self.binary.with_name(self.binary.name + ".partial")
        result = subprocess.run(
            [go, "build", f"-modfile={modfile}", "-o", str(partial), "."],
            cwd=LAUNCHER_SRC, env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(
                "building the embedded database failed (go build in tools/ferretdb):\n"
                + result.stderr[-2000:]
            )
        os.replace(partial, self.binary)  # a running server keeps its old file
        stamp.write_text(wanted)
        return self.binary

    def read_pid(self) -> int | None:
        """Return the pid of our running server, removing a stale pid file."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            self.pid_file.unlink(missing_ok=True)
            return None
        if _is_our_process(pid):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def ping(self, timeout: float = 0.5) -> bool:
        """Return True when the server answers a ping."""
        if not self.socket_path.exists():
            return False
        client = MongoClient(self.uri, serverSelectionTimeoutMS=int(timeout * 1000),
                             connectTimeoutMS=int(timeout * 1000))
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            client.close()

    def is_running(self) -> bool:
        return self.read_pid() is not None and self.ping()

    def start(self, timeout: float = 30.0) -> str:
        """Start the server if it is not running, wait for a ping, return its URI."""
        if self.read_pid() is not None:
            if self._wait_for_ping(timeout):
                return self.uri
            raise EmbeddedDatabaseError(
                f"the embedded database (pid file {self.pid_file}) does not answer; "
                f"see {self.log_file}"
            )
        if len(os.fsencode(self.socket_path)) > MAX_SOCKET_PATH:
            raise EmbeddedDatabaseError(
                f"the database socket path {self.socket_path} is longer than "
                f"{MAX_SOCKET_PATH} bytes; set BACKOFFICE_DATA_DIR to a shorter directory"
            )
        if self.ping():
            raise EmbeddedDatabaseError(
                f"another server answers on {self.socket_path} without our pid file "
                f"{self.pid_file}; stop it, or set MONGODB_URI to use that server"
            )
        binary = self.build()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_dir.mkdir(mode=0o700, exist_ok=True)
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                [str(binary), "--data-dir", str(self.db_dir),
                 "--socket", str(self.socket_path)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, "DO_NOT_TRACK": "1"},
            )
        self.pid_file.write_text(str(proc.pid))
        if not self._wait_for_ping(timeout, proc):
            self.stop()
            raise EmbeddedDatabaseError(
                f"the embedded database did not start within {timeout:.0f}s; "
                f"see {self.log_file}"
            )
        return self.uri

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the server if it runs; return True if one was stopped."""
        pid = self.read_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _is_alive(pid):
            time.sleep(0.05)
        if _is_alive(pid):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _wait_for_ping(self, timeout: float, proc: subprocess.Popen | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return False
            if self.ping(timeout=0.3):
                return True
            time.sleep(0.1)
        return False


# ---------------------------------------------------------------- building

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"


def _source_digest() -> str:
    """A digest of everything the binary is built from (launcher source, patches, overlay)."""
    digest = hashlib.sha256()
    for path in sorted(LAUNCHER_SRC.rglob("*")):
        if path.is_file():
            name = path.relative_to(LAUNCHER_SRC).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _patched_modfile(go: str, env: dict, work: Path) -> Path:
    """Copy FerretDB's module, apply tools/ferretdb/*.patch, add tools/ferretdb/overlay/.

    Return a go.mod using that copy. The patches and the overlay's new files (same
    paths as in the module) only widen FerretDB's SQLite pushdown: `_id` look-ups, and
    filters, sorts, skip/limit and counts on indexed fields (overlay/.../pushdown.go).
    FerretDB re-checks every filter in full unless the translation was exact.
    """
    version = _required_version(LAUNCHER_SRC / "go.mod", FERRETDB_MODULE)
    result = subprocess.run([go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{version}"],
                            cwd=LAUNCHER_SRC, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise EmbeddedDatabaseError(f"go mod download {FERRETDB_MODULE}@{version} failed:\n"
                                    + (result.stdout + result.stderr)[-2000:])
    source = Path(json.loads(result.stdout)["Dir"])
    patched = work / f"FerretDB@{version}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, patched)
    for path in patched.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)  # the module cache is read-only
    for patch in sorted(LAUNCHER_SRC.glob("*.patch")):
        apply_patch(patch.read_text(), patched)
    overlay = LAUNCHER_SRC / "overlay"
    for path in sorted(overlay.rglob("*.go")):
        target = patched / path.relative_to(overlay)
        if target.exists():
            raise EmbeddedDatabaseError(f"overlay file {path} would replace a FerretDB file")
        shutil.copyfile(path, target)
    modfile = work / "go.mod"
    modfile.write_text((LAUNCHER_SRC / "go.mod").read_text()
                       + f"\nreplace {FERRETDB_MODULE} => {patched}\n")
    shutil.copyfile(LAUNCHER_SRC / "go.sum", work / "go.sum")
    return modfile


def _required_version(gomod: Path, module: str) -> str:
    for line in gomod.read_text().splitlines():
        words = line.replace("require", " ").split()
        if len(words) >= 2 and words[0] == module:
            return words[1]
    raise EmbeddedDatabaseError(f"{gomod} does not require {module}")


def apply_patch(diff: str, root: Path) -> None:
    """Apply a unified diff whose every hunk must match its file exactly once."""
    target, hunks = None, []
    for line in diff.splitlines():
        if line.startswith("--- ") or line.startswith("\\"):
            continue
        if line.startswith("+++ "):
            target = root / line[4:].split("/", 1)[1].strip()
        elif line.startswith("@@"):
            hunks.append((target, [], []))
        elif hunks and line[:1] in (" ", "-", "+", ""):
            _, old, new = hunks[-1]
            text = line[1:]
            if line[:1] != "+":
                old.append(text)
            if line[:1] != "-":
                new.append(text)
    if not hunks:
        raise EmbeddedDatabaseError("the patch has no hunks")
    for path, old, new in hunks:
        content = path.read_text()
        before, after = "\n".join(old) + "\n", "\n".join(new) + "\n"
        if content.count(before) != 1:
            raise EmbeddedDatabaseError(f"the patch does not apply to {path.name} "
                                        "(was the FerretDB version changed?)")
        path.write_text(content.replace(before, after))


def _is_alive(pid: int) -> bool:
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    # A server we started ourselves stays our child until reaped.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _is_our_process(pid: int) -> bool:
    if not _is_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid file
    return BINARY_NAME.encode() in cmdline


def embedded_uri(data_dir: Path, port: int | None = None) -> str:
    """The URI the embedded server answers on (its socket), without starting it."""
    return EmbeddedMongo(Path(data_dir)).uri


def start_pending(config) -> None:
    """Start the embedded server an app deferred to its first use (see app._init_database)."""
    if config.pop("EMBEDDED_DB_PENDING", False):
        ensure_database(None, config["DATA_DIR"])


def ensure_database(mongodb_uri: str | None, data_dir: Path, port: int | None = None) -> str:
    """Return the URI to use: MONGODB_URI as is, else the started embedded server."""
    if mongodb_uri:
        return mongodb_uri
    return EmbeddedMongo(Path(data_dir)).start()


def main(argv=None) -> int:
    """python -m services.core.embedded_db start|stop|status|build [--data-dir D]."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m services.core.embedded_db")
    parser.add_argument("action", choices=("start", "stop", "status", "build"))
    parser.add_argument("--data-dir", default=os.environ.get(
        "BACKOFFICE_DATA_DIR", str(REPO_DIR / "var")))
    args = parser.parse_args(argv)
    server = EmbeddedMongo(Path(args.data_dir).resolve())
    try:
        if args.action == "build":
            print(f"launcher: {server.build()}")
        elif args.action == "start":
            print(f"embedded database running at {server.start()}")
        elif args.action == "stop":
            print("stopped" if server.stop() else "not running")
        else:
            running = server.is_running()
            print(f"running at {server.uri}" if running else "not running")
            return 0 if running else 1
    except EmbeddedDatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks share: the database server they measure against."""
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_server(prefix: str):
    """A fresh embedded FerretDB (not started yet) in a temp directory (its own socket)."""
    from services.core.embedded_db import BINARY_NAME, EmbeddedMongo

    # BENCH_LAUNCHER: another build of the launcher (a "before" binary to compare with)
    binary = os.environ.get("BENCH_LAUNCHER") or ROOT / "var" / "bin" / BINARY_NAME
    return EmbeddedMongo(Path(tempfile.mkdtemp(prefix=prefix)), binary_path=Path(binary))


def database(prefix: str) -> tuple[str, Callable[[], None]]:
    """(uri, stop): MONGODB_URI as it is, or a started embedded server that stop() removes."""
    if os.environ.get("MONGODB_URI"):
        return os.environ["MONGODB_URI"], lambda: None
    server = embedded_server(prefix)
    uri = server.start()

    def stop():
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
    return uri, stop

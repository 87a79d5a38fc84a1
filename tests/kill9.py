"""kill -9 between two steps: run an action in a child process that is killed (SIGKILL)
right after the nth call of one function, then let the test check what is left.

One harness for every crash test (ledger balances, invoice issuing, SEPA, dunning).
"""
import json
import os
import signal
import subprocess
import sys
import textwrap

from tests.conftest import REPO

CHILD = textwrap.dedent("""
    import functools, json, os, signal, sys
    sys.path.insert(0, {repo!r})
    from app import create_app
    cfg = json.loads(sys.argv[1])
    app = create_app({{"TESTING": True, "MONGODB_URI": cfg["uri"], "MONGODB_DB": cfg["db"]}})
    with app.app_context():
        import importlib
        module = importlib.import_module(cfg["module"])
        original = getattr(module, cfg["name"])
        calls = {{"n": 0}}

        @functools.wraps(original)
        def then_die(*args, **kwargs):
            result = original(*args, **kwargs)
            calls["n"] += 1
            if calls["n"] == cfg["nth"]:
                os.kill(os.getpid(), signal.SIGKILL)   # kill -9 right after this step
            return result

        setattr(module, cfg["name"], then_die)
        exec(cfg["action"])
""")


def run_and_kill(app, module: str, name: str, action: str, nth: int = 1,
                 timeout: int = 180) -> None:
    """Run `action` (Python source) in a child killed right after module.name's nth call."""
    cfg = {"uri": app.config["MONGODB_EFFECTIVE_URI"], "db": app.config["MONGODB_DB"],
           "module": module, "name": name, "nth": nth, "action": action}
    proc = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO)), json.dumps(cfg)],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]

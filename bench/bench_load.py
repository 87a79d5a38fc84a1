"""20 concurrent users for 60 s on list, detail and create: requests/s, p95, errors.

Starts its own embedded database (temp dir, free port) and the app under gunicorn
(4 workers, as in production) on loopback, seeds the demo company, then runs
bounded user loops. Usage: .venv/bin/python bench/bench_load.py [--users 20] [--seconds 60]

`--rows 100000` is the volume scenario of issue 22 instead: the list pages of employees,
journal entries, invoices, stock movements, the audit log and the archive are filled to
that many documents each (raw `insert_many`, as bench_volume.py does) and every user
loops over first page, page 100, a search and a detail view of each, reporting median and
p95 per page and request kind. `--think 1-3` waits a random 1–3 s between a user's
requests (a person reading the page); without it every user sends its next request at
once, which is a far heavier load than 20 people.
"""
import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import embedded_server, free_port  # noqa: E402


class User:
    """One browser-like client with its own cookie jar (a single session cookie)."""

    def __init__(self, port, timeout=30):
        self.port, self.cookie, self.timeout = port, "", timeout

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for cookie in response.msg.get_all("Set-Cookie") or ():
            if cookie.startswith("session="):
                self.cookie = cookie.split(";", 1)[0]
        conn.close()
        return response.status, data.decode("utf-8", "replace")

    def token(self, path):
        status, html = self.request("GET", path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
        return match.group(1)

    def login(self, email, password):
        status, _ = self.request("POST", "/login", {"csrf_token": self.token("/login"),
                                                    "email": email, "password": password})
        assert status == 302, f"login failed: {status}"


def user_loop(port, email, password, deadline, n, results, errors, ids):
    user = User(port)
    user.login(email, password)
    i = 0
    while time.monotonic() < deadline:
        i += 1
        kind = ("list", "detail", "create")[i % 3]
        started = time.perf_counter()
        if kind == "list":
            status, _ = user.request("GET", f"/admin/suppliers/?page={i % 2}")
        elif kind == "detail":
            status, _ = user.request("GET", f"/admin/suppliers/details/?id={ids[i % len(ids)]}")
        else:
            token = user.token("/admin/suppliers/new/")
            started = time.perf_counter()
            status, _ = user.request("POST", "/admin/suppliers/new/", {
                "csrf_token": token, "supplier_no": f"B{n:02d}-{i:06d}",
                "name": f"Lasttest Lieferant {n}-{i}", "country": "DE",
                "payment_terms_days": "30", "active": "y"})
        elapsed = time.perf_counter() - started
        ok = status in (200, 302)
        results.append((kind, elapsed, ok))
        if not ok:
            errors.append((kind, status))


# (label, list URL, search term, collection) of the volume scenario
VOLUME_PAGES = (
    ("employees", "/admin/employees/", "B004711", "employees"),
    ("journal", "/admin/journal/", "B-004711", "journal_entries"),
    ("invoices", "/admin/invoice/", "RE-2025-004711", "invoices"),
    ("stock movements", "/admin/stock_movements/", "WE-004711", "stock_movements"),
    ("audit log", "/admin/audit/", "Vorgang 4711", "audit_log"),
    ("archive", "/admin/archive_files/", "beleg-004711", "archived_files"),
)
KINDS = ("first", "page 100", "search", "detail")


def volume_loop(port, email, password, deadline, n, results, errors, ids, think):
    """One user: the 6 pages x 4 kinds in turn (each user starts elsewhere in the cycle)."""
    user = User(port, timeout=120)  # a slow answer is timed; past 2 minutes it is an error
    user.login(email, password)
    rng = random.Random(n)
    steps = [(page, kind) for page in VOLUME_PAGES for kind in KINDS]
    i = n * 5
    while time.monotonic() < deadline:
        (label, url, term, coll), kind = steps[i % len(steps)]
        i += 1
        path = {"first": url, "page 100": url + "?page=99",
                "search": url + "?" + urlencode({"search": term}),
                "detail": url + "details/?id=" + rng.choice(ids[coll])}[kind]
        started = time.perf_counter()
        try:
            status, html = user.request("GET", path)
        except OSError as exc:  # a timeout or a refused connection is an error too
            status, html = type(exc).__name__, ""
        elapsed = time.perf_counter() - started
        ok = status == 200 and ("<td" in html)
        results.append(((label, kind), elapsed, ok))
        if not ok:
            errors.append(((label, kind), status))
        if think[1] > 0:
            time.sleep(rng.uniform(*think))


def volume(args):
    """Issue 22's load test: 20 users on six list pages at `args.rows` documents each."""
    from app import create_app
    from bench.bench_volume import fill_panel
    from models import AuditEntry, Employee, JournalEntry, StockMovement
    from models.archive import ArchivedFile
    from models.invoice import Invoice
    from tests.factories import PASSWORD, make_user

    db = embedded_server("bench-load-")
    data_dir = db.data_dir
    uri = db.start()
    env = {**os.environ, "BACKOFFICE_ENV": "development", "MONGODB_URI": uri,
           "MONGODB_DB": "bench_load", "BACKOFFICE_DATA_DIR": str(data_dir),
           "SECRET_KEY": "bench-secret-key-0123456789"}
    web = None
    try:
        os.environ.update(env)  # the same configuration as the served app
        app = create_app({"MONGODB_URI": uri, "MONGODB_DB": "bench_load",
                          "BACKOFFICE_DATA_DIR": str(data_dir)})
        started = time.monotonic()
        fill_panel(app, args.rows, (Employee, JournalEntry, Invoice, StockMovement,
                                    AuditEntry, ArchivedFile))
        print(f"filled 6 collections to {args.rows:,} documents in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        with app.app_context():
            users = [(make_user("admin", email=f"user{n}@bench.example.com").email, PASSWORD)
                     for n in range(args.users)]
            ids = {}
            for _, _, _, coll in VOLUME_PAGES:
                c = Employee._get_db()[coll]
                ids[coll] = [str(d["_id"]) for d in
                             c.find({}, {"_id": 1}).skip(args.rows // 2).limit(200)]
        port = free_port()
        log = open(data_dir / "gunicorn.log", "w")
        web = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "--workers", str(args.workers),
                                "--bind", f"127.0.0.1:{port}", "app:create_app()"], cwd=REPO,
                               env=env, stdout=log, stderr=log)
        _wait_for(port)
        _wait_for_app(port)
        for label, url, term, coll in VOLUME_PAGES:  # every request kind answers once
            user = User(port, timeout=300)
            user.login(*users[0])
            for path in (url, url + "?page=99", url + "?" + urlencode({"search": term}),
                         url + "details/?id=" + ids[coll][0]):
                status, html = user.request("GET", path)
                if status != 200 or "<td" not in html:
                    print(f"check: {path} answered {status}", flush=True)
        # warm-up, not counted: every worker compiles its templates and fills its caches
        _volume_phase(args, port, users, ids, (0.0, 0.0), "0", seconds=min(30, args.seconds),
                      quiet=True)
        windows = []
        for spec in args.think.split(","):
            think = tuple(float(x) for x in spec.split("-")) if "-" in spec \
                else (float(spec), float(spec))
            began = time.time()
            _volume_phase(args, port, users, ids, think, spec)
            windows.append((spec, began, time.time()))
        _server_side(data_dir / "gunicorn.log", windows)
    finally:
        if web is not None:
            web.terminate()
            try:
                web.wait(30)
            except subprocess.TimeoutExpired:
                web.kill()
        db.stop()
        log_text = (data_dir / "gunicorn.log").read_text() if (data_dir / "gunicorn.log").exists() \
            else ""
        problems = [line for line in log_text.splitlines() if '"level": "ERROR"' in line
                    or "Traceback" in line or "Error" in line]
        print(f"server log: {len(problems)} error lines", *problems[:5], sep="\n")
        if os.environ.get("BENCH_KEEP_LOG"):
            print(log_text[-3000:])
        shutil.rmtree(data_dir, ignore_errors=True)


def _server_side(log_path, windows):
    """The app's own time per request (the access log's duration_ms, from the request's
    start in a worker to its response) beside what the users measured: the difference is
    the wait for a free worker and the way through the socket."""
    import json
    from datetime import datetime

    entries = []
    for line in log_path.read_text().splitlines() if log_path.exists() else ():
        if '"backoffice.access"' not in line:
            continue
        record = json.loads(line)
        entries.append((datetime.fromisoformat(record["time"]).timestamp(),
                        float(record["duration_ms"])))
    for spec, began, ended in windows:
        times = sorted(ms for at, ms in entries if began <= at <= ended)
        if times:
            print(f"think={spec} s, in the app (access log): n={len(times)} "
                  f"median {statistics.median(times):.0f} ms, p95 {_p95(times) / 1000:.0f} ms")


def _volume_phase(args, port, users, ids, think, spec, seconds=None, quiet=False):
    """One timed run of all users; prints median and p95 per page and request kind."""
    results, errors = [], []
    seconds = seconds or args.seconds
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    threads = [threading.Thread(target=volume_loop, args=(
        port, e, p, deadline, n, results, errors, ids, think))
        for n, (e, p) in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    duration = time.monotonic() - started
    if quiet:
        print(f"warm-up: {len(results)} requests in {duration:.0f} s, {len(errors)} errors")
        return
    print(f"== users={args.users} seconds={duration:.1f} workers={args.workers} "
          f"rows={args.rows:,} think={spec} s  load average {os.getloadavg()[0]:.1f}")
    print(f"requests={len(results)} errors={len(errors)} "
          f"requests_per_s={len(results) / duration:.1f}")
    print(f"{'page':18} {'kind':9} {'n':>5} {'median':>9} {'p95':>9}")
    for label, *_ in VOLUME_PAGES:
        for kind in KINDS:
            times = sorted(t for k, t, _ in results if k == (label, kind))
            if times:
                print(f"{label:18} {kind:9} {len(times):5} "
                      f"{statistics.median(times) * 1000:6.0f} ms {_p95(times):6.0f} ms")
    for label, keep in (("all", lambda k: True), ("all but search", lambda k: k[1] != "search"),
                        ("search", lambda k: k[1] == "search")):
        times = sorted(t for k, t, _ in results if keep(k))
        if times:
            print(f"{label:28} {len(times):5} {statistics.median(times) * 1000:6.0f} ms "
                  f"{_p95(times):6.0f} ms")
    if errors:
        print("errors:", sorted({str(e) for e in errors})[:10])
    sys.stdout.flush()


def _p95(times):
    return times[max(0, int(round(len(times) * 0.95)) - 1)] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=0,
                        help="volume scenario: six list pages at this many documents each")
    parser.add_argument("--think", default="0",
                        help="seconds a user waits between requests, e.g. 1-3; several runs "
                             "on the same data: 0,1-3 (volume scenario)")
    args = parser.parse_args()
    if args.rows:
        return volume(args)

    db = embedded_server("bench-load-")
    data_dir = db.data_dir
    uri = db.start()
    env = {**os.environ, "BACKOFFICE_ENV": "development", "MONGODB_URI": uri,
           "MONGODB_DB": "bench_load", "BACKOFFICE_DATA_DIR": str(data_dir),
           "SECRET_KEY": "bench-secret-key-0123456789"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seed-demo"], cwd=REPO,
                   env=env, check=True, capture_output=True)
    port = free_port()
    web = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "--workers", str(args.workers),
                            "--bind", f"127.0.0.1:{port}", "app:create_app()"], cwd=REPO,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        from pymongo import MongoClient

        client = MongoClient(uri)
        ids = [str(d["_id"]) for d in client.bench_load.suppliers.find({}, {"_id": 1})]
        users = [(f"user{n}@bench.example.com", f"Bench-Passw0rd-{n}") for n in range(args.users)]
        for email, password in users:
            subprocess.run([sys.executable, "-m", "flask", "--app", "app", "create-user", email,
                            "--role", "finance", "--password-stdin"], cwd=REPO, env=env,
                           input=password + "\n", text=True, check=True, capture_output=True)
        results, errors = [], []
        deadline = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [threading.Thread(target=user_loop, args=(port, e, p, deadline, n, results,
                                                             errors, ids))
                   for n, (e, p) in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
        _report(results, errors, duration, args)
    finally:
        web.terminate()
        web.wait(10)
        db.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _wait_for_app(port, timeout=300):
    """Until the login page answers: on a loaded machine the workers take a while to boot."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(1)
    raise SystemExit("the app did not answer")


def _report(results, errors, duration, args):
    print(f"users={args.users} seconds={duration:.1f} workers={args.workers}")
    print(f"requests={len(results)} errors={len(errors)} requests_per_s={len(results) / duration:.1f}")
    for kind in ("list", "detail", "create"):
        times = sorted(t for k, t, _ in results if k == kind)
        if times:
            p95 = times[int(len(times) * 0.95) - 1] * 1000
            print(f"  {kind:<7} n={len(times):<6} median_ms={statistics.median(times) * 1000:.0f} "
                  f"p95_ms={p95:.0f}")
    if errors:
        print("error statuses:", sorted(set(errors))[:10])
        sys.exit(1)


if __name__ == "__main__":
    main()

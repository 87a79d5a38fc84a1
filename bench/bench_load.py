"""20 concurrent users for 60 s on list, detail and create: requests/s, p95, errors.

Starts its own embedded database (temp dir, free port) and the app under gunicorn
(4 workers, as in production) on loopback, seeds the demo company, then runs
bounded user loops. Usage: .venv/bin/python bench/bench_load.py [--users 20] [--seconds 60]
"""
import argparse
import http.client
import os
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

    def __init__(self, port):
        self.port, self.cookie = port, ""

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

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

"""The REST API under 20 concurrent clients: one customer by id, a 100-item page; raw driver beside.

Starts its own embedded database (temp dir, free port) and the app under gunicorn
(4 workers) on loopback, stores 1,000 customers, creates a token, then runs four bounded
phases of `--clients` threads for `--seconds` each: API GET /api/v1/customers/<id>,
API GET /api/v1/customers?limit=100&cursor=..., and pymongo find_one by _id and find of
100 by _id order on the same data. Usage:
    .venv/bin/python bench/bench_api.py [--clients 20] [--seconds 60]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_load import _wait_for  # noqa: E402
from bench.common import embedded_server, free_port  # noqa: E402

CUSTOMERS = 1000


def api_get(port, path, secret, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def run_phase(name, clients, seconds, call):
    """Run `call(rng)` in `clients` threads until the deadline; return (name, times, errors)."""
    times, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(n):
        rng = random.Random(n)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = call(rng)
            except Exception as exc:  # counted, the run goes on
                ok = repr(exc)
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)
                if ok is not True:
                    errors.append(ok)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return name, times, errors, time.monotonic() - started


def _warm_up(port, secret, some_id, clients):
    """Let every gunicorn worker finish building the app before anything is timed."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            api_get(port, f"/api/v1/customers/{some_id}", secret, timeout=300)[0]))
            for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=310)
        if results.count(200) == clients:
            return
    raise SystemExit("the API did not answer 200 during the warm-up")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    db = embedded_server("bench-api-")
    uri = db.start()
    env = {**os.environ, "BACKOFFICE_ENV": "development", "MONGODB_URI": uri,
           "MONGODB_DB": "bench_api", "BACKOFFICE_DATA_DIR": str(db.data_dir),
           "SECRET_KEY": "bench-secret-key-0123456789"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run(flask + ["seed-reference"], cwd=REPO, env=env, check=True,
                   capture_output=True, timeout=300)
    made = subprocess.run(flask + ["api", "token", "create", "bench", "--scope",
                                   "customers:read", "--rate-limit", "100000"],
                          cwd=REPO, env=env, check=True, capture_output=True, text=True,
                          timeout=120)
    secret = made.stdout.strip().splitlines()[-1]
    from pymongo import MongoClient

    client = MongoClient(uri)
    coll = client.bench_api.customers
    coll.insert_many([{"customer_no": f"B{n:05d}", "name": f"Kunde {n}", "country": "DE",
                       "city": "Berlin", "postal_code": "10115", "active": True}
                      for n in range(CUSTOMERS)])
    ids = [d["_id"] for d in coll.find({}, {"_id": 1}).sort("_id", 1)]
    port = free_port()
    web = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "--workers", str(args.workers),
                            "--bind", f"127.0.0.1:{port}", "app:create_app()"], cwd=REPO,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        _warm_up(port, secret, ids[0], args.clients)

        def api_one(rng):
            status, body = api_get(port, f"/api/v1/customers/{rng.choice(ids)}", secret)
            return True if status == 200 and b'"customer_no"' in body else status

        def api_page(rng):
            cursor = ids[rng.randrange(CUSTOMERS - 101)]
            status, body = api_get(port, f"/api/v1/customers?limit=100&cursor={cursor}", secret)
            return True if status == 200 and len(json.loads(body)["items"]) == 100 else status

        def raw_one(rng):
            return coll.find_one({"_id": rng.choice(ids)}) is not None or "missing"

        def raw_page(rng):
            cursor = ids[rng.randrange(CUSTOMERS - 101)]
            found = list(coll.find({"_id": {"$gt": cursor}}).sort("_id", 1).limit(101))
            return len(found) == 101 or "short"

        print(f"clients={args.clients} seconds={args.seconds} workers={args.workers} "
              f"customers={CUSTOMERS}")
        failed = False
        for phase in (("api GET one", api_one), ("raw find_one", raw_one),
                      ("api GET page of 100", api_page), ("raw find 100", raw_page)):
            name, times, errors, took = run_phase(phase[0], args.clients, args.seconds, phase[1])
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)] * 1000 if times else 0
            print(f"  {name:<20} n={len(times):<7} req/s={len(times) / took:8.1f} "
                  f"p50_ms={statistics.median(times) * 1000:7.1f} p95_ms={p95:7.1f} "
                  f"errors={len(errors)}")
            if errors:
                failed = True
                print("    first errors:", errors[:5])
        if failed:
            sys.exit(1)
    finally:
        web.terminate()
        try:
            web.wait(60)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(10)
        finally:
            db.stop()
            shutil.rmtree(db.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

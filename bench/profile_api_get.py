"""cProfile of one API request: GET /api/v1/customers/<id> through the Flask test client
(no HTTP server, one process), with the database commands each request sends.

Starts its own embedded database (temp dir), stores 1,000 customers and one token, warms
up, then times `requests` GETs without the profiler (mean per request, commands per
request by name) and profiles the same number again. Usage:
    .venv/bin/python bench/profile_api_get.py [requests] [--top 25]
"""
import argparse
import cProfile
import collections
import io
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pymongo import monitoring  # noqa: E402

from bench.common import database  # noqa: E402


class CommandCounter(monitoring.CommandListener):
    """Counts the commands sent while `on` (registered before the app connects)."""

    def __init__(self):
        self.counts, self.on = collections.Counter(), False

    def started(self, event):
        if self.on:
            self.counts[event.command_name] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("requests", type=int, nargs="?", default=500)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    counter = CommandCounter()
    monitoring.register(counter)
    uri, stop = database("profile-api-")
    data_dir = Path(tempfile.mkdtemp(prefix="profile-api-data-"))
    try:
        run(uri, data_dir, args, counter)
    finally:
        stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(uri, data_dir, args, counter):
    from app import create_app
    from models import ensure_indexes
    from models.customer import Customer
    from services.api.tokens import create_token

    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": "profile_api",
                      "DATA_DIR": data_dir})
    with app.app_context():
        ensure_indexes()
        Customer._get_collection().insert_many([
            {"customer_no": f"P{n:05d}", "name": f"Kunde {n}", "country": "DE", "city": "Berlin",
             "postal_code": "10115", "active": True} for n in range(1000)])
        ids = [str(d["_id"]) for d in Customer._get_collection().find({}, {"_id": 1})]
        secret = create_token("profile", ["customers:read"], "bench", rate_limit=100_000).secret
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    rng = random.Random(1)

    def get():
        response = client.get(f"/api/v1/customers/{rng.choice(ids)}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)

    for _ in range(50):
        get()
    counter.on = True
    started = time.perf_counter()
    for _ in range(args.requests):
        get()
    took = time.perf_counter() - started
    counter.on = False
    per_request = {name: n / args.requests for name, n in sorted(counter.counts.items())}
    print(f"requests={args.requests} mean={took / args.requests * 1000:.2f} ms "
          f"req/s={args.requests / took:.1f} (one process, test client)")
    print("database commands per request: " + ", ".join(
        f"{name} {n:.2f}" for name, n in per_request.items())
        + f"  (total {sum(per_request.values()):.2f})")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        get()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()

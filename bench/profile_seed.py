"""Profile `seed-demo` into a fresh database: wall time, CPU and database round trips
(pymongo command monitoring) per seeding step, and the seed's CPU plus the embedded
database process's CPU (what a quiet machine would take, the two running in turn).

    BACKOFFICE_ENV=development MONGODB_DB=seedprof DBPID=$(pgrep -f 'ferretdb-embedded.*var/ferretdb') \
        .venv/bin/python bench/profile_seed.py
    (BACKOFFICE_DEMO_INVOICES=20: fewer invoices; SITES=1: the code lines issuing the most
    round trips; CPROF=1: a cProfile dump in $CPROF_OUT (/tmp/seed.prof); DROP=0 keeps the database)
"""
import collections
import cProfile
import functools
import os
import sys
import time
sys.path.insert(0, os.getcwd())
from pymongo import monitoring

STACK = ["(outside)"]
CMDS = collections.Counter()
BYCMD = collections.defaultdict(collections.Counter)
DBTIME = collections.Counter()
WALL = collections.Counter()
CALLS = collections.Counter()
SITES = collections.Counter()

class L(monitoring.CommandListener):
    def started(self, e):
        CMDS[STACK[-1]] += 1
        BYCMD[STACK[-1]][e.command_name + ":" + str(e.command.get(e.command_name))] += 1
        if os.environ.get("SITES"):
            import traceback
            fr = [f for f in traceback.extract_stack()[:-1] if "/work/demo4/" in f.filename and ".venv" not in f.filename and "prof_seed" not in f.filename]
            SITES[(e.command_name, str(e.command.get(e.command_name)), " < ".join(f"{f.filename.split('/work/demo4/')[1]}:{f.lineno}:{f.name}" for f in fr[-3:][::-1]))] += 1
    def succeeded(self, e):
        DBTIME[STACK[-1]] += e.duration_micros
    def failed(self, e):
        DBTIME[STACK[-1]] += e.duration_micros
monitoring.register(L())

def wrap(mod, name, label=None):
    import importlib
    m = importlib.import_module(mod)
    f = getattr(m, name)
    label = label or name
    @functools.wraps(f)
    def w(*a, **k):
        STACK.append(label); t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            WALL[label] += time.perf_counter() - t; CALLS[label] += 1; STACK.pop()
    setattr(m, name, w)

os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
from app import create_app
app = create_app()
for mod, names in {"seeds.demo": ["_seed_employees", "_seed_suppliers", "_seed_stock", "_seed_tickets",
                                  "_seed_archive", "_seed_purchase_orders", "seed_demo_company", "ensure_demo_users"],
                   "seeds.demo_history": ["_customers", "_one_invoice", "_payroll", "_close_past_months",
                                          "_past_filings_done", "seed_demo_history"],
                   "seeds.demo_it": ["seed_demo_it"], "seeds.demo_banking": ["seed_demo_banking"],
                   "seeds.demo_cost_centers": ["seed_demo_cost_centers"],
                   "seeds.demo_payables": ["seed_demo_payables"], "seeds.demo_hr": ["seed_demo_absences"],
                   "seeds.demo_books": ["seed_demo_books"], "seeds.reference": ["seed_reference"],
                   "services.invoicing.issuing": ["issue_invoice", "record_payment", "cancel_invoice"],
                   }.items():
    for n in names:
        wrap(mod, n)
# issue_invoice is imported inside _one_invoice at call time -> wrapped module attr is used
from mongoengine.connection import get_db
with app.app_context():
    db = get_db()
    print("db", db.name, "collections before:", len(db.list_collection_names()))
    runner = app.test_cli_runner()
    prof = cProfile.Profile() if os.environ.get("CPROF") else None
    def dbcpu():
        pid = os.environ.get("DBPID")
        if not pid: return 0.0
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    d0 = dbcpu()
    t0 = time.perf_counter(); c0 = time.process_time()
    if prof: prof.enable()
    res = runner.invoke(args=["seed-demo"])
    if prof: prof.disable(); prof.dump_stats(os.environ.get("CPROF_OUT", "/tmp/seed.prof"))
    wall = time.perf_counter() - t0; cpu = time.process_time() - c0
    print(res.output[-600:]); 
    if res.exception: import traceback; traceback.print_exception(res.exception)
    print(f"DB process CPU {dbcpu() - d0:.1f}s; seed CPU + DB CPU = {cpu + dbcpu() - d0:.1f}s")
    print(f"TOTAL wall {wall:.1f}s cpu {cpu:.1f}s round trips {sum(CMDS.values())} db-time {sum(DBTIME.values())/1e6:.1f}s load {os.getloadavg()}")
    print(f"{'step':30} {'calls':>6} {'wall s':>8} {'rt(self)':>9} {'db s(self)':>10}")
    for k in sorted(set(WALL) | set(CMDS), key=lambda k: -WALL.get(k, 0)):
        print(f"{k:30} {CALLS[k]:6} {WALL[k]:8.1f} {CMDS[k]:9} {DBTIME[k]/1e6:10.1f}")
    for k in ("_one_invoice", "issue_invoice", "record_payment", "_payroll", "_seed_tickets", "_close_past_months", "seed_reference", "_past_filings_done", "(outside)"):
        print("==", k, BYCMD[k].most_common(12))
    for k, v in SITES.most_common(45): print(v, k)
    if os.environ.get("DROP", "1") == "1":
        db.client.drop_database(db.name); print("dropped", db.name)

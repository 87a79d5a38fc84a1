"""Time statement parsing, import and auto-matching against the bare parser and raw driver.

Run from the project root:  .venv/bin/python bench/bench_bank.py [transactions] [open_items]
(the issue's size is 10000 5000). Starts its own embedded database server, or uses MONGODB_URI.
Not part of the test run. Prints, all in one run on the same server:
  1. the bare parser: lxml reading the same camt.053 file and every entry's amount;
  2. parse_camt (every field of every entry, namespaces stripped);
  3. import_file (parse, keys, balance check, store) against raw insert_many of the
     same number of transaction documents;
  4. auto-matching: reconcile_open proposing for every transaction (open items read from
     the invoices once and indexed), and the pure matcher with 1x and 4x the open items,
     which shows that matching does not grow with transactions x open items.
"""
import random
import sys
import time
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402

ACCOUNT = "DE89370400440532013000"
PAYERS = ["DE02120300000000202051", "DE12500105170648489890", "DE02500105170137075030"]


def build_items(count: int, rng):
    """Open invoices as the provider would list them (customer i pays from IBAN i % 3)."""
    return [(f"RE-2026-{n:05d}", Decimal(rng.randint(1_000, 500_000)) / 100, n % 40)
            for n in range(1, count + 1)]


def build_file(n: int, items, rng) -> bytes:
    from tests.services.banking.files import camt, tx

    txs = []
    for i in range(n):
        number, amount, customer = items[i % len(items)]
        kind = i % 4
        if kind == 0:
            txs.append(tx(amount, purpose=f"Rechnung {number}", ref=f"R{i}"))
        elif kind == 1:
            txs.append(tx(amount, purpose="Zahlung", iban=PAYERS[customer % 3], ref=f"R{i}"))
        elif kind == 2:
            txs.append(tx(Decimal(rng.randint(100, 99_999)) / 100 * -1, purpose=f"Lastschrift {i}",
                          iban=PAYERS[2]))
        else:
            txs.append(tx(Decimal(rng.randint(100, 99_999)) / 100, purpose=f"Gutschrift {i}"))
    return camt(txs, opening="0.00")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def bare_parse(data: bytes) -> int:
    from lxml import etree

    root = etree.fromstring(data)
    ns = {"c": root.nsmap[None]}
    return len([e.findtext("c:Amt", namespaces=ns) for e in root.iterfind(".//c:Ntry", ns)])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rng = random.Random(2026)
    items = build_items(m, rng)
    data = build_file(n, items, rng)
    uri, stop = database("bench-bank-")
    try:
        run(uri, n, m, items, data)
    finally:
        stop()


def run(uri, n, m, items, data) -> None:
    from app import create_app
    from models import ensure_indexes
    from models.bank_account import BankAccount
    from models.bank_statement import BankCounterparty, BankTransaction
    from seeds.reference import seed_reference
    from services.banking import reconcile
    from services.banking.reconcile_items import OpenItem
    from services.banking.reconcile_match import OpenItemIndex, RuleSet, propose
    from services.banking.statements import import_file
    from services.banking.statements_camt import parse_camt

    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": f"bench_{uuid.uuid4().hex[:8]}"})
    with app.app_context():
        ensure_indexes()
        seed_reference()
        account = BankAccount(name="Giro", iban=ACCOUNT, ledger_account="1200").save()
        _open_invoices(items)
        for i, iban in enumerate(PAYERS):
            BankCounterparty(iban=iban, party=f"customer:{_customer_id(i)}").save()
        print(f"camt.053 with {n} transactions ({len(data) / 1e6:.1f} MB), {m} open invoices")
        t_bare, _ = timed(lambda: bare_parse(data))
        t_parse, [st] = timed(lambda: parse_camt(data))
        print(f"bare lxml parse     {t_bare:8.2f} s")
        print(f"parse_camt          {t_parse:8.2f} s   ratio {t_parse / t_bare:5.1f} x")
        t_import, [result] = timed(lambda: import_file(data, "bench.xml", "bench"))
        assert result.new == n, result
        raw = [{"_id": uuid.uuid4().hex, "account": account.pk, "amount": int(t.amount * 100),
                "booking_date": datetime(2026, 3, 20), "purpose": t.purpose,
                "key": uuid.uuid4().hex} for t in st.transactions]
        coll = app.extensions.get("bench_raw") or BankTransaction._get_collection().database["raw_tx"]
        t_raw, _ = timed(lambda: [coll.insert_many(raw[i:i + 500]) for i in range(0, len(raw), 500)])
        print(f"import_file         {t_import:8.2f} s   raw insert_many {t_raw:6.2f} s   "
              f"ratio {t_import / t_raw:5.1f} x")
        t_match, outcome = timed(lambda: reconcile.reconcile_open("bench"))
        sure = BankTransaction.objects(confidence__gte=90).count()
        ids = [d["_id"] for d in coll.find({}, {"_id": 1})]
        t_raw_upd, _ = timed(lambda: [coll.update_one({"_id": i, "key": {"$ne": None}},
                                                      {"$set": {"proposal": "x"}}) for i in ids])
        print(f"reconcile_open      {t_match:8.2f} s   ({outcome.proposed} proposed, {sure} at >= 90 %, "
              f"{t_match / n * 1000:.2f} ms per transaction)   raw update_one per transaction "
              f"{t_raw_upd:6.2f} s   ratio {t_match / t_raw_upd:5.1f} x")
        txs = list(BankTransaction.objects.no_dereference())
        for factor in (1, 4, 1):
            # the statement's m items, plus (factor - 1) * m others with their own amounts,
            # customers and numbers that no transaction names: more open items to search,
            # not more candidates (copies of the same amounts would multiply the proposals)
            extra = random.Random(7)
            pool = [OpenItem(key=f"invoice:{k}", kind="invoice", direction=1,
                             open_amount=items[k - 1][1], party=f"customer:{items[k - 1][2]}",
                             references=(f"RE-2026-{k:05d}",)) for k in range(1, m + 1)]
            pool += [OpenItem(key=f"invoice:{k}", kind="invoice", direction=1,
                              open_amount=Decimal(extra.randint(600_000, 900_000)) / 100,
                              party=f"customer:{1000 + k}", references=(f"RE-2025-{k:05d}",))
                     for k in range(m + 1, m * factor + 1)]
            index = OpenItemIndex(pool)
            t_pure, _ = timed(lambda: [propose(t, index, RuleSet([])) for t in txs])
            print(f"pure matcher, {m * factor:6d} items {t_pure:6.2f} s   "
                  f"({t_pure / n * 1e6:.0f} µs per transaction)")


def _customer_id(i: int) -> str:
    return f"{i:024x}"


def _open_invoices(items) -> None:
    """Issued invoices written raw (issuing 5,000 with PDFs is not what is measured here)."""
    from bson import ObjectId

    from models.customer import Customer
    from models.invoice import Invoice

    customers = {}
    for number, amount, c in items:
        if c not in customers:
            customers[c] = Customer(customer_no=f"K{c:05d}", name=f"Kunde {c}").save()
    for i in range(3):  # the learned IBANs point at customers 0..2
        Customer._get_collection().update_one({"_id": customers[i].pk}, {"$set": {}})
    docs = [{"_id": ObjectId(), "kind": "invoice", "status": "issued", "number": number,
             "customer": customers[c].pk, "gross_total": int(amount * 100), "paid_total": 0,
             "payments": [], "recipient": {"name": f"Kunde {c}"},
             "issue_date": datetime(2026, 3, 1), "due_date": datetime(2026, 3, 15),
             "created_at": datetime.now(timezone.utc)} for number, amount, c in items]
    Invoice._get_collection().insert_many(docs)
    global _customer_id
    ids = {i: str(customers[i].pk) for i in range(3)}
    _customer_id = ids.__getitem__


if __name__ == "__main__":
    main()

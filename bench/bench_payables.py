"""Supplier invoice intake: N XML e-invoices (CII and UBL, 5-50 lines) and M Factur-X PDFs.

Run from the project root:
    .venv/bin/python bench/bench_payables.py [xml_invoices] [pdfs]
Not part of the test run. Starts its own embedded database unless MONGODB_URI is set.
Printed in the same run, on the same files:
- bare: lxml parsing each XML (the parsing library alone), and for PDFs pikepdf taking the
  embedded XML out plus lxml parsing it;
- import: services.payables.intake (read, XSD, sums, VAT ID, supplier match, archive the
  original, store the draft) with the Schematron switched off: as one batch
  (import_batch, what the CLI and the drop folder use) and one file after the other
  (import_invoice_file, the API's upload), each with its count of database round trips;
- Schematron: the EN 16931 Schematron (saxonche) alone on the same XML, reported apart.
"""
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database  # noqa: E402


def start_app():
    from app import create_app
    from seeds.reference import seed_reference

    uri, stop_database = database("bench-payables-")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": name,
                      "DATA_DIR": Path(tempfile.mkdtemp(prefix="bench-data-"))})
    ctx = app.app_context()
    ctx.push()
    seed_reference()

    def stop():
        import mongoengine as me
        me.get_connection().drop_database(name)
        ctx.pop()
        stop_database()
    return app, stop


def make_files(n: int, rng: random.Random) -> list[tuple[str, bytes]]:
    from tests.services.payables.samples import Line, Sample, cii_xml, ubl_xml

    files = []
    for i in range(n):
        lines = [Line(f"Artikel {j}", Decimal(rng.randint(1, 20)),
                      Decimal(rng.randint(100, 99999)) / 100,
                      rate=Decimal(rng.choice(("19", "7"))))
                 for j in range(rng.randint(5, 50))]
        sample = Sample(number=f"B-{i:06d}", lines=lines)
        files.append((f"b{i}.xml", cii_xml(sample) if i % 2 == 0 else ubl_xml(sample)))
    return files


def _renumber(data: bytes, i: int) -> bytes:
    """The same invoice under another number (so the one-by-one run finds no duplicate)."""
    return data.replace(f"B-{i:06d}".encode(), f"C-{i:06d}".encode())


class count_round_trips:
    """Count the commands sent to the database from now until stop()."""

    listener = None

    def __init__(self):
        type(self).listener.count = 0

    def stop(self) -> int:
        return type(self).listener.count


def _register_listener():
    from pymongo import monitoring

    class Counter(monitoring.CommandListener):
        count = 0

        def started(self, event):
            self.count += 1

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass
    count_round_trips.listener = Counter()
    monitoring.register(count_round_trips.listener)  # before the client is made


def timed(label: str, files, work) -> float:
    start = time.perf_counter()
    for name, data in files:
        work(name, data)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {len(files):>5} files {seconds:8.2f} s {len(files) / seconds:9.1f} /s")
    return seconds


def timed_batch(label: str, files, suffix=lambda: "") -> float:
    """One import_batch of `files` (name, data) to drafts, Schematron off; print and return seconds."""
    from services.payables import intake

    start = time.perf_counter()
    results = intake.import_batch([(data, name) for name, data in files], user="bench",
                                  schematron=False)
    seconds = time.perf_counter() - start
    assert all(r.status == "draft" for r in results), results[0].errors
    print(f"{label:<44} {len(files):>5} files {seconds:8.2f} s "
          f"{len(files) / seconds:9.1f} /s{suffix()}")
    return seconds


def main(n_xml: int = 200, n_pdf: int = 20):
    from lxml import etree

    from services.payables import checks, intake, readers
    from tests.services.payables.samples import Sample, cii_xml, facturx_pdf

    rng = random.Random(15)
    _register_listener()
    app, stop = start_app()
    try:
        files = make_files(n_xml, rng)
        print(f"{n_xml} XML invoices (CII and UBL alternating, 5-50 lines), {n_pdf} Factur-X PDFs")
        bare = timed("bare lxml parse", files, lambda name, data: etree.fromstring(data))
        def read_and_check(name, data):
            inv = readers.read_xml(data)
            checks.schema(data, inv["syntax"], inv["profile"], schematron=False)
            checks.arithmetic(inv)
        pure = timed("read + XSD + sums, no database", files, read_and_check)
        print(f"ratio read+check/bare throughput: {bare / pure:.4f}x")
        # the batch intake (CLI, drop folder) on the same files under other names...
        renamed = [(name, _renumber(data, i)) for i, (name, data) in enumerate(files)]
        trips = count_round_trips()
        batch = timed_batch("batch import to drafts (no Schematron)", renamed,
                            lambda: f"  round trips: {trips.stop()}")
        print(f"ratio batch import/bare throughput: {bare / batch:.4f}x")
        # The same comparison against the e-invoice parsing library of the field: drafthorse
        # reads a CII invoice into its object model (what "parsing an invoice" means; lxml
        # alone only builds the tree). UBL has no such library here, so the CII half only.
        from drafthorse.models.document import Document
        cii = [(name, data.replace(f"B-{i:06d}".encode(), f"D-{i:06d}".encode()))
               for i, (name, data) in enumerate(files) if i % 2 == 0]
        dh = timed("drafthorse Document.parse, CII half", cii,
                   lambda name, data: Document.parse(data))
        batch_cii = timed_batch("batch import, CII half (no Schematron)", cii)
        print(f"ratio batch import/drafthorse parse throughput (CII): {dh / batch_cii:.4f}x")
        # ... and one file after the other, as the API's upload does
        trips = count_round_trips()
        ours = timed("import to drafts one by one (no Schematron)", files,
                     lambda name, data: intake.import_invoice_file(data, name, user="bench",
                                                                  schematron=False))
        print(f"  round trips: {trips.stop()}")
        print(f"ratio import/bare throughput: {bare / ours:.4f}x")
        start = time.perf_counter()  # compiled once per process (services.invoicing.schematron)
        checks.schema(files[0][1], "cii", readers.read_xml(files[0][1])["profile"])
        checks.schema(files[1][1], "ubl", None)
        print(f"Schematron XSLTs compiled (CII + UBL, once per process): "
              f"{time.perf_counter() - start:.2f} s")

        def schematron(name, data):
            inv = readers.read_xml(data)
            checks.schema(data, inv["syntax"], inv["profile"])
        timed("XSD + Schematron alone (compiled)", files, schematron)
        pdfs = [(f"p{i}.pdf", facturx_pdf(cii_xml(Sample(number=f"P-{i:05d}")), "en16931"))
                for i in range(n_pdf)]
        bare_pdf = timed("bare pikepdf extract + lxml parse", pdfs,
                         lambda name, data: etree.fromstring(readers.xml_from_pdf(data)))
        batch_pdf = timed_batch("batch import PDFs to drafts (no Schematron)", pdfs)
        print(f"ratio batch PDF import/bare throughput: {bare_pdf / batch_pdf:.4f}x")
    finally:
        stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)

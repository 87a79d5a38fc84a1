"""Supplier invoice intake: N XML e-invoices (CII and UBL, 5-50 lines) and M Factur-X PDFs.

Run from the project root:
    .venv/bin/python bench/bench_payables.py [xml_invoices] [pdfs]
Not part of the test run. Starts its own embedded database unless MONGODB_URI is set.
Printed in the same run, on the same files, and as RATIO lines at the end, each naming the
bare library it is measured against:
- lxml parse: lxml building the tree of each XML (the XML parsing library alone), for the
  CII and UBL files together;
- drafthorse Document.parse: the field's CII e-invoice library reading the CII half into
  its object model (no such library for UBL here);
- pikepdf extract + lxml parse: for the Factur-X PDFs, taking the embedded XML out and
  parsing it;
- each of them also "+ lxml XSD": lxml's XMLSchema validation of the same files added to
  the bare time, since our intake always runs the XSD check;
- import: services.payables.intake (read, XSD, sums, VAT ID, supplier match, archive the
  original, store the draft) with the Schematron switched off: as one batch
  (import_batch, what the CLI and the drop folder use) and one file after the other
  (import_invoice_file, the API's upload), each with its count of database round trips;
- Schematron: the EN 16931 Schematron (saxonche) on the same XML, reported apart.
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


def xsd_only(files) -> float:
    """Seconds of lxml's XMLSchema validation alone (the parse is not counted) for `files`."""
    from lxml import etree

    from services.payables import checks, readers

    trees = [etree.fromstring(data) for _, data in files]
    for root in trees[:2]:  # schemas are parsed once per thread, before the clock starts
        checks.schema(b"", readers.syntax_of(root), "urn:cen.eu:en16931:2017", schematron=False,
                      root=root)
    start = time.perf_counter()
    for root in trees:
        found = checks.schema(b"", readers.syntax_of(root), "urn:cen.eu:en16931:2017",
                              schematron=False, root=root)
        assert found == [], found
    return time.perf_counter() - start


def ratio(label: str, bare: float, ours: float, against: str) -> None:
    """Our throughput as a multiple of the bare library's, naming the library."""
    print(f"RATIO {label:<38} {bare / ours:7.3f}x  against {against}")


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
        bare = timed("bare lxml parse (CII + UBL)", files, lambda name, data: etree.fromstring(data))
        xsd = xsd_only(files)
        print(f"{'lxml XSD validation alone (parsed trees)':<44} {len(files):>5} files "
              f"{xsd:8.2f} s")

        def read_and_sum(name, data):
            checks.arithmetic(readers.read_xml(data))

        def read_and_check(name, data):
            inv, xml, syntax, root = intake.read_any(data, name)
            checks.schema(xml, syntax, inv["profile"], schematron=False, root=root)
            checks.arithmetic(inv)
        no_xsd = timed("read + sums, no XSD, no database", files, read_and_sum)
        pure = timed("read + XSD + sums, no database", files, read_and_check)
        # the batch intake (CLI, drop folder) on the same files under other names...
        renamed = [(name, _renumber(data, i)) for i, (name, data) in enumerate(files)]
        trips = count_round_trips()
        batch = timed_batch("batch import to drafts (no Schematron)", renamed,
                            lambda: f"  round trips: {trips.stop()}")
        # The same comparison against the e-invoice parsing library of the field: drafthorse
        # reads a CII invoice into its object model (what "parsing an invoice" means; lxml
        # alone only builds the tree). UBL has no such library here, so the CII half only.
        from drafthorse.models.document import Document
        cii = [(name, data.replace(f"B-{i:06d}".encode(), f"D-{i:06d}".encode()))
               for i, (name, data) in enumerate(files) if i % 2 == 0]
        dh = timed("drafthorse Document.parse, CII half", cii,
                   lambda name, data: Document.parse(data))
        xsd_cii = xsd_only(cii)
        batch_cii = timed_batch("batch import, CII half (no Schematron)", cii)
        # ... and one file after the other, as the API's upload does
        trips = count_round_trips()
        ours = timed("import to drafts one by one (no Schematron)", files,
                     lambda name, data: intake.import_invoice_file(data, name, user="bench",
                                                                  schematron=False))
        print(f"  round trips: {trips.stop()}")
        pdfs = [(f"p{i}.pdf", facturx_pdf(cii_xml(Sample(number=f"P-{i:05d}")), "en16931"))
                for i in range(n_pdf)]
        bare_pdf = timed("bare pikepdf extract + lxml parse", pdfs,
                         lambda name, data: etree.fromstring(readers.xml_from_pdf(data)))
        xsd_pdf = xsd_only([(name, readers.xml_from_pdf(data)) for name, data in pdfs])
        batch_pdf = timed_batch("batch import PDFs to drafts (no Schematron)", pdfs)
        print("Ratios: our throughput / the bare library's on the same files (target >= 0.5x).")
        print("Ours always includes the XSD check (the intake keeps it); 'with XSD' adds lxml's")
        print("XMLSchema validation of the same files to the bare library's time.")
        ratio("read+sums (no XSD, no DB)", bare, no_xsd, "lxml parse")
        ratio("read+XSD+sums (no DB)", bare, pure, "lxml parse")
        ratio("read+XSD+sums (no DB)", bare + xsd, pure, "lxml parse + lxml XSD")
        ratio("batch import, XML", bare, batch, "lxml parse")
        ratio("batch import, XML", bare + xsd, batch, "lxml parse + lxml XSD")
        ratio("one-by-one import, XML", bare, ours, "lxml parse")
        ratio("one-by-one import, XML", bare + xsd, ours, "lxml parse + lxml XSD")
        ratio("batch import, CII half", dh, batch_cii, "drafthorse Document.parse")
        ratio("batch import, CII half", dh + xsd_cii, batch_cii,
              "drafthorse Document.parse + lxml XSD")
        ratio("batch import, Factur-X PDF", bare_pdf, batch_pdf, "pikepdf extract + lxml parse")
        ratio("batch import, Factur-X PDF", bare_pdf + xsd_pdf, batch_pdf,
              "pikepdf extract + lxml parse + lxml XSD")
        # the Schematron, reported apart (it runs in the intake by default; the bench
        # switched it off above)
        start = time.perf_counter()  # compiled once per process (services.invoicing.schematron)
        checks.schema(files[0][1], "cii", readers.read_xml(files[0][1])["profile"])
        checks.schema(files[1][1], "ubl", None)
        print(f"Schematron XSLTs compiled (CII + UBL, once per process): "
              f"{time.perf_counter() - start:.2f} s")

        def schematron(name, data):
            inv, xml, syntax, root = intake.read_any(data, name)
            checks.schema(xml, syntax, inv["profile"], root=root)
        timed("read + XSD + Schematron (compiled)", files, schematron)
    finally:
        stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)

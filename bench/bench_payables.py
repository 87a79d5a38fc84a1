"""Supplier invoice intake: N XML e-invoices (CII and UBL, 5-50 lines) and M Factur-X PDFs.

Run from the project root:
    .venv/bin/python bench/bench_payables.py [xml_invoices] [pdfs]
Not part of the test run. Starts its own embedded database unless MONGODB_URI is set.
Printed in the same run, on the same files:
- bare: lxml parsing each XML (the parsing library alone), and for PDFs pikepdf taking the
  embedded XML out plus lxml parsing it;
- import: services.payables.intake (read, XSD, sums, VAT ID, supplier match, archive the
  original, store the draft) with the Schematron switched off;
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


def timed(label: str, files, work) -> float:
    start = time.perf_counter()
    for name, data in files:
        work(name, data)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {len(files):>5} files {seconds:8.2f} s {len(files) / seconds:9.1f} /s")
    return seconds


def main(n_xml: int = 200, n_pdf: int = 20):
    from lxml import etree

    from services.payables import checks, intake, readers
    from tests.services.payables.samples import Sample, cii_xml, facturx_pdf

    rng = random.Random(15)
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
        ours = timed("import to drafts (no Schematron)", files,
                     lambda name, data: intake.import_invoice_file(data, name, user="bench",
                                                                  schematron=False))
        print(f"ratio import/bare throughput: {bare / ours:.4f}x")
        checks.schema(files[0][1], "cii", readers.read_xml(files[0][1])["profile"])  # compile once
        checks.schema(files[1][1], "ubl", None)

        def schematron(name, data):
            inv = readers.read_xml(data)
            checks.schema(data, inv["syntax"], inv["profile"])
        timed("XSD + Schematron alone (compiled)", files, schematron)
        pdfs = [(f"p{i}.pdf", facturx_pdf(cii_xml(Sample(number=f"P-{i:05d}")), "en16931"))
                for i in range(n_pdf)]
        bare_pdf = timed("bare pikepdf extract + lxml parse", pdfs,
                         lambda name, data: etree.fromstring(readers.xml_from_pdf(data)))
        ours_pdf = timed("import PDFs to drafts (no Schematron)", pdfs,
                         lambda name, data: intake.import_invoice_file(data, name, user="bench",
                                                                      schematron=False))
        print(f"ratio PDF import/bare throughput: {bare_pdf / ours_pdf:.4f}x")
    finally:
        stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)

"""Receive a supplier invoice file: read, check, archive the original, open a draft.

Crash safety without transactions: the ids of the archive record and of the invoice are
derived from the file's SHA-256, so a second run after a crash finds (or re-creates) the
same archive record and inserts the invoice once; the invoice is the last write, so a
crash before it leaves no half-made invoice, only the archived original it will use.
"""
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import mongoengine as me
from bson import ObjectId

from models.archive import ArchivedFile
from models.supplier import Supplier
from models.supplier_invoice import (Finding, HistoryStep, SupplierInvoice, SupplierInvoiceLine,
                                     VatBreakdownLine)
from services.core.messages import N_, RuleError
from services.core.once import get_or_create
from services.payables import checks, fx, readers
from services.payables.terms import parse_skonto

CATEGORY = "invoice_in"
MAX_BYTES = 25 * 1024 * 1024
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


@dataclass
class IntakeResult:
    """What happened to one file: status draft, duplicate or rejected."""

    filename: str
    status: str
    invoice: SupplierInvoice | None = None
    duplicate_of: SupplierInvoice | None = None
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    same_file: bool = False  # a duplicate because this very file was imported before


def import_invoice_file(data: bytes, filename: str, *, user: str, today: date | None = None,
                        schematron: bool = True) -> IntakeResult:
    """Import one file; never raises for a bad file (the result says why it was refused)."""
    today = today or date.today()
    sha = hashlib.sha256(data).hexdigest()
    first = SupplierInvoice.objects(sha256=sha).first()
    if first is not None:
        result = _duplicate(filename, first, N_("Diese Datei wurde bereits eingelesen"))
        result.same_file = True
        return result
    try:
        inv, xml, syntax, root = read_any(data, filename)
    except RuleError as exc:
        return IntakeResult(filename, "rejected", errors=[str(exc)])
    supplier = match_supplier(inv["seller"], inv.get("iban"))
    key = dedup_key(supplier, inv)
    first = SupplierInvoice.objects(dedup_key=key).first() if key else None
    if first is not None:
        return _duplicate(filename, first, N_("Rechnungsnummer %(no)s dieses Lieferanten ist "
                                              "bereits erfasst") % {"no": inv["number"]}, inv)
    found = run_checks(inv, xml, syntax, supplier, today, schematron=schematron, root=root)
    record = archive_original(data, filename, sha, inv.get("issue_date") or today, user)
    doc = build_invoice(inv, syntax, supplier, found, sha, key, record, filename, user)
    _match_order(doc)
    from services.payables.booking import assign_accounts
    assign_accounts(doc)  # proposals shown to the clerk; checked again at "geprüft"
    doc.attachments = [archive_attachment(att, sha, i, doc.issue_date or today, user).pk
                       for i, att in enumerate(inv.get("attachments") or [])]
    try:
        doc.save()
    except me.NotUniqueError:
        first = SupplierInvoice.objects(sha256=sha).first() or \
            SupplierInvoice.objects(dedup_key=key).first()
        return _duplicate(filename, first, N_("Diese Rechnung wurde gleichzeitig bereits "
                                              "eingelesen"), inv)
    _audit(doc, user)
    return IntakeResult(filename, "draft", invoice=doc, data=inv,
                        errors=[f.message for f in doc.findings if f.severity == "error"])


def _duplicate(filename, first, message, inv=None) -> IntakeResult:
    link = f"/payables/{first.pk}" if first else ""
    return IntakeResult(filename, "duplicate", duplicate_of=first, data=inv or {},
                        errors=[f"{message}: {first} ({link})" if first else message])


def read_any(data: bytes, filename: str) -> tuple[dict, bytes | None, str, object]:
    """Return (normalised invoice, XML or None, syntax, parsed XML tree or None) for a file.

    The XML is parsed once here; the XSD check validates the same tree (run_checks).
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    xml = None
    if head.startswith(b"<"):
        xml = data
    elif head.startswith(b"%PDF"):
        xml = readers.xml_from_pdf(data)
        if xml is None:
            return empty_invoice(), None, "document", None
    elif data.startswith(IMAGE_MAGIC):
        return empty_invoice(), None, "document", None
    if xml is not None:
        root = readers.parse_xml(xml)
        inv = readers.read_tree(root)
        return inv, xml, inv["syntax"], root
    raise RuleError(N_("Dateiformat von %(name)s wird nicht unterstützt: erwartet XML "
                       "(XRechnung, UBL), PDF (ZUGFeRD/Factur-X oder Scan) oder ein Bild"),
                    name=filename)


def empty_invoice() -> dict:
    """The dict of a document without XML: everything is typed by hand."""
    return {"syntax": "document", "profile": None, "number": None, "type_code": None,
            "kind": "invoice", "issue_date": None, "notes": [], "currency": "EUR",
            "buyer_reference": None, "order_ref": None, "seller": {}, "buyer": {},
            "delivery_date": None, "period_start": None, "period_end": None, "iban": None,
            "payment_reference": None, "payment_terms": None, "due_date": None, "lines": [],
            "vat_breakdown": [], "allowances": Decimal(0), "charges": Decimal(0),
            "line_total": None, "allowance_total": None, "charge_total": None,
            "net_total": None, "vat_total": None, "gross_total": None, "prepaid": None,
            "amount_due": None, "attachments": []}


def match_supplier(seller: dict, iban: str | None) -> Supplier | None:
    """Find the supplier by VAT ID, then IBAN, then tax number, then name + postal code."""
    seller = seller or {}
    tries = []
    if seller.get("vat_id"):
        tries.append({"vat_id": seller["vat_id"].replace(" ", "").upper()})
    if iban:
        tries.append({"iban": iban.replace(" ", "").upper()})
    if seller.get("tax_number"):
        tries.append({"tax_number": seller["tax_number"].strip()})
    if seller.get("name") and seller.get("postal_code"):
        tries.append({"name": seller["name"].strip(), "postal_code": seller["postal_code"].strip()})
    for query in tries:
        hit = Supplier.objects(**query).first()
        if hit is not None:
            return hit
    return None


def dedup_key(supplier: Supplier | None, inv: dict) -> str | None:
    """Supplier + invoice number, the key that refuses a second capture of one invoice."""
    number = (inv.get("number") or "").strip().upper()
    if not number:
        return None
    seller = inv.get("seller") or {}
    who = str(supplier.pk) if supplier else (seller.get("vat_id") or seller.get("name") or "").upper()
    return f"{who}|{number}" if who else None


def run_checks(inv, xml, syntax, supplier, today, *, schematron=True,
               period_closed=None, root=None) -> list[Finding]:
    """Every check of the intake as Finding documents (`period_closed`: a cached look-up).

    `root`: the XML already parsed by read_any, validated as it is (not parsed again).
    """
    from services.ledger.posting import is_period_closed

    is_period_closed = period_closed or is_period_closed
    found = []
    if syntax == "document":
        found.append(checks.Check("MANUAL", N_("Keine strukturierten Rechnungsdaten: bitte "
                                               "Rechnung nach dem Beleg erfassen"), "warning"))
    else:
        found += checks.schema(xml, syntax, inv.get("profile"), schematron=schematron,
                               root=root)
        found += checks.arithmetic(inv)
        found += checks.vat_id(inv)
        found += checks.dates(inv, today, is_period_closed)
        if readers.is_document_only(inv):
            found.append(checks.Check("PROFILE", N_("Profil MINIMUM/BASIC WL bzw. ohne "
                                                    "Positionen ist keine vollständige Rechnung "
                                                    "(§ 14 UStG): Positionen bitte von Hand "
                                                    "erfassen"), "warning"))
    found += checks.iban(inv, supplier.iban if supplier else None)
    foreign = fx.intake_note(inv)  # the currency decision (§ 16 Abs. 6 UStG)
    if foreign is not None:
        found.append(checks.Check("FX", *foreign))
    return [Finding(code=c.code, message=c.message, severity=c.severity) for c in found]


def archive_original(data: bytes, filename: str, sha: str, day: date, user: str) -> ArchivedFile:
    """Archive the unchanged original under an id derived from its hash (repeat-safe)."""
    from services.archive.store import archive_file

    record_id = ObjectId(sha[24:48])
    return get_or_create(ArchivedFile, record_id, lambda: archive_file(
        io.BytesIO(data), filename or "rechnung", category=CATEGORY, document_date=day,
        uploaded_by=user, max_bytes=MAX_BYTES, description="Eingangsrechnung (Original)",
        record_id=record_id))


def archive_attachment(att: dict, sha: str, index: int, day: date, user: str) -> ArchivedFile:
    """Archive one BG-24 attachment of the XML (id derived from the invoice hash and index)."""
    from services.archive.store import archive_file

    record_id = _attachment_id(sha, index)
    return get_or_create(ArchivedFile, record_id, lambda: archive_file(
        io.BytesIO(att["data"]), att["filename"], category=CATEGORY, document_date=day,
        uploaded_by=user, max_bytes=MAX_BYTES,
        description=f"Anlage zur Eingangsrechnung: {att.get('id') or ''}", record_id=record_id))


def _match_order(doc: SupplierInvoice, orders=None) -> None:
    """Link the purchase order and note each deviation as a warning."""
    from services.payables.matching import match_invoice

    result = match_invoice(doc, orders=orders)
    if result.order is None:
        return
    doc.purchase_order = result.order.pk
    doc.po_deviations = result.deviations
    doc.findings += [Finding(code="PO-MATCH", message=text, severity="warning")
                     for text in result.deviations]


def _money(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def build_invoice(inv, syntax, supplier, found, sha, key, record, filename, user) -> SupplierInvoice:
    """The draft document from the normalised dict (not saved)."""
    seller = {k: v for k, v in (inv.get("seller") or {}).items() if v}
    skonto = parse_skonto(inv.get("payment_terms"), inv.get("issue_date"), inv.get("amount_due"))
    doc = SupplierInvoice(
        id=ObjectId(sha[:24]), kind=inv["kind"], source_format=syntax, profile=inv.get("profile"),
        manual_lines_required=syntax == "document" or readers.is_document_only(inv),
        number=inv.get("number"), type_code=inv.get("type_code"), issue_date=inv.get("issue_date"),
        currency=(inv.get("currency") or "EUR").upper(), supplier=supplier, supplier_data=seller,
        tax_currency=(inv.get("tax_currency") or "").upper() or None,
        vat_total_tax_currency=_money(inv.get("vat_total_tax_currency")),
        supplier_proposed=supplier is None and bool(seller), buyer_reference=inv.get("buyer_reference"),
        order_ref=inv.get("order_ref"), delivery_date=inv.get("delivery_date"),
        period_start=inv.get("period_start"), period_end=inv.get("period_end"),
        lines=[SupplierInvoiceLine(
            line_id=ln["line_id"], description=(ln["description"] or "")[:500], quantity=ln["quantity"],
            unit=ln["unit"], unit_price=ln["unit_price"], net_amount=_money(ln["net_amount"] or 0),
            vat_category=ln["vat_category"] or "S", vat_rate=ln["vat_rate"] or Decimal(0),
            order_line_ref=ln["order_line_ref"]) for ln in inv["lines"]],
        vat_breakdown=[VatBreakdownLine(category=row["category"] or "S", rate=row["rate"],
                                        base=_money(row["base"] or 0), amount=_money(row["amount"] or 0))
                       for row in inv["vat_breakdown"]],
        line_total=_money(inv.get("line_total")),
        allowance_total=_money(inv.get("allowance_total")) or Decimal("0.00"),
        charge_total=_money(inv.get("charge_total")) or Decimal("0.00"),
        net_total=_money(inv.get("net_total")), vat_total=_money(inv.get("vat_total")),
        gross_total=_money(inv.get("gross_total")), prepaid=_money(inv.get("prepaid")) or Decimal("0.00"),
        amount_due=_money(inv.get("amount_due")), due_date=inv.get("due_date"),
        payment_terms=inv.get("payment_terms"), iban=(inv.get("iban") or "").replace(" ", "") or None,
        payment_reference=inv.get("payment_reference"), notes=inv.get("notes") or [],
        findings=found, schematron_checked=syntax == "cii",
        iban_mismatch=any(f.code == "IBAN-CHANGED" for f in found),
        source_file=record.pk, source_filename=filename, sha256=sha, dedup_key=key,
        captured_by=user, end_to_end_ref=f"ER-{sha[:12].upper()}",
        history=[HistoryStep(user=user, action="captured", note=filename)])
    if skonto:
        doc.skonto_days, doc.skonto_percent = skonto.days, skonto.percent
        doc.skonto_until, doc.skonto_amount = skonto.until, skonto.amount
    if doc.due_date is None and doc.issue_date and supplier is not None:
        from datetime import timedelta
        doc.due_date = doc.issue_date + timedelta(days=supplier.payment_terms_days or 0)
    return doc


def _audit(doc: SupplierInvoice, user: str) -> None:
    from services.payables.history import audit

    audit(doc, user, "create", {"status": (None, doc.status), "number": (None, doc.number)})


# ------------------------------------------------------------------ batch intake

BATCH_FILES = 100  # files read, checked and written together
BATCH_BYTES = 64 * 1024 * 1024  # ... and at most this much content at once


def import_files(paths, *, user: str, today: date | None = None, schematron: bool = True,
                 on_result=None) -> list[IntakeResult]:
    """Import many files (CLI, drop folder) in batches; one result per path, in order.

    `on_result(path, result)` is called after each batch for its files, e.g. to print
    them or move them, so a long run shows progress and a crash keeps what landed.
    """
    from pathlib import Path

    results, batch, size = [], [], 0

    def flush():
        nonlocal batch, size
        done = import_batch([(data, Path(p).name) for p, data in batch], user=user,
                            today=today, schematron=schematron)
        for (p, _), result in zip(batch, done):
            results.append(result)
            if on_result is not None:
                on_result(p, result)
        batch, size = [], 0

    for path in paths:
        data = Path(path).read_bytes()
        if batch and (len(batch) >= BATCH_FILES or size + len(data) > BATCH_BYTES):
            flush()
        batch.append((path, data))
        size += len(data)
    if batch:
        flush()
    return results


@dataclass
class _Item:
    """One file on its way through a batch."""

    filename: str
    data: bytes
    sha: str
    result: IntakeResult | None = None
    inv: dict | None = None
    xml: bytes | None = None
    root: object = None  # the parsed XML, shared by the reader and the XSD check
    syntax: str | None = None
    supplier: Supplier | None = None
    key: str | None = None
    doc: SupplierInvoice | None = None
    first: "_Item | None" = None  # an earlier file of this batch it repeats


def import_batch(files: list[tuple[bytes, str]], *, user: str, today: date | None = None,
                 schematron: bool = True) -> list[IntakeResult]:
    """Import several files with the rules of `import_invoice_file`, reading and writing per batch.

    Round trips per batch instead of per file: one `$in` look-up of the hashes, up to four
    of suppliers (VAT ID, IBAN, tax number, name), one of the duplicate keys, one of the
    suppliers' purchase orders, the archive's batch write (services.archive.store.archive_many),
    one insert of all drafts and one of their audit entries. Crash safety as for one file:
    ids derive from each file's hash, the archive is written before the drafts and the
    drafts with one unordered insert against the unique hash and duplicate-key indexes, so
    a repeat after a crash finds what landed as "already read" and writes the rest once.
    A file that repeats an earlier file of the batch (same hash, or same supplier and
    number) is a duplicate of that one, as if the files had been imported one by one.
    """
    today = today or date.today()
    items = [_Item(name, data, hashlib.sha256(data).hexdigest()) for data, name in files]
    _refuse_known_files(items)
    for item in items:
        if item.result is None and item.first is None:
            try:
                item.inv, item.xml, item.syntax, item.root = read_any(item.data, item.filename)
            except RuleError as exc:
                item.result = IntakeResult(item.filename, "rejected", errors=[str(exc)])
    live = [i for i in items if i.result is None and i.first is None]
    _match_suppliers(live)
    _refuse_known_keys(live)
    live = [i for i in live if i.result is None and i.first is None]
    _build_drafts(live, user, today, schematron)
    _archive_originals(live, user, today)
    _insert_drafts([i for i in live if i.result is None])
    _audit_many([i.doc for i in live if i.result is not None and i.result.status == "draft"], user)
    return [_settle_repeat(i, user, today, schematron) for i in items]


def _refuse_known_files(items: list[_Item]) -> None:
    """Files imported before (one `$in` on the hash) and files repeated within the batch."""
    known = {inv.sha256: inv for inv in SupplierInvoice.objects(
        sha256__in=sorted({i.sha for i in items}))}
    seen = {}
    for item in items:
        if item.sha in known:
            item.result = _duplicate(item.filename, known[item.sha],
                                     N_("Diese Datei wurde bereits eingelesen"))
            item.result.same_file = True
        elif item.sha in seen:
            item.first = seen[item.sha]
        else:
            seen[item.sha] = item


def _norm(value: str | None) -> str:
    return (value or "").replace(" ", "").upper()


def _match_suppliers(items: list[_Item]) -> None:
    """`match_supplier` for the batch: per rule one `$in` look-up for the files still unmatched."""
    rules = (
        ("vat_id", lambda i: _norm((i.inv["seller"] or {}).get("vat_id")) or None),
        ("iban", lambda i: _norm(i.inv.get("iban")) or None),
        ("tax_number", lambda i: ((i.inv["seller"] or {}).get("tax_number") or "").strip() or None),
    )
    todo = list(items)
    for field_name, value_of in rules:
        wanted = {value_of(i) for i in todo} - {None}
        if not wanted:
            continue
        hits = {}
        for supplier in Supplier.objects(**{f"{field_name}__in": sorted(wanted)}):  # by name
            hits.setdefault(getattr(supplier, field_name), supplier)
        for item in todo:
            item.supplier = hits.get(value_of(item))
        todo = [i for i in todo if i.supplier is None]

    def name_and_code(item):
        seller = item.inv["seller"] or {}
        if seller.get("name") and seller.get("postal_code"):
            return seller["name"].strip(), seller["postal_code"].strip()
        return None
    wanted = {name_and_code(i) for i in todo} - {None}
    if wanted:
        hits = {}
        for supplier in Supplier.objects(name__in=sorted({n for n, _ in wanted})):
            hits.setdefault((supplier.name, supplier.postal_code), supplier)
        for item in todo:
            item.supplier = hits.get(name_and_code(item))


def _refuse_known_keys(items: list[_Item]) -> None:
    """Supplier + number captured before (one `$in`), or earlier in this batch."""
    for item in items:
        item.key = dedup_key(item.supplier, item.inv)
    keys = sorted({i.key for i in items if i.key})
    known = {inv.dedup_key: inv for inv in SupplierInvoice.objects(dedup_key__in=keys)} if keys else {}
    seen = {}
    for item in items:
        if not item.key:
            continue
        if item.key in known:
            item.result = _duplicate(item.filename, known[item.key],
                                     N_("Rechnungsnummer %(no)s dieses Lieferanten ist "
                                        "bereits erfasst") % {"no": item.inv["number"]}, item.inv)
        elif item.key in seen:
            item.first = seen[item.key]
        else:
            seen[item.key] = item


def _build_drafts(items: list[_Item], user: str, today: date, schematron: bool) -> None:
    """Checks, draft document, purchase order and account proposals, from data read per batch."""
    from models.purchase_order import PurchaseOrder
    from services.ledger.posting import is_period_closed
    from services.payables.booking import _last_booking_account, assign_accounts

    closed, last = {}, {}

    def period_closed(day):
        if (day.year, day.month) not in closed:
            closed[day.year, day.month] = is_period_closed(day)
        return closed[day.year, day.month]

    def last_booking(inv):
        if inv.supplier is None:
            return None
        if inv.supplier.pk not in last:
            last[inv.supplier.pk] = _last_booking_account(inv)
        return last[inv.supplier.pk]

    suppliers = sorted({i.supplier.pk for i in items if i.supplier is not None})
    orders = {pk: [] for pk in suppliers}
    if suppliers:
        for order in PurchaseOrder.objects(supplier__in=suppliers,
                                           status__ne="cancelled").no_dereference():
            ref = order._data["supplier"]
            orders[getattr(ref, "id", ref)].append(order)
    for item in items:
        found = run_checks(item.inv, item.xml, item.syntax, item.supplier, today,
                           schematron=schematron, period_closed=period_closed, root=item.root)
        record_id = ObjectId(item.sha[24:48])
        doc = build_invoice(item.inv, item.syntax, item.supplier, found, item.sha, item.key,
                            _RecordRef(record_id), item.filename, user)
        mine = orders.get(item.supplier.pk, []) if item.supplier is not None else None
        _match_order(doc, mine)
        order = next((o for o in mine or () if o.pk == doc.purchase_order), None)
        assign_accounts(doc, order=order, last_booking=last_booking)
        item.doc = doc


@dataclass
class _RecordRef:
    """The archive record's id before it is written (build_invoice needs only its pk)."""

    pk: ObjectId


def _attachment_id(sha: str, index: int) -> ObjectId:
    return ObjectId(hashlib.sha256(f"{sha}:{index}".encode()).hexdigest()[:24])


def _archive_originals(items: list[_Item], user: str, today: date) -> None:
    """The originals and their BG-24 attachments, archived in one batch before the drafts."""
    from services.archive.store import archive_many

    wanted = []
    for item in items:
        day = item.doc.issue_date or today
        wanted.append({"data": item.data, "filename": item.filename or "rechnung",
                       "document_date": item.inv.get("issue_date") or today,
                       "description": "Eingangsrechnung (Original)",
                       "record_id": ObjectId(item.sha[24:48])})
        for index, att in enumerate(item.inv.get("attachments") or []):
            wanted.append({"data": att["data"], "filename": att["filename"], "document_date": day,
                           "description": f"Anlage zur Eingangsrechnung: {att.get('id') or ''}",
                           "record_id": _attachment_id(item.sha, index)})
    stored = archive_many(wanted, category=CATEGORY, uploaded_by=user, max_bytes=MAX_BYTES)
    for item in items:
        ids = [ObjectId(item.sha[24:48])] + [_attachment_id(item.sha, n) for n in
                                            range(len(item.inv.get("attachments") or []))]
        refused = [str(stored[i]) for i in ids if not isinstance(stored.get(i), ArchivedFile)]
        if refused:
            item.result = IntakeResult(item.filename, "rejected", data=item.inv, errors=refused)
        else:
            item.doc.attachments = ids[1:]


def _insert_drafts(items: list[_Item]) -> None:
    """All drafts of the batch in one unordered insert; the unique indexes refuse repeats."""
    from pymongo.errors import BulkWriteError

    ready = []
    for item in items:
        try:
            item.doc.validate()
        except me.ValidationError as exc:
            item.result = IntakeResult(item.filename, "rejected", data=item.inv, errors=[str(exc)])
            continue
        ready.append(item)
    if not ready:
        return
    failed = {}
    try:
        SupplierInvoice._get_collection().insert_many([i.doc.to_mongo() for i in ready],
                                                      ordered=False)
    except BulkWriteError as exc:
        for error in exc.details.get("writeErrors", []):
            if error.get("code") != 11000:
                raise
            failed[error["index"]] = ready[error["index"]]
    if failed:  # a parallel import of the same file or number was quicker
        items_failed = list(failed.values())
        firsts = list(SupplierInvoice.objects(sha256__in=[i.sha for i in items_failed])) + list(
            SupplierInvoice.objects(dedup_key__in=[i.key for i in items_failed if i.key]))
        for item in items_failed:
            first = next((f for f in firsts if f.sha256 == item.sha), None) or next(
                (f for f in firsts if item.key and f.dedup_key == item.key), None)
            item.result = _duplicate(item.filename, first, N_("Diese Rechnung wurde gleichzeitig "
                                                              "bereits eingelesen"), item.inv)
    for n, item in enumerate(ready):
        if n in failed:
            continue
        item.doc._created = False  # a later save() updates it (changes set since: same values)
        item.doc._changed_fields = []
        item.result = IntakeResult(item.filename, "draft", invoice=item.doc, data=item.inv,
                                   errors=[f.message for f in item.doc.findings
                                           if f.severity == "error"])


def _audit_many(docs: list[SupplierInvoice], user: str) -> None:
    """The audit entries of the new drafts, as `_audit` writes them one by one."""
    from models.audit import AuditEntry, FieldChange

    if not docs:
        return
    entries = [AuditEntry(user=user, action="create", collection="supplier_invoices",
                          document_id=str(doc.pk), label=str(doc)[:200],
                          changes=[FieldChange(field="status", old=None, new=str(doc.status)),
                                   FieldChange(field="number", old=None,
                                               new=None if doc.number is None else str(doc.number))])
               for doc in docs]
    AuditEntry._get_collection().insert_many([e.to_mongo() for e in entries], ordered=False)


def _settle_repeat(item: _Item, user, today, schematron) -> IntakeResult:
    """A file that repeats an earlier one of the batch: a duplicate of it, or its own outcome."""
    if item.first is None:
        return item.result
    first = item.first.result
    if first is not None and first.status == "draft":
        if item.sha == item.first.sha:
            result = _duplicate(item.filename, first.invoice, N_("Diese Datei wurde bereits "
                                                                 "eingelesen"))
            result.same_file = True
            return result
        return _duplicate(item.filename, first.invoice, N_("Rechnungsnummer %(no)s dieses "
                                                           "Lieferanten ist bereits erfasst")
                          % {"no": item.inv["number"]}, item.inv)
    # the earlier file did not land: this one goes its own way, as it would alone
    return import_invoice_file(item.data, item.filename, user=user, today=today,
                               schematron=schematron)

"""Write the DATEV hand-off for a period: Buchungsstapel and Debitoren/Kreditoren, recorded.

The booking file is streamed: entries are read from the database in batches and each
line is written as soon as it is built, so memory stays flat however many bookings the
period holds (bench/bench_datev.py measures it). Every export is recorded; an export
whose period overlaps one that went out before is marked as a re-export (in the record
and in the file's title) so the tax advisor does not import the same bookings twice.
"""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

from models.company import Company
from models.customer import Customer
from models.datev_export import DatevExport
from models.invoice import Invoice
from models.ledger import JournalEntry
from models.supplier import Supplier
from services.core.messages import N_, RuleError
from services.ledger import datev
from services.ledger.charts import DEFAULT_CHART, chart_in_use
from services.ledger.personal_accounts import assign_personal_account

BATCH = 1000


@dataclass
class ExportResult:
    path: Path
    rows: int
    re_export: bool
    record: DatevExport


def export_period(date_from: date, date_to: date, directory: Path, user: str) -> list[ExportResult]:
    """Write both files of a period into `directory`; return what was written."""
    return [export_bookings(date_from, date_to, directory, user),
            export_master_data(directory, user)]


def export_bookings(date_from: date, date_to: date, directory: Path, user: str) -> ExportResult:
    """Write the Buchungsstapel of the posted entries dated in [date_from, date_to]."""
    company = _company()
    fy_start = _fiscal_year_start(company, date_from)
    if date_from > date_to or _fiscal_year_start(company, date_to) != fy_start:
        raise RuleError(N_("Der Zeitraum muss in einem Wirtschaftsjahr liegen und darf "
                           "nicht vor seinem Beginn enden."))
    repeated = DatevExport.objects(kind="bookings", date_from__lte=date_to,
                                   date_to__gte=date_from).first() is not None
    title = ("Wiederholung " if repeated else "Buchungen ") + \
        f"{date_from:%d.%m.}-{date_to:%d.%m.%Y}"  # at most 30 characters
    path = Path(directory) / f"EXTF_Buchungsstapel_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv"
    header = _header(company, "bookings", fy_start, user, date_from, date_to, title)
    chart = chart_in_use() or DEFAULT_CHART
    rows, digest = _write(path, header, _booking_rows(date_from, date_to, chart))
    record = DatevExport(kind="bookings", date_from=date_from, date_to=date_to,
                         filename=path.name, rows=rows, sha256=digest, re_export=repeated,
                         user=user).save()
    return ExportResult(path, rows, repeated, record)


def export_master_data(directory: Path, user: str) -> ExportResult:
    """Write the Debitoren/Kreditoren file of every customer and supplier."""
    company = _company()
    today = date.today()
    header = _header(company, "master_data", _fiscal_year_start(company, today), user)
    path = Path(directory) / "EXTF_Debitoren_Kreditoren.csv"
    rows, digest = _write(path, header, _party_rows())
    repeated = DatevExport.objects(kind="master_data").first() is not None
    record = DatevExport(kind="master_data", filename=path.name, rows=rows, sha256=digest,
                         re_export=repeated, user=user).save()
    return ExportResult(path, rows, repeated, record)


def _write(path: Path, header: datev.Header, rows) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for text in (datev.header_line(header), datev.column_line(header.kind)):
            data = text.encode(datev.ENCODING, errors="replace")
            out.write(data)
            digest.update(data)
        for text in rows:
            data = text.encode(datev.ENCODING, errors="replace")
            out.write(data)
            digest.update(data)
            count += 1
    return count, digest.hexdigest()


def _booking_rows(date_from: date, date_to: date, chart: str):
    """DATEV lines of the period's posted entries in date order, batch by batch."""
    cursor = JournalEntry._get_collection().find(
        {"status": "posted", "date": {"$gte": datetime.combine(date_from, time()),
                                      "$lte": datetime.combine(date_to, time())}},
        {"date": 1, "number": 1, "text": 1, "voucher_ref": 1, "lines": 1},
        batch_size=BATCH).sort("date", 1)  # one indexed field: sorted by the database
    batch = []
    for doc in cursor:
        batch.append(doc)
        if len(batch) == BATCH:
            yield from _rows_of(batch, chart)
            batch = []
    yield from _rows_of(batch, chart)


def _rows_of(docs: list[dict], chart: str):
    links = _voucher_links({doc.get("voucher_ref") for doc in docs} - {None, ""})
    for doc in docs:
        day = doc["date"].date()
        voucher = doc.get("voucher_ref") or str(doc["number"])
        link = links.get(doc.get("voucher_ref") or "", "")
        for line in datev.split_entry(doc["lines"], chart):
            yield datev.booking_row(line, day, voucher, doc["text"], link)


def _voucher_links(refs: set[str]) -> dict[str, str]:
    """Beleglink: the archived PDF of the invoice a voucher number names."""
    if not refs:
        return {}
    found = Invoice._get_collection().find({"number": {"$in": sorted(refs)}},
                                           {"number": 1, "pdf_file": 1})
    return {doc["number"]: f"/archive/{doc['pdf_file']}/download"
            for doc in found if doc.get("pdf_file")}


def _party_rows():
    for document in (Customer, Supplier):
        for party in document.objects.order_by("name"):
            account = assign_personal_account(party)
            yield datev.party_row(account, party.name, street=party.street or "",
                                  postal_code=party.postal_code or "", city=party.city or "",
                                  country=party.country or "", vat_id=party.vat_id or "",
                                  email=party.email or "",
                                  iban=getattr(party, "iban", None) or "")


def _company() -> Company:
    company = Company.current()
    if company is None or not company.datev_consultant_no or not company.datev_client_no:
        raise RuleError(N_("Für den DATEV-Export fehlen Berater- und Mandantennummer; "
                           "tragen Sie sie in den Firmendaten ein."))
    return company


def _fiscal_year_start(company: Company, day: date) -> date:
    month = company.fiscal_year_start_month or 1
    year = day.year if day.month >= month else day.year - 1
    return date(year, month, 1)


def _header(company, kind, fy_start, user, date_from=None, date_to=None, title=""):
    return datev.Header(kind=kind, created=datetime.now(timezone.utc), user=user,
                        consultant_no=company.datev_consultant_no,
                        client_no=company.datev_client_no, fiscal_year_start=fy_start,
                        account_length=company.gl_account_length or 4,
                        date_from=date_from, date_to=date_to, title=title,
                        chart=chart_in_use() or DEFAULT_CHART)

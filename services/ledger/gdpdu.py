"""Z3 data access for tax auditors: a fiscal year's books as GDPdU export.

Accounts, journal, customers, suppliers and the invoice sub-ledger (invoices and their
VAT per code, with category and UStVA Kennzahl).

Writes CSV files (';', decimal comma, CRLF, UTF-8, no header row) and an `index.xml`
after the GDPdU "Beschreibungsstandard" (DTD gdpdu-01-09-2004.dtd) that describes
every column, so IDEA and similar auditor tools can read them without guessing; the
DTD itself is written next to index.xml.
"""
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

from models.company import Company
from models.customer import Customer
from models.invoice import Invoice
from models.ledger import Account, JournalEntry
from models.supplier import Supplier
from services.core.csv_safe import writer as csv_writer

DTD = "gdpdu-01-09-2004.dtd"
DTD_FILE = Path(__file__).resolve().parent / DTD
CRLF_MARK = "@@CRLF@@"  # written as character references: a parser would fold a raw CR LF


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "money", "int" or "date"
    description: str = ""


ACCOUNT_COLUMNS = (Column("Kontonummer", "text", "Kontonummer (Primärschlüssel)"),
                   Column("Bezeichnung", "text"), Column("Kontoart", "text"),
                   Column("Steuerschluessel", "text"), Column("Kontenrahmen", "text"),
                   Column("Aktiv", "text", "J = aktiv, N = gesperrt"))
JOURNAL_COLUMNS = (Column("Buchungsnummer", "int", "fortlaufend je Geschäftsjahr"),
                   Column("Zeile", "int", "Zeile innerhalb der Buchung"),
                   Column("Belegdatum", "date"), Column("Buchungstext", "text"),
                   Column("Belegnummer", "text"), Column("Kontonummer", "text"),
                   Column("Soll", "money"), Column("Haben", "money"),
                   Column("Steuerschluessel", "text"), Column("Herkunft", "text"),
                   Column("Storno_von_Buchung", "text"),
                   Column("Erfasst_von", "text"), Column("Festgeschrieben_am", "text"),
                   Column("Hash", "text", "SHA-256, verkettet mit der Vorbuchung"))


CUSTOMER_COLUMNS = (Column("Kundennummer", "text", "Debitor (Primärschlüssel)"),
                    Column("Name", "text"), Column("Strasse", "text"), Column("PLZ", "text"),
                    Column("Ort", "text"), Column("Land", "text"), Column("USt_IdNr", "text"),
                    Column("Leitweg_ID", "text"), Column("Aktiv", "text", "J / N"))
SUPPLIER_COLUMNS = (Column("Lieferantennummer", "text", "Kreditor (Primärschlüssel)"),
                    Column("Name", "text"), Column("Strasse", "text"), Column("PLZ", "text"),
                    Column("Ort", "text"), Column("Land", "text"), Column("USt_IdNr", "text"),
                    Column("IBAN", "text"), Column("Aktiv", "text", "J / N"))
INVOICE_COLUMNS = (Column("Rechnungsnummer", "text", "Ausgangsrechnung oder Stornorechnung"),
                   Column("Art", "text", "Rechnung / Stornorechnung"),
                   Column("Rechnungsdatum", "date"), Column("Leistungsdatum", "date"),
                   Column("Kundennummer", "text"), Column("Kunde", "text"),
                   Column("Netto", "money"), Column("Umsatzsteuer", "money"),
                   Column("Brutto", "money"), Column("Bezahlt", "money"),
                   Column("Status", "text"), Column("Storniert_durch", "text"),
                   Column("Storno_von", "text"), Column("Faellig", "date"))
INVOICE_TAX_COLUMNS = (Column("Rechnungsnummer", "text"), Column("Steuercode", "text"),
                       Column("Kategorie", "text", "EN 16931 USt-Kategorie (S, Z, E, AE, K, G, O)"),
                       Column("Steuersatz", "money"), Column("Netto", "money"),
                       Column("Umsatzsteuer", "money"),
                       Column("UStVA_Kennzahl", "text", "Kennzahl der Bemessungsgrundlage"),
                       Column("Befreiungsgrund", "text"))
TABLES = (
    # file, name, description, columns, primary key columns, foreign key
    ("accounts.csv", "Konten", "Kontenplan", ACCOUNT_COLUMNS, 1, None),
    ("journal.csv", "Buchungen", "Journal: eine Zeile je Buchungszeile", JOURNAL_COLUMNS, 2,
     ("Kontonummer", "Konten")),
    ("customers.csv", "Kunden", "Debitoren-Stammdaten", CUSTOMER_COLUMNS, 1, None),
    ("suppliers.csv", "Lieferanten", "Kreditoren-Stammdaten", SUPPLIER_COLUMNS, 1, None),
    ("invoices.csv", "Ausgangsrechnungen", "Debitoren-Nebenbuch: Rechnungen und "
     "Stornorechnungen des Jahres mit Zahlungsstand", INVOICE_COLUMNS, 1,
     ("Kundennummer", "Kunden")),
    ("invoice_taxes.csv", "Rechnungssteuern", "Umsatzsteuer je Rechnung und Steuercode",
     INVOICE_TAX_COLUMNS, 2, ("Rechnungsnummer", "Ausgangsrechnungen")),
)


def export_gdpdu(year: int, target: Path) -> dict[str, int]:
    """Write the year's tables as CSV, index.xml and its DTD; return rows per file."""
    target.mkdir(parents=True, exist_ok=True)
    invoices = list(Invoice.objects(status__in=("issued", "paid", "cancelled"),
                                    issue_date__gte=date(year, 1, 1),
                                    issue_date__lte=date(year, 12, 31)).order_by("number"))
    rows = {"accounts.csv": _account_rows(), "journal.csv": _journal_rows(year),
            "customers.csv": _customer_rows(), "suppliers.csv": _supplier_rows(),
            "invoices.csv": _invoice_rows(invoices), "invoice_taxes.csv": _tax_rows(invoices)}
    counts = {name: _write(target / name, rows[name]) for name, *_ in TABLES}
    _write_index(target / "index.xml", year)
    shutil.copyfile(DTD_FILE, target / DTD)
    return counts


def _customer_rows():
    for c in Customer.objects.order_by("customer_no"):
        yield [c.customer_no, c.name, c.street or "", c.postal_code or "", c.city or "",
               c.country or "", c.vat_id or "", c.leitweg_id or "", "J" if c.active else "N"]


def _supplier_rows():
    for s in Supplier.objects.order_by("supplier_no"):
        yield [s.supplier_no, s.name, s.street or "", s.postal_code or "", s.city or "",
               s.country or "", s.vat_id or "", s.iban or "", "J" if s.active else "N"]


def _invoice_rows(invoices):
    numbers = {inv.pk: inv.number for inv in invoices}
    for inv in invoices:
        yield [inv.number, "Stornorechnung" if inv.kind == "credit_note" else "Rechnung",
               _de(inv.issue_date), _de(inv.service_date), inv.recipient.get("customer_no", ""),
               inv.recipient.get("name", ""), _money(inv.net_total), _money(inv.vat_total),
               _money(inv.gross_total), _money(inv.paid_total), inv.status,
               numbers.get(inv.cancelled_by, "") if inv.cancelled_by else "",
               numbers.get(inv.cancels, "") if inv.cancels else "", _de(inv.due_date)]


def _tax_rows(invoices):
    for inv in invoices:
        for tax in inv.tax_lines:
            yield [inv.number, tax.rate_code, tax.category or "", _money(tax.rate),
                   _money(tax.net), _money(tax.vat), tax.ustva_kz or "",
                   tax.exemption_reason or ""]


def _de(day) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _money(value) -> str:
    return f"{value or 0:.2f}".replace(".", ",")


def _account_rows():
    for acc in Account.objects.order_by("number"):
        yield [acc.number, acc.name, acc.type, acc.vat_key or "", acc.chart,
               "J" if acc.active else "N"]


def _journal_rows(year: int):
    numbers = {}
    cursor = JournalEntry._get_collection().find(
        {"fiscal_year": year, "status": "posted"}).sort("number", 1)
    for doc in cursor:
        numbers[doc["_id"]] = doc["number"]
        reversed_no = numbers.get(doc.get("reversal_of"), "") if doc.get("reversal_of") else ""
        if doc.get("reversal_of") and not reversed_no:
            original = JournalEntry._get_collection().find_one(
                {"_id": doc["reversal_of"]}, {"number": 1, "fiscal_year": 1})
            reversed_no = f"{original['fiscal_year']}/{original['number']}" if original else "?"
        for i, line in enumerate(doc["lines"], start=1):
            yield [doc["number"], i, doc["date"].strftime("%d.%m.%Y"), doc["text"],
                   doc.get("voucher_ref") or "", line["account"],
                   _cents(line.get("debit")), _cents(line.get("credit")),
                   line.get("tax_key") or "", doc.get("source") or "", reversed_no,
                   doc.get("posted_by") or "", doc["posted_at"].strftime("%d.%m.%Y %H:%M:%S"),
                   doc["hash"]]


def _write(path: Path, rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh)  # an auditor opens these in a spreadsheet, too
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _cents(value) -> str:
    cents = int(value or 0)
    return f"{cents // 100},{cents % 100:02d}"


def _write_index(path: Path, year: int) -> None:
    company = Company.current()
    root = ET.Element("DataSet")
    ET.SubElement(root, "Version").text = "1.0"
    supplier = ET.SubElement(root, "DataSupplier")
    ET.SubElement(supplier, "Name").text = company.name if company else "Backoffice"
    ET.SubElement(supplier, "Location").text = (
        f"{company.street}, {company.postal_code} {company.city}" if company else "")
    ET.SubElement(supplier, "Comment").text = f"Buchhaltung Geschäftsjahr {year}, Backoffice"
    media = ET.SubElement(root, "Media")
    ET.SubElement(media, "Name").text = f"Geschäftsjahr {year}"
    for url, name, description, columns, keys, foreign_key in TABLES:
        _table(media, url, name, description, columns, year, keys, foreign_key)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode").replace(CRLF_MARK, "&#13;&#10;")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<!DOCTYPE DataSet SYSTEM "{DTD}">\n{body}\n', encoding="utf-8")


def _table(media, url, name, description, columns, year, keys, foreign_key) -> None:
    table = ET.SubElement(media, "Table")
    ET.SubElement(table, "URL").text = url
    ET.SubElement(table, "Name").text = name
    ET.SubElement(table, "Description").text = description
    validity = ET.SubElement(ET.SubElement(table, "Validity"), "Range")
    ET.SubElement(validity, "From").text = date(year, 1, 1).strftime("%d.%m.%Y")
    ET.SubElement(validity, "To").text = date(year, 12, 31).strftime("%d.%m.%Y")
    ET.SubElement(table, "UTF8")
    ET.SubElement(table, "DecimalSymbol").text = ","
    ET.SubElement(table, "DigitGroupingSymbol").text = "."
    layout = ET.SubElement(table, "VariableLength")
    ET.SubElement(layout, "ColumnDelimiter").text = ";"
    ET.SubElement(layout, "RecordDelimiter").text = CRLF_MARK
    ET.SubElement(layout, "TextEncapsulator").text = '"'
    for i, column in enumerate(columns):
        tag = "VariablePrimaryKey" if i < keys else "VariableColumn"
        _column(ET.SubElement(layout, tag), column)
    if foreign_key:
        fk = ET.SubElement(layout, "ForeignKey")
        ET.SubElement(fk, "Name").text = foreign_key[0]
        ET.SubElement(fk, "References").text = foreign_key[1]


def _column(element, column: Column) -> None:
    ET.SubElement(element, "Name").text = column.name
    if column.description:
        ET.SubElement(element, "Description").text = column.description
    if column.kind == "money":
        ET.SubElement(ET.SubElement(element, "Numeric"), "Accuracy").text = "2"
    elif column.kind == "int":
        ET.SubElement(element, "Numeric")
    elif column.kind == "date":
        ET.SubElement(ET.SubElement(element, "Date"), "Format").text = "DD.MM.YYYY"
    else:
        ET.SubElement(element, "AlphaNumeric")

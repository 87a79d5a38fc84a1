"""Z3 data access for tax auditors: a fiscal year's accounts and journal as GDPdU export.

Writes CSV files (';', decimal comma, CRLF, UTF-8, no header row) and an `index.xml`
after the GDPdU "Beschreibungsstandard" (DTD gdpdu-01-09-2004.dtd) that describes
every column, so IDEA and similar auditor tools can read them without guessing.
"""
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

from models.company import Company
from services.core.csv_safe import writer as csv_writer
from models.ledger import Account, JournalEntry

DTD = "gdpdu-01-09-2004.dtd"
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


def export_gdpdu(year: int, target: Path) -> dict[str, int]:
    """Write accounts.csv, journal.csv and index.xml for a year; return rows per file."""
    target.mkdir(parents=True, exist_ok=True)
    counts = {"accounts.csv": _write(target / "accounts.csv", _account_rows()),
              "journal.csv": _write(target / "journal.csv", _journal_rows(year))}
    _write_index(target / "index.xml", year)
    return counts


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
    _table(media, "accounts.csv", "Konten", "Kontenplan", ACCOUNT_COLUMNS, year, 1, None)
    _table(media, "journal.csv", "Buchungen", "Journal: eine Zeile je Buchungszeile",
           JOURNAL_COLUMNS, year, 2, ("Kontonummer", "Konten"))
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

"""Export → import round trip, formula neutralising, and the fast checks equal mongoengine's."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import mongoengine as me
import pytest

from models import Employee, JournalEntry, StockItem, Supplier, Ticket
from services.imports.csv_import import (ImportOptions, escape_formula, export_csv, run_import,
                                 unescape_formula)
from services.imports.csv_import.rows import ModelRules
from services.imports.csv_import.specs import SPECS
from tests.factories import make_employee, make_entry, make_supplier

CSV = Path(__file__).resolve().parent.parent / "data" / "csv"
SKIP = ("_id", "created_at", "updated_at")


def export(name: str) -> bytes:
    return b"".join(export_csv(SPECS[name]))


def stored(document_class) -> list[dict]:
    """Return every stored document without ids and timestamps, references by natural key."""
    rows = []
    for doc in document_class.objects:
        data = {k: v for k, v in doc.to_mongo().to_dict().items() if k not in SKIP}
        for name in ("supplier", "requester"):
            if name in data:
                data[name] = str(getattr(doc, name))
        if "lines" in data:
            data.pop("created_by", None)
        rows.append(data)
    return sorted(rows, key=repr)


def reimport(name: str, document_class, data: bytes) -> None:
    document_class.objects.delete()
    result = run_import(data, name, ImportOptions(user="t"))
    assert result.rejected == 0, result.errors


@pytest.mark.parametrize("name, document_class, fixture", [
    ("employees", Employee, "employees-quoted-multiline.csv"),
    ("suppliers", Supplier, "suppliers.csv"),
    ("tickets", Ticket, "tickets.csv"),
])
def test_export_reimports_to_identical_data(app, name, document_class, fixture):
    make_employee(personnel_no="P1001", first_name="=1+1", last_name="-Minus", city="@Ort",
                  department="'=schon", monthly_gross=Decimal("123456.89"), church_tax=True)
    run_import((CSV / fixture).read_bytes(), name, ImportOptions(user="t", skip_invalid=True))
    before = stored(document_class)
    data = export(name)
    upsert = run_import(data, name, ImportOptions(mode="upsert", user="t"))
    assert (upsert.inserted, upsert.updated, upsert.rejected) == (0, 0, 0), upsert.errors
    reimport(name, document_class, data)
    assert stored(document_class) == before


def test_stock_items_round_trip_with_supplier_references(app):
    run_import((CSV / "suppliers.csv").read_bytes(), "suppliers", ImportOptions(user="t"))
    run_import((CSV / "stock_items.csv").read_bytes(), "stock_items", ImportOptions(user="t", skip_invalid=True))
    before = stored(StockItem)
    data = export("stock_items")
    # into an empty warehouse: the opening stock is booked again as movements (issue 13.10)
    from models.sequence import StockLedgerEntry
    from models.stock_movement import StockMovement
    for document_class in (StockMovement, StockLedgerEntry):
        document_class._get_collection().delete_many({})
    reimport("stock_items", StockItem, data)
    assert stored(StockItem) == before and len(before) == 2
    assert StockMovement.objects(reason="Anfangsbestand (CSV-Import)").count() == 2


def test_journal_entries_round_trip(app):
    run_import((CSV / "journal_entries.csv").read_bytes(), "journal_entries",
               ImportOptions(user="t", skip_invalid=True))
    make_entry(voucher_ref="M-1", text="=Hand gebucht")
    before = stored(JournalEntry)
    data = export("journal_entries")
    assert "'=Hand gebucht" in data.decode("utf-8-sig")
    reimport("journal_entries", JournalEntry, data)
    after = stored(JournalEntry)
    for entry in before + after:
        entry.pop("source"), entry.pop("status")  # a re-import is a new draft of source "import"
    assert after == before


def test_export_escapes_every_formula_start(app):
    make_supplier(supplier_no="S1", name="=HYPERLINK(\"x\")", city="+Köln", category="-1+2", contact_name="@Chef")
    text = export("suppliers").decode("utf-8-sig")
    row = text.splitlines()[1]
    for cell in ("'=HYPERLINK", "'+Köln", "'-1+2", "'@Chef"):
        assert cell in row


@pytest.mark.parametrize("text", ["=SUM(A1)", "+49", "-x", "@a", "'=a", "''=a", "'plain", "plain", "\tx", "", "'"])
def test_formula_escaping_is_reversible_and_neutral(text):
    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t"))


@pytest.mark.parametrize("values", [
    {"personnel_no": "P1", "first_name": "A", "last_name": "B", "hire_date": date(2020, 1, 1),
     "monthly_gross": Decimal("10.00"), "iban": "DE89 3704 0044 0532 0130 00"},
    {"personnel_no": "P1", "first_name": "A", "last_name": "B", "hire_date": date(2020, 1, 1),
     "monthly_gross": Decimal("10.001"), "iban": "DE00", "tax_class": 9, "email": "nope",
     "exit_date": date(2019, 1, 1)},
    {"personnel_no": "P1" * 20, "first_name": "A", "last_name": "B"},
])
def test_the_fast_row_checks_agree_with_mongoengine_validation(app, values):
    """ModelRules skips building a Document per row; it must find exactly the same problems."""
    data, problems = ModelRules(Employee).check(dict(values))
    document = Employee(**values)
    try:
        document.validate()
        expected = set()
    except me.ValidationError as error:
        expected = set(error.to_dict()) - {"__all__"}
        if "__all__" in error.to_dict():
            expected |= set(error.errors["__all__"].errors or {})
    assert set(problems) == expected
    if not problems:
        assert ModelRules(Employee).to_mongo(data)["iban"] == document.to_mongo()["iban"]


def test_blank_required_text_is_refused_like_the_model_does(app):
    values = {"personnel_no": "P1", "first_name": "  ", "last_name": "B", "monthly_gross": Decimal("1"),
              "hire_date": date(2020, 1, 1)}
    _, problems = ModelRules(Employee).check(dict(values))
    with pytest.raises(me.ValidationError, match="first_name"):
        Employee(**values).validate()
    assert set(problems) == {"first_name"}

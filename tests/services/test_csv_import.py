"""Bulk CSV import service: formats, every error class, modes, all-or-nothing, rejects."""
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models import AuditEntry, Employee, JournalEntry, StockItem, Supplier, Ticket
from models.counter import next_number
from models.import_run import ImportRun
from services.imports.csv_import import ImportFileError, ImportOptions, run_import
from services.imports.csv_import.specs import COLLECTIONS, SPECS
from tests.factories import make_employee, make_entry

CSV = Path(__file__).resolve().parent.parent / "data" / "csv"
FORMATS = ["employees-excel-cp1252.csv", "employees-utf8-bom.csv", "employees-utf8-comma-lf.csv",
           "employees-tabs.csv", "employees-quoted-multiline.csv"]


def load(name: str) -> bytes:
    return (CSV / name).read_bytes()


def do_import(data: bytes, collection="employees", rejects=None, **options):
    options.setdefault("user", "tester@firma.example.com")
    return run_import(data, collection, ImportOptions(**options), rejects=rejects)


def employee_rows():
    return {e.personnel_no: (e.first_name, e.last_name, e.email, e.department, e.hire_date,
                             e.exit_date, e.monthly_gross, e.tax_class, e.iban)
            for e in Employee.objects}


EXPECTED = {
    "P1001": ("Jürgen", "Müller", "j.mueller@firma.example.com", "Einkauf", date(2020, 4, 1), None,
              Decimal("4250.50"), 3, "DE89370400440532013000"),
    "P1002": ("Özlem", "Weiß", None, "Lager", date(2026, 8, 15), None, Decimal("2980.00"), 1,
              "DE02120300000000202051"),
    "P1003": ("Søren", "Groß", "soeren@firma.example.com", "Buchhaltung", date(2019, 12, 31),
              date(2026, 6, 30), Decimal("1234.56"), 4, None),
}


# --- formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FORMATS)
def test_every_format_variant_imports_to_the_same_employees(app, name):
    result = do_import(load(name))
    assert result.summary == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert employee_rows() == EXPECTED
    assert Employee.objects.get(personnel_no="P1003").position == "Bilanz € Steuern"


def test_quoted_delimiters_quotes_and_line_breaks_survive(app):
    do_import(load("employees-quoted-multiline.csv"))
    assert Employee.objects.get(personnel_no="P1001").position == 'Leitung "Einkauf"; Süd\r\nund Nord'


def test_the_run_records_file_format_hash_and_counts(app):
    data = load("employees-excel-cp1252.csv")
    result = do_import(data, filename="personal.csv")
    run = ImportRun.objects.get(pk=result.run.pk)
    assert (run.status, run.encoding, run.delimiter, run.filename) == ("succeeded", "cp1252", ";", "personal.csv")
    assert run.user == "tester@firma.example.com" and run.size == len(data)
    import hashlib
    assert run.sha256 == hashlib.sha256(data).hexdigest()
    assert (run.inserted, run.rejected, run.finished_at is not None) == (3, 0, True)


# --- errors ----------------------------------------------------------------------------------

def test_every_row_error_is_named_with_line_column_and_plain_words(app):
    result = do_import(load("employees-errors.csv"))
    text = "\n".join(result.errors)
    assert "Zeile 3, Eintrittsdatum: „31.02.2026“ ist kein gültiges Datum" in text
    assert "Zeile 4, IBAN: Prüfsumme ungültig." in text
    assert "Zeile 5, Bruttogehalt: „drei“ ist keine gültige Zahl" in text
    assert "Zeile 6, Personalnummer: „P2001“ steht schon in Zeile 2" in text
    assert "Zeile 7, Vorname: Pflichtfeld ist leer." in text
    assert "Zeile 8, Steuerklasse: „7“ ist nicht erlaubt" in text
    assert "Zeile 9, Austrittsdatum: liegt vor dem Eintrittsdatum." in text
    assert "Zeile 10, E-Mail: keine gültige E-Mail-Adresse." in text
    assert result.rejected == 8


def test_all_or_nothing_writes_nothing_when_one_row_is_invalid(app):
    result = do_import(load("employees-errors.csv"))
    assert result.summary == "inserted=0 updated=0 unchanged=0 rejected=8"
    assert Employee.objects.count() == 0
    assert ImportRun.objects.get(pk=result.run.pk).status == "failed"


@pytest.mark.parametrize("name, fragment", [
    ("employees-missing-column.csv", "Pflichtspalte fehlt: Bruttogehalt"),
    ("employees-not-csv.xlsx", "Excel-Arbeitsmappe"),
])
def test_a_file_error_is_reported_before_any_row_and_recorded(app, name, fragment):
    with pytest.raises(ImportFileError) as raised:
        do_import(load(name))
    assert fragment in str(raised.value)
    run = ImportRun.objects.get()
    assert run.status == "failed" and fragment in run.message
    assert Employee.objects.count() == 0


def test_an_empty_file_is_a_file_error(app):
    with pytest.raises(ImportFileError, match="leer"):
        do_import(b"")


# --- skip invalid and the rejects file --------------------------------------------------------

def test_skip_invalid_writes_valid_rows_and_a_rejects_file_that_reimports_after_fixing(app):
    rejects = io.BytesIO()
    result = do_import(load("employees-errors.csv"), skip_invalid=True, rejects=rejects)
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=8"
    assert set(Employee.objects.scalar("personnel_no")) == {"P2001", "P2010"}
    assert ImportRun.objects.get(pk=result.run.pk).status == "partial"

    text = rejects.getvalue().decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].endswith(";Fehler") and lines[0].startswith("Personalnummer;Vorname")
    assert "P2002;Bernd;Datum" in lines[1] and "ist kein gültiges Datum" in lines[1]
    assert len([line for line in lines if line]) == 9

    fixed = (text.replace("31.02.2026", "28.02.2026").replace("DE89370400440532013001", "DE89370400440532013000")
             .replace(";drei;", ";3.000,00;").replace("P2001;Emil", "P2005;Emil")
             .replace(";;Ohnevorname", ";Frida;Ohnevorname").replace("3.000,00;7;", "3.000,00;6;")
             .replace("01.02.2026;01.01.2026", "01.02.2026;01.03.2026").replace("keine-mail", "ida@firma.example.com"))
    again = do_import(fixed.encode("utf-8-sig"))
    assert again.summary == "inserted=8 updated=0 unchanged=0 rejected=0", again.errors
    assert Employee.objects.count() == 10
    assert Employee.objects.get(personnel_no="P2002").hire_date == date(2026, 2, 28)


def test_dry_run_counts_but_writes_nothing(app):
    result = do_import(load("employees-excel-cp1252.csv"), dry_run=True)
    assert result.summary == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert Employee.objects.count() == 0
    assert ImportRun.objects.get(pk=result.run.pk).dry_run is True


# --- insert vs upsert ------------------------------------------------------------------------

def test_insert_mode_refuses_existing_keys(app):
    make_employee(personnel_no="P1002")
    result = do_import(load("employees-excel-cp1252.csv"))
    assert result.summary == "inserted=0 updated=0 unchanged=0 rejected=1"
    assert "Zeile 3, Personalnummer: „P1002“ gibt es schon" in result.errors[0]
    assert Employee.objects.count() == 1


def test_upsert_inserts_new_updates_changed_and_leaves_unchanged_untouched(app):
    do_import(load("employees-excel-cp1252.csv"))
    untouched = Employee.objects.get(personnel_no="P1001").updated_at
    changed = load("employees-excel-cp1252.csv").replace(b"2.980,00", b"3.100,00") + \
        "P1004;Neu;Mitarbeiterin;;IT;;01.01.2026;;3.000,00;1;\r\n".encode("cp1252")
    result = do_import(changed, mode="upsert")
    assert result.summary == "inserted=1 updated=1 unchanged=2 rejected=0"
    assert Employee.objects.get(personnel_no="P1002").monthly_gross == Decimal("3100.00")
    assert Employee.objects.get(personnel_no="P1001").updated_at == untouched
    audit = AuditEntry.objects.get(action="update", collection="employees")
    assert audit.user == "tester@firma.example.com"
    assert [(c.field, c.old, c.new) for c in audit.changes] == [("monthly_gross", "298000", "310000")]


def test_upsert_of_the_same_file_twice_changes_nothing_and_makes_no_duplicates(app):
    first = do_import(load("employees-excel-cp1252.csv"), mode="upsert")
    second = do_import(load("employees-utf8-comma-lf.csv"), mode="upsert")
    assert first.summary == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert second.summary == "inserted=0 updated=0 unchanged=3 rejected=0"
    assert Employee.objects.count() == 3


def test_upsert_leaves_columns_the_file_lacks_alone(app):
    make_employee(personnel_no="P7", city="Köln", monthly_gross=Decimal("100.00"))
    data = "Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\nP7;Jürgen;Müller;01.04.2020;200,00\r\n"
    assert do_import(data.encode("cp1252"), mode="upsert").updated == 1
    employee = Employee.objects.get(personnel_no="P7")
    assert (employee.city, employee.monthly_gross) == ("Köln", Decimal("200.00"))


# --- references and the other collections -----------------------------------------------------

def test_suppliers_import_with_vat_ids_normalised(app):
    result = do_import(load("suppliers.csv"), "suppliers")
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=0", result.errors
    assert Supplier.objects.get(supplier_no="L200").name == "Müller & Söhne; Werkzeuge"
    assert Supplier.objects.get(supplier_no="L100").payment_terms_days == 14


def test_stock_items_resolve_suppliers_by_number_and_refuse_unknown_ones(app):
    do_import(load("suppliers.csv"), "suppliers")
    result = do_import(load("stock_items.csv"), "stock_items", skip_invalid=True)
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=1"
    assert result.errors == ["Zeile 4, Lieferantennummer: Lieferant „L999“ gibt es nicht."]
    item = StockItem.objects.get(sku="A-1")
    assert (item.supplier.supplier_no, item.quantity, item.unit_cost) == ("L100", Decimal("1250"), Decimal("3.4900"))
    assert StockItem.objects.get(sku="A-2").unit_cost == Decimal("0.0825")


def test_tickets_resolve_the_requester_and_advance_the_number_counter(app):
    make_employee(personnel_no="P1001")
    result = do_import(load("tickets.csv"), "tickets", skip_invalid=True)
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=1"
    assert "Zeile 5, Personalnummer: Mitarbeiter „P9999“ gibt es nicht." in result.errors
    ticket = Ticket.objects.get(number="T-2026-00107")
    assert (ticket.requester.personnel_no, ticket.priority) == ("P1001", "high")
    assert ticket.description == 'Fehler "0x80"\r\nseit Montag'
    assert next_number("ticket-2026") == 109  # the next ticket typed in gets a free number


def test_journal_rows_of_one_voucher_become_one_balanced_draft_entry(app):
    result = do_import(load("journal_entries.csv"), "journal_entries", skip_invalid=True)
    text = "\n".join(result.errors)
    assert "Beleg „B-3“ ist nicht ausgeglichen: Soll 50,00 ≠ Haben 40,00." in text
    assert "Zeile 8, Sollkonto: Konto „9999“ gibt es im Kontenrahmen nicht." in text
    assert result.summary == "inserted=4 updated=0 unchanged=0 rejected=3"
    entry = JournalEntry.objects.get(voucher_ref="B-2")
    assert (entry.status, entry.source, entry.text, entry.fiscal_year) == ("draft", "import", "Einkauf Papier", 2026)
    assert [(l.account, l.debit, l.credit) for l in entry.lines] == [
        ("4930", Decimal("100.00"), Decimal("0.00")), ("1576", Decimal("19.00"), Decimal("0.00")),
        ("1200", Decimal("0.00"), Decimal("119.00"))]
    assert entry.lines[1].text == "Vorsteuer 19 %" and entry.lines[0].text is None
    assert JournalEntry.objects.get(voucher_ref="B-1").total_debit == Decimal("119.00")


def test_a_posted_entry_is_never_changed_by_an_upsert(app):
    from services.ledger.posting import post_entry

    post_entry(make_entry(voucher_ref="B-1", amount="50.00"), "test")
    data = "Datum;Soll;Haben;Betrag;Buchungstext;Belegnummer\r\n15.03.2026;4930;1000;119,00;x;B-1\r\n"
    result = do_import(data.encode(), "journal_entries", mode="upsert")
    assert "bereits gebucht" in result.errors[0]
    assert JournalEntry.objects.get(voucher_ref="B-1").total_debit == Decimal("50.00")


def test_write_roles_match_the_admin_views(app):
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views if hasattr(view, "write_roles")}
    endpoints = {"employees": "employees", "suppliers": "suppliers", "stock_items": "stock",
                 "tickets": "tickets", "journal_entries": "journal", "it_assets": "assets"}
    assert set(COLLECTIONS) == set(endpoints)
    for name, endpoint in endpoints.items():
        assert set(SPECS[name].write_roles) == set(views[endpoint].write_roles), name


def test_the_readme_documents_every_column_of_every_collection():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for spec in SPECS.values():
        for column in spec.columns:
            assert f"| `{column.name}` | {column.label()}" in readme, (spec.name, column.name)


def test_a_key_twice_in_the_file_keeps_the_first_row_and_refuses_the_later_ones(app):
    data = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\n"
            "P1;Anna;Erste;01.01.2026;100,00\r\nP2;Bert;Zwei;01.01.2026;100,00\r\n"
            "P1;Anna;Zweite;01.01.2026;100,00\r\nP1;Anna;Dritte;01.01.2026;100,00\r\n")
    rejects = io.BytesIO()
    result = do_import(data.encode(), mode="upsert", skip_invalid=True, rejects=rejects)
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=2"
    assert result.errors == ["Zeile 4, Personalnummer: „P1“ steht schon in Zeile 2; jeder Schlüssel darf nur einmal vorkommen.",
                             "Zeile 5, Personalnummer: „P1“ steht schon in Zeile 2; jeder Schlüssel darf nur einmal vorkommen."]
    assert Employee.objects.get(personnel_no="P1").last_name == "Erste"
    assert Employee.objects.count() == 2 and "Zweite" in rejects.getvalue().decode("utf-8-sig")


def test_different_keys_with_the_same_checksum_are_not_duplicates(app):
    # 'plumless' and 'buckeroo' share their CRC-32: the exact comparison must tell them apart.
    data = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\n"
            "plumless;A;B;01.01.2026;1,00\r\nbuckeroo;C;D;01.01.2026;1,00\r\n")
    assert do_import(data.encode()).summary == "inserted=2 updated=0 unchanged=0 rejected=0"


@pytest.mark.parametrize("line, fragment", [
    ("P1;A;B;01.01.2026;1,00;überzählig", "Zeile 2: Die Zeile hat mehr Werte als die Kopfzeile Spalten (5)"),
    ('P1;"A"x;B;01.01.2026;1,00', "Zeile 2: Fehlerhafte Anführungszeichen"),
    ("P1;A;B;01.01.2026;-5,00", "Zeile 2, Bruttogehalt: muss mindestens 0,00 sein."),
    ("P1;A;B;01.01.2026;1,001", "Zeile 2, Bruttogehalt: höchstens 2 Nachkommastellen erlaubt."),
    ("P1;A;B;1.1.1850;1,00", "Zeile 2, Eintrittsdatum: „1.1.1850“: das Jahr 1850 ist unplausibel"),
    ("P" + "1" * 25 + ";A;B;01.01.2026;1,00", "Zeile 2, Personalnummer: Zu lang: 26 Zeichen"),
])
def test_more_row_error_classes(app, line, fragment):
    data = f"Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\n{line}\r\n".encode()
    result = do_import(data)
    assert result.rejected == 1 and any(e.startswith(fragment) for e in result.errors), result.errors


def test_an_unknown_column_is_a_file_error_with_a_suggestion(app):
    data = "Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehallt\r\nP1;A;B;01.01.2026;1\r\n"
    with pytest.raises(ImportFileError, match="gemeint ist wohl „Bruttogehalt“"):
        do_import(data.encode())


def test_old_mac_line_ends_import_too(app):
    data = load("employees-excel-cp1252.csv").replace(b"\r\n", b"\r")
    assert do_import(data).summary == "inserted=3 updated=0 unchanged=0 rejected=0"
    assert employee_rows() == EXPECTED


def test_employees_name_their_health_fund_by_betriebsnummer(app):
    data = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt;Krankenkasse;"
            "Konfession;SV-Nummer;Steuer-ID;Bundesland Betriebsstätte\r\n"
            "P7001;Jürgen;Müller;01.04.2026;1.000,00;15027365;rk;15070649C103;36574261809;BY\r\n"
            "P7002;Anna;Weiß;01.04.2026;2.500,00;99999999;;;;\r\n"
            "P7003;Ole;Schäfer;01.04.2026;2.500,00;15027365;;15070649C104;;\r\n")
    result = do_import(data.encode("utf-8"), skip_invalid=True)
    assert result.summary == "inserted=1 updated=0 unchanged=0 rejected=2", result.errors
    text = "\n".join(result.errors)
    assert "Krankenkasse „99999999“ gibt es nicht" in text and "Prüfziffer" in text
    emp = Employee.objects.get(personnel_no="P7001")
    assert (emp.health_fund.name, emp.church_denomination, emp.church_tax,
            emp.workplace_state) == ("Techniker Krankenkasse", "rk", True, "BY")


def test_stock_units_are_stored_as_rec20_codes_and_unknown_units_refused(app):
    # "Stück" was refused before (a fixed list); every alias is taken and stored as its code.
    data = ("Artikelnummer;Bezeichnung;Einheit;Bestand\r\n"
            "U-1;Schraube;Stück;1\r\nU-2;Kabel;Rolle;1\r\nU-3;Öl;Liter;1\r\n"
            "U-4;Band;Bündel;1\r\n").encode("utf-8")
    result = do_import(data, "stock_items", skip_invalid=True)
    assert result.summary == "inserted=3 updated=0 unchanged=0 rejected=1", result.errors
    assert {i.sku: i.unit for i in StockItem.objects} == {"U-1": "H87", "U-2": "XRO",
                                                         "U-3": "LTR"}
    assert len(result.errors) == 1 and result.errors[0].startswith(
        "Zeile 5, Einheit: Unbekannte Einheit „Bündel“")

"""The CSV reading layer of the bulk import: formats, headers, values, line numbers."""
import codecs
import dataclasses
import tracemalloc
from datetime import date
from decimal import Decimal

import pytest

from services.imports.csv_reader import (
    CellError, Column, CsvFormatError, match_headers, parse_bool, parse_date, parse_decimal,
    parse_int, read_rows, write_template,
)
from services.core.errors import BusinessRuleError

SUPPLIER = [
    Column("supplier_number", ("Lieferantennummer", "Lief.-Nr."), required=True),
    Column("name", ("Name", "Firma"), required=True, max_length=40),
    Column("street", ("Straße",)),
    Column("vat_id", ("USt-IdNr.", "VAT ID")),
    Column("email", ("E-Mail",)),
    Column("credit_limit", ("Kreditlimit",), kind="decimal"),
    Column("payment_days", ("Zahlungsziel",), kind="int"),
    Column("since", ("Kunde seit",), kind="date"),
    Column("active", ("Aktiv",), kind="bool"),
    Column("country", ("Land",), choices=("DE", "AT", "CH")),
]
# The same columns with nothing required, for tests about the file format alone.
LOOSE = [dataclasses.replace(column, required=False) for column in SUPPLIER]


def rows_of(data: bytes, columns=SUPPLIER, **kw):
    """Return the reader and its rows as a list."""
    reader = read_rows(data, columns, **kw)
    return reader, list(reader)


def only_values(data: bytes, columns=SUPPLIER):
    """Return the values of the single data row, asserting it has no errors."""
    _, rows = rows_of(data, columns)
    assert len(rows) == 1 and rows[0].errors == []
    return rows[0].values


def format_error(data: bytes, columns=SUPPLIER) -> str:
    """Return the message of the CsvFormatError that reading data raises."""
    with pytest.raises(CsvFormatError) as raised:
        read_rows(data, columns)
    return str(raised.value)


# --- encodings -------------------------------------------------------------------------------

@pytest.mark.parametrize("data, encoding", [
    ("Lieferantennummer;Name;Straße\r\nL1;Müller;Straße €\r\n".encode("cp1252"), "cp1252"),
    (codecs.BOM_UTF8 + "Lieferantennummer;Name;Straße\r\nL1;Müller;Straße €\r\n".encode(), "utf-8-sig"),
    ("Lieferantennummer;Name;Straße\nL1;Müller;Straße €\n".encode("utf-8"), "utf-8"),
])
def test_umlauts_and_euro_come_out_right_in_every_encoding(data, encoding):
    reader, rows = rows_of(data)
    assert reader.encoding == encoding
    assert rows[0].values == {"supplier_number": "L1", "name": "Müller", "street": "Straße €"}


def test_pure_ascii_is_read_as_utf8():
    reader, _ = rows_of(b"supplier_number,name\nL1,ACME\n")
    assert reader.encoding == "utf-8"


def test_bom_does_not_stick_to_the_first_header():
    reader, _ = rows_of(codecs.BOM_UTF8 + b"Lieferantennummer;Name\r\nL1;X\r\n")
    assert reader.header_map.labels[0] == "Lieferantennummer"


@pytest.mark.parametrize("data, fragment", [
    (b"", "leer"),
    (codecs.BOM_UTF8, "leer"),
    (b"\r\n\r\n  \r\n", "leer"),
    (b";;;\r\n\r\n", "leer"),
    (codecs.BOM_UTF16_LE + "Name;Preis".encode("utf-16-le"), "UTF-16"),
    (b"PK\x03\x04\x14\x00\x06\x00", ".xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
    (b"Name;Preis\r\nA;1\x00\x00\r\n", "Binärdaten"),
    (b"Name;Preis\r\nA;\x81\r\n", "weder UTF-8 noch Windows-1252"),
    ("Name;Straße\r\nMüller;x\r\n".encode() + "Weiß;y\r\n".encode("cp1252"), "Zeile 3"),
    (b'"Lieferantennummer"x;Name\r\nL1;A\r\n', "Die Kopfzeile (Zeile 1) ist fehlerhaft"),
])
def test_file_level_problems_raise_a_format_error_that_says_what_to_do(data, fragment):
    assert fragment in format_error(data)


def test_format_error_is_a_business_rule_error_so_views_show_it_as_a_message():
    with pytest.raises(BusinessRuleError):
        read_rows(b"", SUPPLIER)


def test_text_instead_of_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        read_rows("Name;Preis\n", SUPPLIER)


# --- separators and line ends ----------------------------------------------------------------

@pytest.mark.parametrize("data, delimiter, decimal_mark", [
    (b"Lieferantennummer;Kreditlimit\r\nL1;1.234,56\r\nL2;7,5\r\n", ";", ","),
    (b"supplier_number,credit_limit\nL1,1234.56\nL2,\"1,234.50\"\n", ",", "."),
    (b"supplier_number\tcredit_limit\nL1\t1234.56\nL2\t7.25\n", "\t", None),
    # commas in a header cell and in every value, yet ';' splits the header into more columns
    (b"Lieferantennummer;Name;Kreditlimit\r\nL1;Meier, Hans;1,5\r\nL2;Kurz;2,25\r\n", ";", ","),
    # a ';' inside quotes in a ','-file must not count
    (b'supplier_number,name\nL1,"A; B"\nL2,"C; D"\n', ",", "."),
    # Excel's "sep=" first line decides
    (b"sep=,\r\nsupplier_number,credit_limit\r\nL1,2.5\r\n", ",", "."),
    (b"sep=\t\r\nsupplier_number\tcredit_limit\r\nL1\t2.5\r\n", "\t", None),
    (b'"sep=;"\r\nLieferantennummer;Name\r\nL1;Meier, Hans\r\n', ";", ","),
])
def test_the_separator_is_detected_with_quotes_respected(data, delimiter, decimal_mark):
    reader, rows = rows_of(data, LOOSE)
    assert (reader.delimiter, reader.decimal_mark) == (delimiter, decimal_mark)
    assert all(row.errors == [] for row in rows)


def test_german_decimal_commas_are_not_mistaken_for_the_separator():
    values = only_values(b"Lieferantennummer;Kreditlimit;Zahlungsziel\r\nL1;1.234,56;30\r\n", LOOSE)
    assert values == {"supplier_number": "L1", "credit_limit": Decimal("1234.56"), "payment_days": 30}


def test_when_both_separators_split_the_header_the_rows_below_decide():
    columns = [Column("name", ("Name, Vorname",)), Column("city", ("Ort",))]
    data = "Name, Vorname;Ort\r\nMüller, Hans, Dr.;Köln\r\nWeiß, Eva;Bonn\r\n".encode("cp1252")
    reader, rows = rows_of(data, columns)
    assert reader.delimiter == ";"
    assert [row.values for row in rows] == [
        {"name": "Müller, Hans, Dr.", "city": "Köln"}, {"name": "Weiß, Eva", "city": "Bonn"},
    ]


@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_every_line_end_style_gives_the_same_rows(line_end):
    text = line_end.join(["Lieferantennummer;Name", "L1;A", "L2;B", ""])
    _, rows = rows_of(text.encode())
    assert [(r.line, r.values["name"]) for r in rows] == [(2, "A"), (3, "B")]


@pytest.mark.parametrize("data, fragment", [
    (b"Lieferantennummer|Name\nL1|A\n", "Trennzeichen ist nicht erkennbar"),
    (b"Lieferantennummer;Name,Ort\n", "nicht eindeutig"),
])
def test_an_undetectable_separator_is_a_format_error(data, fragment):
    assert fragment in format_error(data)


def test_a_one_column_file_is_read_and_keeps_decimal_commas():
    columns = [Column("credit_limit", ("Kreditlimit",), kind="decimal"), Column("note", ("Notiz",))]
    reader, rows = rows_of(b"Kreditlimit\r\n1,5\r\n", columns)
    assert reader.delimiter == ";" and rows[0].values == {"credit_limit": Decimal("1.5")}


# --- quoting, blanks, trailing delimiters, too many values -----------------------------------

@pytest.mark.parametrize("cell, value", [
    ('"Müller; Söhne"', "Müller; Söhne"),
    ('"Der ""Beste"" GmbH"', 'Der "Beste" GmbH'),
    ('"Zeile eins\r\nZeile zwei"', "Zeile eins\r\nZeile zwei"),
    ('  Müller  ', "Müller"),
    ('"  Müller  "', "Müller"),
])
def test_quoted_fields_keep_delimiters_quotes_and_newlines(cell, value):
    data = f"Lieferantennummer;Name\r\nL1;{cell}\r\n".encode("cp1252")
    assert only_values(data)["name"] == value


def test_trailing_delimiters_and_blank_lines_are_ignored():
    data = b"Lieferantennummer;Name;;\r\nL1;A;;\r\n;;;\r\n\r\nL2;B\r\n\r\n\r\n;;\r\n"
    reader, rows = rows_of(data)
    assert reader.header_map.labels == ("Lieferantennummer", "Name")
    assert [(r.line, r.values, r.errors) for r in rows] == [
        (2, {"supplier_number": "L1", "name": "A"}, []),
        (5, {"supplier_number": "L2", "name": "B"}, []),
    ]


def test_more_filled_cells_than_headers_is_an_error_of_that_row_only():
    _, rows = rows_of(b"Lieferantennummer;Name\r\nL1;A;Rest;x\r\nL2;B;;\r\n")
    assert rows[0].values == {"supplier_number": "L1", "name": "A"}
    assert [(e.column, e.raw) for e in rows[0].errors] == [(None, "Rest;x")]
    assert "mehr Werte als die Kopfzeile Spalten (2)" in rows[0].errors[0].message
    assert rows[1].ok


def test_missing_cells_at_the_end_of_a_row_are_empty():
    values = only_values(b"Lieferantennummer;Name;Zahlungsziel\r\nL1;A\r\n")
    assert values == {"supplier_number": "L1", "name": "A", "payment_days": None}


def test_broken_quotes_are_reported_for_their_row_and_reading_goes_on():
    _, rows = rows_of(b'Lieferantennummer;Name\r\nL1;"A"B\r\nL2;C\r\nL3;"offen\r\n')
    assert [(r.line, r.values.get("supplier_number")) for r in rows] == [(2, None), (3, "L2"), (4, None)]
    assert "Anführungszeichen" in rows[0].errors[0].message
    assert "nicht geschlossen" in rows[2].errors[0].message


# --- physical line numbers -------------------------------------------------------------------

def test_line_numbers_are_physical_lines_even_after_a_multi_line_field():
    data = (b"Lieferantennummer;Name;Stra\xdfe\r\n"
            b"L1;A;\"Hof 1\r\nHinterhaus\r\n3. Stock\"\r\n"
            b"\r\n"
            b"L2;B;x\r\n"
            b"L3;;y\r\n")
    _, rows = rows_of(data)
    assert [row.line for row in rows] == [2, 6, 7]
    assert rows[2].errors == [CellError("name", "", "Pflichtfeld ist leer.")]


def test_header_line_counts_a_sep_line_and_leading_blank_lines():
    reader, rows = rows_of(b"sep=;\r\n\r\nLieferantennummer;Name\r\nL1;A\r\n")
    assert reader.header_line == 3 and rows[0].line == 4


# --- headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header, column", [
    ("USt-IdNr.", "vat_id"),
    ("ust-idnr", "vat_id"),
    ("USt-IdNr.:", "vat_id"),
    ("VAT ID", "vat_id"),
    ("vat_id", "vat_id"),
    (" E-Mail ", "email"),
    ("\u00a0E-Mail\u00a0", "email"),
    ("EMAIL", "email"),
    ("e_mail:", "email"),
    ("Strasse", "street"),
    ("STRASSE", "street"),
    ("Lief.-Nr.", "supplier_number"),
    ("Kunde  seit", "since"),
    ("Kunde\u00a0seit:", "since"),
])
def test_headers_match_names_and_aliases_loosely(header, column):
    header_map = match_headers(["Name", "Land", header], LOOSE)
    assert header_map.positions[column] == 2
    assert header_map.label(column) == header.strip()


def test_decomposed_umlauts_from_a_mac_match_too():
    columns = [Column("child_allowances", ("Kinderfreibeträge",), kind="decimal")]
    assert "child_allowances" in match_headers(["Kinderfreibetra\u0308ge"], columns)


def test_all_header_problems_are_listed_in_one_error_with_the_accepted_names():
    with pytest.raises(CsvFormatError) as raised:
        match_headers(["Name", "Strase", "E-Mail", "email", "", "Kreditlimit", "Gewicht"], SUPPLIER)
    error = raised.value
    assert error.problems == (
        "Unbekannte Spalte B „Strase“ – gemeint ist wohl „Straße“",
        "Spalte E hat keine Überschrift",
        "Unbekannte Spalte G „Gewicht“",
        "Doppelte Spalte: C „E-Mail“ und D „email“ meinen dieselbe Spalte",
        "Pflichtspalte fehlt: Lieferantennummer",
    )
    message = str(error)
    assert all(problem in message for problem in error.problems)
    assert "* Lieferantennummer (auch: supplier_number, Lief.-Nr.)" in message
    assert "  USt-IdNr. (auch: vat_id, VAT ID)" in message


def test_a_data_row_in_place_of_the_header_is_pointed_out():
    message = format_error(b"L1;ACME\r\nL2;Foo\r\n")
    assert "erste Zeile der Datei muss die Spaltenüberschriften enthalten" in message


def test_unknown_headers_can_be_ignored_on_request():
    reader, rows = rows_of(b"Lieferantennummer;Gewicht;Name\r\nL1;12;A\r\n", ignore_unknown=True)
    assert reader.header_map.ignored == ("Gewicht",)
    assert rows[0].values == {"supplier_number": "L1", "name": "A"}
    assert "country" in reader.header_map.missing


@pytest.mark.parametrize("columns", [
    [Column("a", ("X",)), Column("b", ("x",))],
    [Column("a", ("E-Mail",)), Column("b", ("email",))],
])
def test_clashing_column_definitions_are_refused(columns):
    with pytest.raises(ValueError, match="both accept"):
        match_headers(["x"], columns)


@pytest.mark.parametrize("kwargs", [{"kind": "float"}, {"kind": "int", "max_length": 3}])
def test_invalid_column_definitions_are_refused(kwargs):
    with pytest.raises(ValueError):
        Column("a", **kwargs)


# --- decimals --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1.234,56", "1234.56"),
    ("1234,56", "1234.56"),
    ("1234.56", "1234.56"),
    ("1,234.56", "1234.56"),
    ("-12,5", "-12.5"),
    ("+12,5", "12.5"),
    ("12,50 €", "12.50"),
    ("€ 12,50", "12.50"),
    ("12,50 EUR", "12.50"),
    ("12,50\u00a0€", "12.50"),
    (" 1.234,56 ", "1234.56"),
    ("1 234,56", "1234.56"),
    ("1\u00a0234\u00a0567,89", "1234567.89"),
    ("1.234.567", "1234567"),
    ("1,234,567.89", "1234567.89"),
    ("12,50-", "-12.50"),
    ("\u221212,5", "-12.5"),
    ("- 3,5", "-3.5"),
    ("0,5", "0.5"),
    (",5", "0.5"),
    ("0.125", "0.125"),
    ("1,2345", "1.2345"),
    ("42", "42"),
    ("007", "7"),
])
def test_parse_decimal_accepts_german_and_english_numbers(text, expected):
    value = parse_decimal(text)
    assert isinstance(value, Decimal) and value == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("1.2.3", "„1.2.3“ ist keine gültige Zahl"),
    ("12,34,56", "„12,34,56“ ist keine gültige Zahl"),
    ("1.234.56", "keine gültige Zahl"),
    ("1.234,567.8", "keine gültige Zahl"),
    ("12,", "keine gültige Zahl"),
    ("12 34", "keine gültige Zahl"),
    ("1e5", "keine gültige Zahl"),
    ("NaN", "keine gültige Zahl"),
    ("Infinity", "keine gültige Zahl"),
    ("--5", "keine gültige Zahl"),
    ("-12-", "keine gültige Zahl"),
    ("€", "keine gültige Zahl"),
    ("zwölf", "keine gültige Zahl"),
    ("١٢", "keine gültige Zahl"),
    ("1.234", "„1.234“ ist mehrdeutig: 1234 oder 1,234?"),
    ("1,234", "mehrdeutig"),
    ("", "leer"),
])
def test_parse_decimal_refuses_garbage_and_ambiguity_with_a_message(text, message):
    with pytest.raises(ValueError) as raised:
        parse_decimal(text)
    assert message in str(raised.value)


@pytest.mark.parametrize("text, mark, expected", [
    ("1.234", ",", "1234"),
    ("1.234", ".", "1.234"),
    ("1,234", ",", "1.234"),
    ("1,234", ".", "1234"),
    ("1234.56", ",", "1234.56"),
    ("1234,56", ".", "1234.56"),
])
def test_the_files_decimal_mark_settles_only_the_ambiguous_shape(text, mark, expected):
    assert parse_decimal(text, mark) == Decimal(expected)


@pytest.mark.parametrize("data, expected", [
    (b"Lieferantennummer;Kreditlimit\r\nL1;1.500\r\n", Decimal("1500")),
    (b"supplier_number,credit_limit\nL1,1.500\n", Decimal("1.5")),
])
def test_the_reader_applies_the_decimal_mark_of_the_separator(data, expected):
    assert only_values(data, LOOSE)["credit_limit"] == expected


def test_an_ambiguous_number_in_a_tab_file_is_a_cell_error():
    _, rows = rows_of(b"supplier_number\tcredit_limit\nL1\t1.500\n", LOOSE)
    assert rows[0].values["credit_limit"] is None
    assert rows[0].errors[0].column == "credit_limit" and "mehrdeutig" in rows[0].errors[0].message


# --- integers, dates, booleans ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("42", 42), ("-3", -3), ("+7", 7), ("007", 7), (" 30 ", 30),
    ("1.234", 1234), ("1,234", 1234), ("1.234.567", 1234567), ("12,00", 12), ("12.0", 12),
])
def test_parse_int_accepts(text, expected):
    value = parse_int(text)
    assert type(value) is int and value == expected


@pytest.mark.parametrize("text, mark, message", [
    ("1,5", None, "„1,5“ ist keine ganze Zahl (Nachkommastellen"),
    ("12.5", None, "keine ganze Zahl"),
    ("1.234", ".", "keine ganze Zahl"),
    ("1,234", ",", "keine ganze Zahl"),
    ("abc", None, "„abc“ ist keine ganze Zahl."),
    ("²", None, "keine ganze Zahl"),
    ("1_000", None, "keine ganze Zahl"),
    ("", None, "leer"),
])
def test_parse_int_refuses(text, mark, message):
    with pytest.raises(ValueError) as raised:
        parse_int(text, mark)
    assert message in str(raised.value)


@pytest.mark.parametrize("text, expected", [
    ("31.12.2026", date(2026, 12, 31)),
    ("31.12.26", date(2026, 12, 31)),
    ("1.2.2026", date(2026, 2, 1)),
    ("01.02.2026", date(2026, 2, 1)),
    ("1.1.29", date(2029, 1, 1)),
    ("1.1.30", date(1930, 1, 1)),
    ("2026-12-31", date(2026, 12, 31)),
    ("29.02.2028", date(2028, 2, 29)),
    ("31.12.2026 00:00", date(2026, 12, 31)),
    ("2026-12-31T00:00:00", date(2026, 12, 31)),
    (" 31.12.2026 ", date(2026, 12, 31)),
])
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, message", [
    ("31.02.2026", "„31.02.2026“ ist kein gültiges Datum: der Februar 2026 hat nur 28 Tage."),
    ("29.02.2026", "der Februar 2026 hat nur 28 Tage"),
    ("31.04.2026", "der April 2026 hat nur 30 Tage"),
    ("15.13.2026", "„15.13.2026“ ist kein gültiges Datum: einen Monat 13 gibt es nicht."),
    ("0.1.2026", "einen Tag 0 gibt es nicht"),
    ("31.12.0026", "das Jahr 26 ist unplausibel"),
    ("2026/12/31", "„2026/12/31“ ist kein Datum (erwartet TT.MM.JJJJ"),
    ("12/31/2026", "ist kein Datum"),
    ("31.12.206", "ist kein Datum"),
    ("31.12.2026x", "ist kein Datum"),
    ("morgen", "„morgen“ ist kein Datum"),
    ("", "leer"),
])
def test_parse_date_refuses_with_the_value_named(text, message):
    with pytest.raises(ValueError) as raised:
        parse_date(text)
    assert message in str(raised.value)


@pytest.mark.parametrize("text, expected", [
    ("ja", True), ("Ja", True), ("JA", True), ("nein", False), ("yes", True), ("no", False),
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("x", True), ("X", True),
    ("wahr", True), ("FALSCH", False),
])
def test_parse_bool_accepts(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["vielleicht", "jein", "2", "-"])
def test_parse_bool_refuses(text):
    with pytest.raises(ValueError, match=f"„{text}“ ist kein Ja/Nein-Wert"):
        parse_bool(text)


# --- typed rows ------------------------------------------------------------------------------

def test_a_full_german_excel_row_is_typed():
    data = ("Lief.-Nr.;Firma;Straße;USt-IdNr.;E-Mail;Kreditlimit;Zahlungsziel;Kunde seit;Aktiv;Land;\r\n"
            "L-001;Bäckerei Groß;Hauptstraße 1;DE123456789;info@example.de;1.234,56 €;30;31.12.26;x;de;\r\n"
            ).encode("cp1252")
    assert only_values(data) == {
        "supplier_number": "L-001", "name": "Bäckerei Groß", "street": "Hauptstraße 1",
        "vat_id": "DE123456789", "email": "info@example.de", "credit_limit": Decimal("1234.56"),
        "payment_days": 30, "since": date(2026, 12, 31), "active": True, "country": "DE",
    }


def test_every_bad_cell_of_a_row_is_reported_and_the_rest_is_still_typed():
    data = ("Lieferantennummer;Name;Kreditlimit;Zahlungsziel;Kunde seit;Aktiv;Land\r\n"
            f";{'x' * 41};1.2.3;dreißig;31.02.2026;vielleicht;FR\r\n").encode("cp1252")
    _, [row] = rows_of(data)
    assert not row.ok
    assert [(e.column, e.raw) for e in row.errors] == [
        ("supplier_number", ""), ("name", "x" * 41), ("credit_limit", "1.2.3"),
        ("payment_days", "dreißig"), ("since", "31.02.2026"), ("active", "vielleicht"), ("country", "FR"),
    ]
    assert "höchstens 40" in row.errors[1].message
    assert "„FR“ ist nicht erlaubt (erlaubt: DE, AT, CH)" in row.errors[6].message
    assert set(row.values.values()) == {None}


def test_empty_cells_are_none_and_absent_columns_are_left_out():
    values = only_values(b"Lieferantennummer;Name;Kreditlimit;Aktiv\r\nL1;A;;  \r\n")
    assert values == {"supplier_number": "L1", "name": "A", "credit_limit": None, "active": None}


def test_int_choices_compare_typed_values():
    columns = [Column("tax_class", ("Steuerklasse",), kind="int", choices=range(1, 7))]
    _, rows = rows_of(b"Steuerklasse\r\n3\r\n7\r\n", columns)
    assert rows[0].values == {"tax_class": 3}
    assert rows[1].errors[0].message == "„7“ ist nicht erlaubt (erlaubt: 1, 2, 3, 4, 5, 6)."


def test_the_reader_can_be_iterated_twice_with_the_same_rows():
    reader = read_rows(b"Lieferantennummer;Name\r\nL1;A\r\nL2;B\r\n", SUPPLIER)
    assert list(reader) == list(reader)


def test_header_problems_raise_before_any_row_is_read():
    with pytest.raises(CsvFormatError, match="Pflichtspalte fehlt: Name"):
        read_rows(b"Lieferantennummer\r\nL1\r\n", SUPPLIER)


def test_rows_are_streamed_not_collected():
    line = "L{0};Lieferant {0};1.234,56;30;31.12.2026;ja\r\n"
    data = ("Lieferantennummer;Name;Kreditlimit;Zahlungsziel;Kunde seit;Aktiv\r\n"
            + "".join(line.format(i) for i in range(60_000))).encode("cp1252")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(data, SUPPLIER))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert peak < len(data) / 3, f"peak {peak:,} bytes for a {len(data):,}-byte file"


# --- template --------------------------------------------------------------------------------

def test_template_is_german_excel_csv_with_german_labels():
    template = write_template(SUPPLIER[:4])
    assert template == codecs.BOM_UTF8 + "Lieferantennummer;Name;Straße;USt-IdNr.\r\n".encode()


def test_english_template_uses_the_column_names():
    assert write_template(SUPPLIER[:3], lang="en") == codecs.BOM_UTF8 + b"supplier_number;name;street\r\n"


def test_template_refuses_an_unknown_language():
    with pytest.raises(ValueError):
        write_template(SUPPLIER, lang="fr")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_template_round_trips_through_the_reader(lang):
    template = write_template(SUPPLIER, lang=lang)
    reader, rows = rows_of(template)
    assert (reader.encoding, reader.delimiter, rows) == ("utf-8-sig", ";", [])
    assert set(reader.header_map.positions) == {c.name for c in SUPPLIER}
    filled = template + "L1;Müller;;;;12,50;14;1.2.2026;nein;AT\r\n".encode()
    assert list(read_rows(filled, SUPPLIER))[0].values["credit_limit"] == Decimal("12.50")


def test_a_label_with_a_semicolon_is_quoted_and_still_round_trips():
    columns = [Column("weight", ("Gewicht; kg",), kind="decimal"), Column("name", ("Name",))]
    template = write_template(columns)
    assert template.startswith(codecs.BOM_UTF8 + b'"Gewicht; kg";Name')
    [row] = read_rows(template + b"2,5;X\r\n", columns)
    assert row.values == {"weight": Decimal("2.5"), "name": "X"}

"""Write the CSV fixture files of the import tests: python tests/data/csv/make_fixtures.py

Every format variant holds the same three employees, so a test can assert that each
one imports to exactly the same documents. The files are committed; rerun this script
after changing it.
"""
import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent

GERMAN_HEADER = ["Personalnummer", "Vorname", "Nachname", "E-Mail", "Abteilung", "Position",
                 "Eintrittsdatum", "Austrittsdatum", "Bruttogehalt", "Steuerklasse", "IBAN"]
ENGLISH_HEADER = ["personnel_no", "first_name", "last_name", "email", "department", "position",
                  "hire_date", "exit_date", "monthly_gross", "tax_class", "iban"]
# (German Excel cells, English/ISO cells) per employee
EMPLOYEES = [
    (["P1001", "Jürgen", "Müller", "j.mueller@firma.example.com", "Einkauf", "Leitung",
      "01.04.2020", "", "4.250,50", "3", "DE89 3704 0044 0532 0130 00"],
     ["P1001", "Jürgen", "Müller", "j.mueller@firma.example.com", "Einkauf", "Leitung",
      "2020-04-01", "", "4250.50", "3", "DE89370400440532013000"]),
    (["P1002", "Özlem", "Weiß", "", "Lager", "Fachkraft für Lagerlogistik",
      "15.08.26", "", "2.980,00", "1", "DE02120300000000202051"],
     ["P1002", "Özlem", "Weiß", "", "Lager", "Fachkraft für Lagerlogistik",
      "2026-08-15", "", "2980.00", "1", "DE02120300000000202051"]),
    (["P1003", "Søren", "Groß", "soeren@firma.example.com", "Buchhaltung", "Bilanz € Steuern",
      "31.12.2019", "30.06.2026", "1234,56", "4", ""],
     ["P1003", "Søren", "Groß", "soeren@firma.example.com", "Buchhaltung", "Bilanz € Steuern",
      "2019-12-31", "2026-06-30", "1234.56", "4", ""]),
]


def lines(header, rows, delimiter, trailing=""):
    return [delimiter.join(header) + trailing] + [delimiter.join(r) + trailing for r in rows]


def write(name: str, text: str, encoding: str, bom: bool = False) -> None:
    data = text.encode(encoding)
    (HERE / name).write_bytes((codecs.BOM_UTF8 if bom else b"") + data)


def main() -> None:
    german = [g for g, _ in EMPLOYEES]
    english = [e for _, e in EMPLOYEES]
    # German Excel: cp1252, ';', CRLF, a trailing ';' on each line, blank lines at the end.
    write("employees-excel-cp1252.csv",
          "\r\n".join(lines(GERMAN_HEADER, german, ";", trailing=";")) + "\r\n\r\n;;\r\n", "cp1252")
    write("employees-utf8-bom.csv", "\r\n".join(lines(GERMAN_HEADER, german, ";")) + "\r\n", "utf-8", bom=True)
    write("employees-utf8-comma-lf.csv", "\n".join(lines(ENGLISH_HEADER, english, ",")) + "\n", "utf-8")
    write("employees-tabs.csv", "\r\n".join(lines(ENGLISH_HEADER, english, "\t")) + "\r\n", "utf-8")
    quoted_header = ";".join(f'"{h}"' for h in GERMAN_HEADER)
    quoted_rows = [";".join(f'"{c}"' for c in row) for row in german]
    # A position with the separator, quotes and a line break inside quotes.
    quoted_rows[0] = quoted_rows[0].replace('"Leitung"', '"Leitung ""Einkauf""; Süd\r\nund Nord"')
    write("employees-quoted-multiline.csv", "\r\n".join([quoted_header, *quoted_rows]) + "\r\n", "cp1252")

    errors = [
        GERMAN_HEADER,
        ["P2001", "Anna", "Gut", "", "IT", "", "01.02.2026", "", "3.000,00", "1", "DE89370400440532013000"],
        ["P2002", "Bernd", "Datum", "", "IT", "", "31.02.2026", "", "3.000,00", "1", ""],
        ["P2003", "Clara", "Iban", "", "IT", "", "01.02.2026", "", "3.000,00", "1", "DE89370400440532013001"],
        ["P2004", "Dieter", "Zahl", "", "IT", "", "01.02.2026", "", "drei", "1", ""],
        ["P2001", "Emil", "Doppelt", "", "IT", "", "01.02.2026", "", "3.000,00", "1", ""],
        ["P2006", "", "Ohnevorname", "", "IT", "", "01.02.2026", "", "3.000,00", "1", ""],
        ["P2007", "Gustav", "Klasse", "", "IT", "", "01.02.2026", "", "3.000,00", "7", ""],
        ["P2008", "Hanna", "Austritt", "", "IT", "", "01.02.2026", "01.01.2026", "3.000,00", "1", ""],
        ["P2009", "Ida", "Mail", "keine-mail", "IT", "", "01.02.2026", "", "3.000,00", "1", ""],
        ["P2010", "Jan", "Gut", "", "IT", "", "01.03.2026", "", "3.100,00", "2", ""],
    ]
    write("employees-errors.csv", "\r\n".join(";".join(r) for r in errors) + "\r\n", "cp1252")

    write("employees-missing-column.csv",
          "Personalnummer;Vorname;Nachname;Eintrittsdatum\r\nP1;A;B;01.01.2026\r\n", "cp1252")
    (HERE / "employees-not-csv.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)

    write("suppliers.csv", "\r\n".join([
        "Lieferantennummer;Firma;USt-IdNr.;IBAN;E-Mail;Straße;PLZ;Ort;Land;Zahlungsziel",
        "L100;Großhandel Schäfer GmbH;DE123456788;DE89370400440532013000;info@schaefer.example.com;"
        "Hauptstraße 1;80331;München;DE;14",
        "L200;\"Müller & Söhne; Werkzeuge\";;;;Am Markt 5;50667;Köln;DE;30",
    ]) + "\r\n", "cp1252")
    write("stock_items.csv", "\r\n".join([
        "Artikelnummer;Bezeichnung;Einheit;Bestand;Meldebestand;Bestellmenge;Einkaufspreis;Lieferantennummer;Lagerort",
        "A-1;Kabelbinder 200 mm;Pkt;1.250;100;500;3,4900;L100;Regal 1",
        "A-2;Schrauben M6 × 20;Stk;12,5;0;0;0,0825;L200;Regal 2",
        "A-3;Unbekannter Lieferant;Stk;1;0;0;1,00;L999;Regal 3",
    ]) + "\r\n", "cp1252")
    write("tickets.csv", "\r\n".join([
        "Ticketnummer;Titel;Beschreibung;Personalnummer;Priorität;Status;Fällig am",
        "T-2026-00107;Drucker im Büro druckt nicht;\"Fehler \"\"0x80\"\"\r\nseit Montag\";P1001;hoch;new;31.12.2026",
        "T-2026-00108;Neuer Laptop;;;normal;in_progress;",
        "T-2026-00109;Zugang fehlt;;P9999;niedrig;new;",
    ]) + "\r\n", "cp1252")
    write("journal_entries.csv", "\r\n".join([
        "Datum;Sollkonto;Habenkonto;Betrag;Buchungstext;Belegnummer",
        "15.03.2026;4930;1000;119,00;Büromaterial bar;B-1",
        "16.03.2026;4930;;100,00;Einkauf Papier;B-2",
        "16.03.2026;1576;;19,00;Vorsteuer 19 %;B-2",
        "16.03.2026;;1200;119,00;Einkauf Papier;B-2",
        "17.03.2026;4930;;50,00;Nicht ausgeglichen;B-3",
        "17.03.2026;;1200;40,00;Nicht ausgeglichen;B-3",
        "18.03.2026;9999;1000;10,00;Konto fehlt;B-4",
    ]) + "\r\n", "cp1252")


if __name__ == "__main__":
    main()

"""Every CSV bank profile on a sample written by hand in the bank's own shape.

Each sample copies what the bank's export looks like: the lines above the table, the
separator and quoting, German amounts and dates (two-digit years where the bank writes
them), the encoding (Windows-1252 or UTF-8 with BOM), pending rows, and the balance line
below the table. The expectations are written out by hand from the sample.
"""
from datetime import date
from decimal import Decimal

import pytest

from models.bank_csv_mapping import BankCsvMapping
from services.banking.statements import import_file
from services.banking.statements_csv import parse_csv, profile_of
from services.banking.statements_parsed import StatementFormatError
from tests.services.banking.files import ACCOUNT_IBAN, CUSTOMER_IBAN, OTHER_IBAN

D = Decimal
TELEKOM_CI = "DE93ZZZ00000078611"


def rows(st):
    return [(t.booking_date, t.amount, t.counterparty_name, t.counterparty_iban) for t in st.transactions]


# --- Sparkasse: CSV-CAMT V2, Windows-1252, every cell quoted, dd.mm.yy, newest first ------------
SPARKASSE = (
    '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";'
    '"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";'
    '"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";'
    '"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"\r\n'
    f'"{ACCOUNT_IBAN}";"23.03.26";"23.03.26";"FOLGELASTSCHRIFT";"Rechnung 03/2026";"{TELEKOM_CI}";'
    f'"MREF-77";"E2E-TEL-3";"";"";"";"Telekom Deutschland GmbH";"{OTHER_IBAN}";"DEUTDEFFXXX";'
    '"-39,95";"EUR";"Umsatz vorgemerkt"\r\n'
    f'"{ACCOUNT_IBAN}";"20.03.26";"20.03.26";"GUTSCHR. UEBERWEISUNG";"RE-2026-00011 Größer";"";"";'
    f'"NOTPROVIDED";"";"";"";"Bäckerei Größer KG";"{CUSTOMER_IBAN}";"COBADEFFXXX";"1.190,00";"EUR";'
    '"Umsatz gebucht"\r\n'
    f'"{ACCOUNT_IBAN}";"02.03.26";"01.03.26";"FOLGELASTSCHRIFT";"Miete Lager März";"DE98ZZZ09999999999";'
    f'"M-1";"E2E-MIETE-3";"";"";"";"Hausverwaltung Süd";"{OTHER_IBAN}";"";"-1.250,00";"EUR";'
    '"Umsatz gebucht"\r\n'
    f'"{ACCOUNT_IBAN}";"02.03.26";"02.03.26";"ENTGELTABSCHLUSS";"Entgeltabrechnung siehe Anlage";"";"";'
    '"";"";"";"";"";"0000000000";"10050000";"-7,50";"EUR";"Umsatz gebucht"\r\n')


def test_sparkasse_csv_camt_in_windows_1252_with_a_pending_row():
    [st] = parse_csv(SPARKASSE.encode("cp1252"))
    assert st.account_iban == ACCOUNT_IBAN
    # the pending Telekom debit is no booking yet; the rest in booking order: the file lists
    # the newest first, so of the two on 02.03. the fee (lower in the file) was booked first
    assert rows(st) == [
        (date(2026, 3, 2), D("-7.50"), "", "0000000000"),
        (date(2026, 3, 2), D("-1250.00"), "Hausverwaltung Süd", OTHER_IBAN),
        (date(2026, 3, 20), D("1190.00"), "Bäckerei Größer KG", CUSTOMER_IBAN)]
    fee, rent, paid = st.transactions
    assert rent.value_date == date(2026, 3, 1)
    assert (rent.mandate_id, rent.creditor_id, rent.end_to_end_id) == ("M-1", "DE98ZZZ09999999999", "E2E-MIETE-3")
    assert paid.end_to_end_id == "" and paid.purpose == "RE-2026-00011 Größer"
    assert paid.booking_text == "GUTSCHR. UEBERWEISUNG" and paid.counterparty_bic == "COBADEFFXXX"
    assert (st.from_date, st.to_date) == (date(2026, 3, 2), date(2026, 3, 20))
    assert (st.credit_sum, st.debit_sum) == (D("1190.00"), D("1257.50"))
    assert st.opening_balance is None and st.closing_balance is None   # the export has none


# --- Volksbank / VR (Atruvia): UTF-8 with BOM, no quotes, balance after each booking ----------------
VR_HEADER = ("Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;"
             "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;"
             "BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;{waehrung};"
             "Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;{glaeubiger};Mandatsreferenz\r\n")
VR_ROWS = [
    f"GiroKonto Online;{ACCOUNT_IBAN};GENODEF1XXX;Volksbank Musterland eG;24.03.2026;24.03.2026;"
    f"Telekom Deutschland GmbH;{OTHER_IBAN};DEUTDEFFXXX;Basislastschrift;Rechnung 03/2026 EREF: E2E-TEL-3 "
    f"MREF: MREF-77 CRED: {TELEKOM_CI};-39,95;EUR;3.850,05;;;;{TELEKOM_CI};MREF-77\r\n",
    f"GiroKonto Online;{ACCOUNT_IBAN};GENODEF1XXX;Volksbank Musterland eG;20.03.2026;20.03.2026;"
    f"Bäckerei Größer KG;{CUSTOMER_IBAN};COBADEFFXXX;Überweisungsgutschr.;RE-2026-00012 "
    "EREF: NOTPROVIDED;2.390,00;EUR;3.890,00;;;;;\r\n",
    f"GiroKonto Online;{ACCOUNT_IBAN};GENODEF1XXX;Volksbank Musterland eG;19.03.2026;19.03.2026;"
    f"Hausverwaltung Süd;{OTHER_IBAN};;Dauerauftragsbelast;Miete Lager März;-1.000,00;EUR;1.500,00;;;;;\r\n",
]


@pytest.mark.parametrize("waehrung, glaeubiger, encoding", [
    ("Waehrung", "Glaeubiger ID", "utf-8-sig"), ("Währung", "Gläubiger ID", "utf-8-sig"),
    ("Waehrung", "Glaeubiger ID", "cp1252")])
def test_volksbank_export_takes_its_balances_from_the_balance_after_each_booking(waehrung, glaeubiger, encoding):
    text = VR_HEADER.format(waehrung=waehrung, glaeubiger=glaeubiger) + "".join(VR_ROWS)
    [st] = parse_csv(text.encode(encoding))
    assert st.account_iban == ACCOUNT_IBAN
    assert rows(st) == [
        (date(2026, 3, 19), D("-1000.00"), "Hausverwaltung Süd", OTHER_IBAN),
        (date(2026, 3, 20), D("2390.00"), "Bäckerei Größer KG", CUSTOMER_IBAN),
        (date(2026, 3, 24), D("-39.95"), "Telekom Deutschland GmbH", OTHER_IBAN)]
    # 1,500.00 after the rent of 1,000.00 -> 2,500.00 before it; 3,850.05 after the last booking
    assert (st.opening_balance, st.closing_balance) == (D("2500.00"), D("3850.05"))
    assert st.opening_balance - D("1000.00") + D("2390.00") - D("39.95") == st.closing_balance
    telekom = st.transactions[-1]
    assert (telekom.creditor_id, telekom.mandate_id) == (TELEKOM_CI, "MREF-77")
    assert telekom.booking_text == "Basislastschrift"


def test_a_row_missing_from_a_volksbank_export_shows_as_a_balance_mismatch(app, bank_account):
    text = VR_HEADER.format(waehrung="Waehrung", glaeubiger="Glaeubiger ID") + VR_ROWS[0] + VR_ROWS[2]
    [st] = parse_csv(text.encode("utf-8-sig"))
    # opening 2,500.00 - 1,000.00 - 39.95 = 1,460.05, but the bank's last balance is 3,850.05
    assert (st.opening_balance, st.closing_balance) == (D("2500.00"), D("3850.05"))
    [result] = import_file(text.encode("utf-8-sig"), "vr.csv", "fibu")
    assert result.new == 2
    assert any("Differenz 2.390,00 €" in p for p in result.problems), result.problems
    [whole] = import_file((VR_HEADER.format(waehrung="Waehrung", glaeubiger="Glaeubiger ID")
                           + "".join(VR_ROWS)).encode("utf-8-sig"), "vr2.csv", "fibu")
    assert not any("Endsaldo" in p for p in whole.problems), whole.problems
    assert (whole.new, whole.duplicates) == (1, 2)   # only the 2,390.00 credit was missing


# --- Deutsche Bank: Windows-1252, lines above, Soll/Haben, a "Kontostand" line below ------------
DEUTSCHE_BANK = (
    "Umsätze Girokonto;Zeitraum: 01.03.2026 - 21.03.2026;;;;\r\n"
    ";;;;;\r\n"
    "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;Kundenreferenz;"
    "Mandatsreferenz ;Gläubiger ID;Fremde Gebühren;Betrag;Abweichender Empfänger;Anzahl der Aufträge;"
    "Anzahl der Schecks;Soll;Haben;Währung\r\n"
    f"20.03.2026;20.03.2026;SEPA-Lastschrift von;Telekom Deutschland GmbH;Kd-Nr 123 Rechnung 03/2026;"
    f"{OTHER_IBAN};DEUTDEFFXXX;E2E-TEL-3;MREF-77;{TELEKOM_CI};;;;;;-1.019,99;;EUR\r\n"
    f"19.03.2026;18.03.2026;SEPA-Überweisung von;Bäckerei Größer KG;RE-2026-00003;{CUSTOMER_IBAN};"
    "COBADEFFXXX;NOTPROVIDED;;;;;;;;;2.500,00;EUR\r\n"
    "Kontostand;21.03.2026;;;12.345,67;EUR\r\n")


def test_deutsche_bank_reads_debit_and_credit_and_skips_the_balance_line():
    with pytest.raises(StatementFormatError, match="--account"):
        parse_csv(DEUTSCHE_BANK.encode("cp1252"))   # the file does not name the account
    [st] = parse_csv(DEUTSCHE_BANK.encode("cp1252"), account_iban=ACCOUNT_IBAN)
    assert rows(st) == [
        (date(2026, 3, 19), D("2500.00"), "Bäckerei Größer KG", CUSTOMER_IBAN),
        (date(2026, 3, 20), D("-1019.99"), "Telekom Deutschland GmbH", OTHER_IBAN)]
    paid, telekom = st.transactions
    assert paid.value_date == date(2026, 3, 18) and paid.end_to_end_id == ""
    assert (telekom.end_to_end_id, telekom.mandate_id, telekom.creditor_id) == ("E2E-TEL-3", "MREF-77", TELEKOM_CI)


def test_the_account_chosen_at_import_names_a_csv_without_one(app, bank_account):
    [result] = import_file(DEUTSCHE_BANK.encode("cp1252"), "db.csv", "fibu", account_iban=ACCOUNT_IBAN)
    assert (result.account_iban, result.new, result.rejected) == (ACCOUNT_IBAN, 2, "")


# --- Postbank (since 2022, the Deutsche Bank platform): UTF-8 with BOM, padded lines above --------
def _pad(*cells):
    return ";".join(list(cells) + [""] * (18 - len(cells))) + "\r\n"


POSTBANK = (
    _pad("Umsätze") + _pad("Konto", "Filial-/Kontonummer", "IBAN", "Währung")
    + _pad("Postbank Giro plus", "123 4567890 00", ACCOUNT_IBAN, "EUR") + _pad()
    + _pad("1.3.2026 - 21.3.2026") + _pad("Letzter Kontostand", "", "", "", "4.321,09", "EUR")
    + _pad("Vorgemerkte und noch nicht gebuchte Umsätze sind nicht Bestandteil dieser Übersicht.")
    + "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN / Kontonummer;BIC;"
      "Kundenreferenz;Mandatsreferenz;Gläubiger ID;Fremde Gebühren;Betrag;Abweichender Empfänger;"
      "Anzahl der Aufträge;Anzahl der Schecks;Soll;Haben;Währung\r\n"
    f"21.3.2026;21.3.2026;SEPA Lastschrift;Telekom Deutschland GmbH;Rechnung 03/2026;{OTHER_IBAN};"
    f"DEUTDEFFXXX;E2E-TEL-3;MREF-77;{TELEKOM_CI};;-39,95;;;;-39,95;;EUR\r\n"
    f"9.3.2026;9.3.2026;SEPA Überweisung;Bäckerei Größer KG;RE-2026-00004;{CUSTOMER_IBAN};"
    "COBADEFFXXX;;;;;1.190,00;;;;;1.190,00;EUR\r\n"
    + _pad("Kontostand", "21.3.2026", "", "", "4.321,09", "EUR"))


def test_postbank_reads_the_account_from_the_lines_above_and_skips_the_balance_line():
    [st] = parse_csv(POSTBANK.encode("utf-8-sig"))
    assert st.account_iban == ACCOUNT_IBAN
    assert rows(st) == [
        (date(2026, 3, 9), D("1190.00"), "Bäckerei Größer KG", CUSTOMER_IBAN),
        (date(2026, 3, 21), D("-39.95"), "Telekom Deutschland GmbH", OTHER_IBAN)]
    assert st.transactions[1].mandate_id == "MREF-77"


POSTBANK_OLD = (
    "Umsätze\r\nName: Müller & Söhne GmbH\r\nBLZ: 10010010\r\nKontonummer: 1234567890\r\n"
    "IBAN: DE89 3704 0044 0532 0130 00\r\nAktueller Kontostand: 3.210,00 €\r\n\r\n"
    "Buchungstag;Wertstellung;Umsatzart;Buchungsdetails;Auftraggeber;Empfänger;Betrag (€);Saldo (€)\r\n"
    "20.03.2026;20.03.2026;Gutschrift;Referenz NOTPROVIDED Verwendungszweck RE-2026-00005;"
    "Bäckerei Größer KG;Müller & Söhne GmbH;1.190,00 €;3.210,00 €\r\n"
    "18.03.2026;18.03.2026;Lastschrift;Referenz E2E-STROM Mandat M-9 Strom März;Müller & Söhne GmbH;"
    "Stadtwerke Musterstadt;-80,00 €;2.020,00 €\r\n")


def test_postbank_before_2022_with_euro_signs_and_the_balance_after_each_booking():
    [st] = parse_csv(POSTBANK_OLD.encode("cp1252"))
    assert st.account_iban == ACCOUNT_IBAN
    # the payer on money in, the payee on money out
    assert rows(st) == [(date(2026, 3, 18), D("-80.00"), "Stadtwerke Musterstadt", ""),
                        (date(2026, 3, 20), D("1190.00"), "Bäckerei Größer KG", "")]
    assert (st.opening_balance, st.closing_balance) == (D("2100.00"), D("3210.00"))


# --- Commerzbank: the IBAN column is the own account, references inside the booking text --------
COMMERZBANK = (
    "Buchungstag;Wertstellung;Umsatzart;Buchungstext;Betrag;Währung;Auftraggeberkonto;"
    "Bankleitzahl Auftraggeberkonto;IBAN Auftraggeberkonto;Kategorie\r\n"
    "19.03.2026;19.03.2026;Gutschrift;Bäckerei Größer KG RE-2026-00006 End-to-End-Ref.: E2E-GR-6;"
    f"595,00;EUR;532013000;37040044;{ACCOUNT_IBAN};Sonstige Einnahmen\r\n"
    '20.03.2026;20.03.2026;Lastschrift;"Telekom Deutschland GmbH Rechnung 03/2026; Kd 123 '
    f'End-to-End-Ref.: E2E-TEL-3 Mandatsref: MREF-77 Gläubiger-ID: {TELEKOM_CI} '
    'SEPA-BASISLASTSCHRIFT wiederholend";-1.039,95;EUR;532013000;37040044;'
    f"{ACCOUNT_IBAN};Telefon & Internet\r\n")


@pytest.mark.parametrize("own_iban_header", ["IBAN Auftraggeberkonto", "IBAN Kontoinhaber"])
def test_commerzbank_takes_its_own_iban_as_the_account_not_as_the_counterparty(own_iban_header):
    text = COMMERZBANK.replace("IBAN Auftraggeberkonto", own_iban_header)
    [st] = parse_csv(text.encode("utf-8-sig"))
    assert st.account_iban == ACCOUNT_IBAN
    assert [(t.booking_date, t.amount, t.counterparty_iban) for t in st.transactions] == [
        (date(2026, 3, 19), D("595.00"), ""), (date(2026, 3, 20), D("-1039.95"), "")]
    paid, telekom = st.transactions
    assert paid.end_to_end_id == "E2E-GR-6" and "RE-2026-00006" in paid.purpose
    assert (telekom.end_to_end_id, telekom.mandate_id, telekom.creditor_id) == (
        "E2E-TEL-3", "MREF-77", TELEKOM_CI)
    assert telekom.purpose.startswith("Telekom Deutschland GmbH Rechnung 03/2026; Kd 123")


# --- ING: Windows-1252, account data above, newest first; old layout with a balance column ------
ING_ABOVE = ("Umsatzanzeige;Datei erstellt am: 24.03.2026 08:15\r\n{update}\r\n"
             "IBAN;DE89 3704 0044 0532 0130 00\r\nKontoname;Girokonto\r\nBank;ING\r\n"
             "Kunde;Müller & Söhne GmbH\r\nZeitraum;01.03.2026 - 24.03.2026\r\nSaldo;5.150,05;EUR\r\n\r\n"
             "Sortierung;Datum absteigend\r\n\r\nIn der CSV-Datei finden Sie alle bereits gebuchten "
             "Umsätze. Die vorgemerkten Umsätze werden nicht aufgenommen, auch wenn sie in Ihrem "
             "Internetbanking angezeigt werden.\r\n\r\n")
ING_NEW = (ING_ABOVE.format(update="")
           + "Buchung;Wertstellungsdatum;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Betrag;Währung\r\n"
           "24.03.2026;24.03.2026;Telekom Deutschland GmbH;Lastschrift;Rechnung 03/2026;-39,95;EUR\r\n"
           "20.03.2026;20.03.2026;Bäckerei Größer KG;Gutschrift;RE-2026-00007;3.190,00;EUR\r\n")
ING_OLD = (ING_ABOVE.format(update=";Letztes Update: aktuell")
           + "Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung\r\n"
           "24.03.2026;24.03.2026;Telekom Deutschland GmbH;Lastschrift;Rechnung 03/2026;5.150,05;EUR;-39,95;EUR\r\n"
           "20.03.2026;19.03.2026;Bäckerei Größer KG;Gutschrift;RE-2026-00007;5.190,00;EUR;3.190,00;EUR\r\n")


def test_ing_current_and_old_layout():
    [new] = parse_csv(ING_NEW.encode("cp1252"))
    assert new.account_iban == ACCOUNT_IBAN
    assert rows(new) == [(date(2026, 3, 20), D("3190.00"), "Bäckerei Größer KG", ""),
                         (date(2026, 3, 24), D("-39.95"), "Telekom Deutschland GmbH", "")]
    assert new.transactions[1].booking_text == "Lastschrift"
    assert new.opening_balance is None   # the current layout has no balance per booking
    [old] = parse_csv(ING_OLD.encode("cp1252"))
    assert rows(old) == rows(new)
    assert old.transactions[0].value_date == date(2026, 3, 19)
    # 5,190.00 after the credit of 3,190.00 -> 2,000.00 before it
    assert (old.opening_balance, old.closing_balance) == (D("2000.00"), D("5150.05"))


# --- DKB: current export (UTF-8 with BOM, dd.mm.yy, a status column) and the one before 2023 -----
DKB = ('"Girokonto";"DE89370400440532013000"\n""\n"Kontostand vom 24.03.2026:";"5.150,05 €"\n""\n'
       '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";'
       '"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz"\n'
       '"25.03.26";"25.03.26";"Vorgemerkt";"Müller & Söhne GmbH";"Stadtwerke Musterstadt";"Strom März";'
       f'"Ausgang";"{OTHER_IBAN}";"-80";"DE11ZZZ00000012345";"M-9";"E2E-STROM"\n'
       '"24.03.26";"24.03.26";"Gebucht";"Müller & Söhne GmbH";"Telekom Deutschland GmbH";"Rechnung 03/2026";'
       f'"Ausgang";"{OTHER_IBAN}";"-39,95";"{TELEKOM_CI}";"MREF-77";"E2E-TEL-3"\n'
       '"20.03.26";"20.03.26";"Gebucht";"Bäckerei Größer KG";"Müller & Söhne GmbH";"RE-2026-00008";'
       f'"Eingang";"{CUSTOMER_IBAN}";"1.190";"";"";""\n')
DKB_OLD = ('"Kontonummer:";"DE89370400440532013000 / Girokonto";\r\n\r\n"Von:";"01.03.2026";\r\n'
           '"Bis:";"24.03.2026";\r\n"Kontostand vom 24.03.2026:";"5.150,05 EUR";\r\n\r\n'
           '"Buchungstag";"Wertstellung";"Buchungstext";"Auftraggeber / Begünstigter";"Verwendungszweck";'
           '"Kontonummer";"BLZ";"Betrag (EUR)";"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz";\r\n'
           '"24.03.2026";"24.03.2026";"FOLGELASTSCHRIFT";"Telekom Deutschland GmbH";"Rechnung 03/2026";'
           f'"{OTHER_IBAN}";"DEUTDEFFXXX";"-1.039,95";"{TELEKOM_CI}";"MREF-77";"E2E-TEL-3";\r\n'
           '"20.03.2026";"20.03.2026";"Gutschrift";"Bäckerei Größer KG";"RE-2026-00008";'
           f'"{CUSTOMER_IBAN}";"COBADEFFXXX";"1.190,00";"";"";"";\r\n')


def test_dkb_current_export_leaves_out_the_pending_row():
    [st] = parse_csv(DKB.encode("utf-8-sig"))
    assert st.account_iban == ACCOUNT_IBAN
    # "1.190" is one thousand one hundred ninety (a ';' file writes the decimal comma)
    assert rows(st) == [(date(2026, 3, 20), D("1190.00"), "Bäckerei Größer KG", CUSTOMER_IBAN),
                        (date(2026, 3, 24), D("-39.95"), "Telekom Deutschland GmbH", OTHER_IBAN)]
    assert st.transactions[1].end_to_end_id == "E2E-TEL-3"


def test_dkb_export_before_2023():
    [st] = parse_csv(DKB_OLD.encode("cp1252"))
    assert st.account_iban == ACCOUNT_IBAN
    assert rows(st) == [(date(2026, 3, 20), D("1190.00"), "Bäckerei Größer KG", CUSTOMER_IBAN),
                        (date(2026, 3, 24), D("-1039.95"), "Telekom Deutschland GmbH", OTHER_IBAN)]
    telekom = st.transactions[1]
    assert (telekom.counterparty_bic, telekom.mandate_id, telekom.creditor_id) == (
        "DEUTDEFFXXX", "MREF-77", TELEKOM_CI)


# --- A bank without a profile: the clerk's saved mapping ------------------------------------------
COMDIRECT = (';\r\n"Umsätze Girokonto";"Zeitraum: 01.03.2026 - 24.03.2026";\r\n'
             '"Neuer Kontostand";"5.150,05 EUR";\r\n\r\n'
             '"Buchungstag";"Wertstellung (Valuta)";"Vorgang";"Buchungstext";"Umsatz in EUR";\r\n'
             '"offen";"--";"Lastschrift / Belastung";"Empfänger: Stadtwerke Buchungstext: Strom";"-80,00";\r\n'
             '"24.03.2026";"24.03.2026";"Lastschrift / Belastung";"Empfänger: Telekom Deutschland GmbH '
             'Buchungstext: Rechnung 03/2026";"-39,95";\r\n'
             '"20.03.2026";"20.03.2026";"Übertrag / Überweisung";"Auftraggeber: Bäckerei Größer KG '
             'Buchungstext: RE-2026-00009";"1.190,00";\r\n'
             '"Alter Kontostand";"4.000,00 EUR";\r\n')


def _comdirect_mapping(**extra):
    return BankCsvMapping(name="comdirect", booking_date="Buchungstag", value_date="Wertstellung (Valuta)",
                          amount="Umsatz in EUR", purpose="Buchungstext", **extra)


def test_a_saved_mapping_reads_a_bank_without_a_profile():
    with pytest.raises(StatementFormatError, match="Zuordnung der Spalten"):
        parse_csv(COMDIRECT.encode("cp1252"), account_iban=ACCOUNT_IBAN)
    [st] = parse_csv(COMDIRECT.encode("cp1252"), [profile_of(_comdirect_mapping())],
                     account_iban=ACCOUNT_IBAN)
    # the pending row ("offen") and the balance lines are no bookings
    assert [(t.booking_date, t.amount) for t in st.transactions] == [
        (date(2026, 3, 20), D("1190.00")), (date(2026, 3, 24), D("-39.95"))]
    assert "RE-2026-00009" in st.transactions[0].purpose


def test_a_saved_mapping_with_debit_and_credit_columns_is_used_by_the_import(app, bank_account):
    text = ("Datum;Valuta;Empfänger/Auftraggeber;IBAN Gegenkonto;Text;Soll;Haben\r\n"
            f"20.03.2026;20.03.2026;Bäckerei Größer KG;{CUSTOMER_IBAN};RE-2026-00010;;1.190,00\r\n"
            f"24.03.2026;24.03.2026;Telekom Deutschland GmbH;{OTHER_IBAN};Rechnung 03/2026;39,95;\r\n")
    mapping = BankCsvMapping(name="Hausbank", booking_date="Datum", value_date="Valuta", debit="Soll",
                             credit="Haben", counterparty_name="Empfänger/Auftraggeber",
                             counterparty_iban="IBAN Gegenkonto", purpose="Text").save()
    [result] = import_file(text.encode("cp1252"), "hausbank.csv", "fibu", account_iban=ACCOUNT_IBAN)
    assert (result.new, result.credit_sum, result.debit_sum) == (2, D("1190.00"), D("39.95"))
    mapping.update(set__active=False)
    with pytest.raises(StatementFormatError):
        import_file(text.encode("cp1252"), "hausbank.csv", "fibu", account_iban=ACCOUNT_IBAN)


def test_a_broken_amount_names_its_line():
    broken = DEUTSCHE_BANK.replace("2.500,00", "2.500,00,1")
    with pytest.raises(StatementFormatError, match="Zeile 5"):
        parse_csv(broken.encode("cp1252"), account_iban=ACCOUNT_IBAN)

"""Statement parsers on files built here: camt 001.02-001.08, MT940 with German :86:, CSV profiles."""
from datetime import date
from decimal import Decimal

import pytest

from services.banking.statements_camt import parse_camt
from services.banking.statements_csv import parse_csv
from services.banking.statements_mt940 import parse_details_86, parse_mt940
from services.banking.statements_parsed import StatementFormatError
from tests.services.banking.files import (ACCOUNT_IBAN, CUSTOMER_IBAN, OTHER_IBAN, camt,
                                          details_86, mt940, tx)

D = Decimal


@pytest.mark.parametrize("version", ["001.02", "001.03", "001.04", "001.05", "001.06",
                                     "001.07", "001.08"])
def test_camt053_every_version_gives_the_same_statement(version):
    data = camt([tx("119.00", purpose="Rechnung RE-2026-00001", e2e="E2E-1", ref="R1"),
                 tx("-30.50", name="Telekom AG", iban=OTHER_IBAN, purpose="Rechnung 03/2026",
                    ref="R2", mandate="M-7")], version=version, opening="1000.00")
    [st] = parse_camt(data)
    assert (st.format, st.account_iban, st.statement_id) == ("camt.053", ACCOUNT_IBAN, "1")
    assert st.opening_balance == D("1000.00") and st.closing_balance == D("1088.50")
    incoming, outgoing = st.transactions
    assert incoming.amount == D("119.00") and incoming.counterparty_iban == CUSTOMER_IBAN
    assert incoming.counterparty_name == "Bäckerei Größer KG"
    assert incoming.purpose == "Rechnung RE-2026-00001" and incoming.end_to_end_id == "E2E-1"
    assert incoming.bank_reference == "R1" and incoming.gvc == "166"
    assert outgoing.amount == D("-30.50") and outgoing.counterparty_name == "Telekom AG"
    assert outgoing.counterparty_iban == OTHER_IBAN and outgoing.mandate_id == "M-7"
    assert st.credit_sum == D("119.00") and st.debit_sum == D("30.50")


@pytest.mark.parametrize("version", ["001.02", "001.08"])
def test_a_batch_entry_is_split_into_its_transactions(version):
    batch = [tx("-20.00", name="A GmbH", iban=OTHER_IBAN, purpose="R 1"),
             tx("-30.00", name="B GmbH", iban=CUSTOMER_IBAN, purpose="R 2")]
    [st] = parse_camt(camt([tx("-50.00", ref="BATCH-1", batch=batch)], version=version))
    assert [(t.amount, t.counterparty_name, t.batch_reference) for t in st.transactions] == [
        (D("-20.00"), "A GmbH", "BATCH-1"), (D("-30.00"), "B GmbH", "BATCH-1")]
    assert [t.bank_reference for t in st.transactions] == ["BATCH-1/1", "BATCH-1/2"]


def test_a_batch_whose_parts_do_not_add_up_stays_one_transaction_and_is_reported():
    batch = [tx("-20.00"), tx("-25.00")]
    [st] = parse_camt(camt([tx("-50.00", ref="B2", batch=batch)]))
    assert len(st.transactions) == 1 and st.transactions[0].amount == D("-50.00")
    assert st.transactions[0].batch_count == 2 and "nicht aufgeteilt" in st.problems[0]


def test_returns_are_recognised_by_reversal_indicator_return_info_and_gvc():
    [st] = parse_camt(camt([tx("-119.00", reversal=True, ref="A"),
                            tx("-5.00", returned=True, ref="B"),
                            tx("-7.00", gvc="109", ref="C"),
                            tx("-8.00", ref="D")]))
    assert [t.is_return for t in st.transactions] == [True, True, True, False]


def test_camt052_and_054_and_several_statements_in_one_file():
    [report] = parse_camt(camt([tx("10.00", ref="X")], kind="052"))
    assert report.format == "camt.052" and report.closing_balance == D("1010.00")
    [note] = parse_camt(camt([tx("-50.00", ref="B", batch=[tx("-20.00"), tx("-30.00")])],
                             kind="054"))
    assert note.format == "camt.054" and note.opening_balance is None
    assert [t.amount for t in note.transactions] == [D("-20.00"), D("-30.00")]
    two = parse_camt(camt(None, statements=[
        dict(transactions=[tx("1.00", ref="a")], statement_id="7", opening="5.00"),
        dict(transactions=[tx("2.00", ref="b")], statement_id="8", opening="6.00")]))
    assert [(s.statement_id, s.opening_balance, s.closing_balance) for s in two] == [
        ("7", D("5.00"), D("6.00")), ("8", D("6.00"), D("8.00"))]


def test_camt_refuses_what_is_no_statement():
    with pytest.raises(StatementFormatError):
        parse_camt(b"<Document><Other/></Document>")
    with pytest.raises(StatementFormatError):
        parse_camt(b"<Document><unclosed>")


def test_german_86_field_is_split_into_its_subfields():
    text = ("166?00GUTSCHR. UEBERW.?10931?20EREF+RE-2026-00042?21KREF+K1?22MREF+M1?23CRED+DE98Z"
            "ZZ09999999999?24SVWZ+Rechnung RE-2026-00042 ?25vom 15.03.?30COBADEFFXXX?31"
            f"{CUSTOMER_IBAN}?32Bäckerei Größer?33 KG?34997")
    found = parse_details_86(text)
    assert found["gvc"] == "166" and found["posting_text"] == "GUTSCHR. UEBERW."
    assert found["EREF"] == "RE-2026-00042" and found["KREF"] == "K1"
    assert found["MREF"] == "M1" and found["CRED"] == "DE98ZZZ09999999999"
    assert found["SVWZ"] == "Rechnung RE-2026-00042 vom 15.03."
    assert found["bic"] == "COBADEFFXXX" and found["iban"] == CUSTOMER_IBAN
    assert found["name"] == "Bäckerei Größer KG"


def test_mt940_with_two_statements_in_one_file():
    data = mt940([
        dict(number="5", lines=[
            ("119.00", date(2026, 3, 20), details_86(purpose=(
                "EREF+E2E-9", "SVWZ+Rechnung RE-2026-00001 ", "vielen Dank"))),
            ("-12.50", date(2026, 3, 20), details_86("805", posting="ENTGELT",
                                                     purpose=("Kontofuehrung",), iban="",
                                                     bic="", name=()))]),
        dict(number="6", opening="1106.50", day=date(2026, 3, 21),
             lines=[("-5.00", date(2026, 3, 21), details_86("109", purpose=("SVWZ+Ruecklast",)))])])
    first, second = parse_mt940(data)
    assert first.account_iban == ACCOUNT_IBAN  # from BLZ 37040044 / account 0532013000
    assert (first.statement_id, first.opening_balance, first.closing_balance) == (
        "5/1", D("1000.00"), D("1106.50"))
    paid, fee = first.transactions
    assert paid.amount == D("119.00") and paid.end_to_end_id == "E2E-9"
    assert paid.purpose == "Rechnung RE-2026-00001 vielen Dank"
    assert paid.counterparty_iban == CUSTOMER_IBAN and paid.counterparty_name == "Bäckerei Größer KG"
    assert fee.amount == D("-12.50") and fee.gvc == "805" and fee.purpose == "Kontofuehrung"
    assert second.opening_balance == D("1106.50") and second.closing_balance == D("1101.50")
    assert second.transactions[0].is_return


SPARKASSE = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
             '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
             '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
             '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
             '"Waehrung";"Info"\r\n'
             f'"{ACCOUNT_IBAN}";"21.03.26";"21.03.26";"GUTSCHR. UEBERWEISUNG";"RE-2026-00001";"";"";'
             f'"E2E-5";"";"";"";"Bäckerei Größer KG";"{CUSTOMER_IBAN}";"COBADEFFXXX";"1.234,56";"EUR";'
             '"Umsatz gebucht"\r\n'
             f'"{ACCOUNT_IBAN}";"20.03.26";"20.03.26";"FOLGELASTSCHRIFT";"Miete";"DE98ZZZ09999999999";'
             f'"M-1";"";"";"";"";"Vermieter";"{OTHER_IBAN}";"";"-800,00";"EUR";"Umsatz gebucht"\r\n')
ING = ("Umsatzanzeige;Datei erstellt am: 21.03.2026 08:00\r\n\r\nIBAN;DE89 3704 0044 0532 0130 00\r\n"
       "Kontoname;Girokonto\r\nBank;ING\r\n\r\n"
       "Buchung;Wertstellungsdatum;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;"
       "Währung;Betrag;Währung\r\n"
       "20.03.2026;20.03.2026;Telekom AG;Lastschrift;Rechnung 4711;2.000,00;EUR;-49,99;EUR\r\n")
DKB = ('"Girokonto";"DE89370400440532013000"\r\n""\r\n"Kontostand vom 21.03.2026:";"2.000,00 €"\r\n""\r\n'
       '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";'
       '"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";'
       '"Kundenreferenz"\r\n'
       f'"20.03.26";"20.03.26";"Gebucht";"Bäckerei Größer KG";"Müller & Söhne";"RE-2026-00002";'
       f'"Eingang";"{CUSTOMER_IBAN}";"59,50";"";"";""\r\n'
       f'"19.03.26";"19.03.26";"Gebucht";"Müller & Söhne";"Telekom AG";"Rechnung";'
       f'"Ausgang";"{OTHER_IBAN}";"-10,00";"";"";""\r\n')
DEUTSCHE_BANK = ("Umsätze Girokonto;Zeitraum: 01.03.2026 - 21.03.2026\r\n"
                 "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;"
                 "Kundenreferenz;Mandatsreferenz ;Gläubiger ID;Fremde Gebühren;Soll;Haben;Währung\r\n"
                 f"20.03.2026;20.03.2026;SEPA-Überweisung;Bäckerei Größer KG;RE-2026-00003;{CUSTOMER_IBAN};"
                 "COBADEFFXXX;E2E-7;;;;;250,00;EUR\r\n"
                 f"20.03.2026;20.03.2026;Lastschrift;Telekom AG;Rechnung;{OTHER_IBAN};;;;;;-19,99;;EUR\r\n")


def test_sparkasse_csv_camt_profile():
    [st] = parse_csv(SPARKASSE.encode("cp1252"))
    assert st.account_iban == ACCOUNT_IBAN and st.format == "csv"
    rent, paid = st.transactions  # sorted by booking date
    assert paid.amount == D("1234.56") and paid.booking_date == date(2026, 3, 21)
    assert paid.end_to_end_id == "E2E-5" and paid.counterparty_iban == CUSTOMER_IBAN
    assert rent.amount == D("-800.00") and rent.mandate_id == "M-1"
    assert rent.creditor_id == "DE98ZZZ09999999999"


def test_ing_dkb_and_deutsche_bank_profiles_read_the_account_from_above_the_header():
    [ing] = parse_csv(ING.encode("utf-8-sig"))
    assert ing.account_iban == ACCOUNT_IBAN
    assert [(t.amount, t.counterparty_name, t.purpose) for t in ing.transactions] == [
        (D("-49.99"), "Telekom AG", "Rechnung 4711")]
    [dkb] = parse_csv(DKB.encode("utf-8"))
    assert dkb.account_iban == ACCOUNT_IBAN
    # the counterparty is the payer on money in and the payee on money out
    assert [(t.amount, t.counterparty_name) for t in dkb.transactions] == [
        (D("-10.00"), "Telekom AG"), (D("59.50"), "Bäckerei Größer KG")]
    [db] = parse_csv(DEUTSCHE_BANK.encode("cp1252"), account_iban=ACCOUNT_IBAN)
    assert [(t.amount, t.counterparty_name) for t in db.transactions] == [
        (D("250.00"), "Bäckerei Größer KG"), (D("-19.99"), "Telekom AG")]


def test_an_unknown_csv_layout_is_refused_with_the_known_profiles():
    with pytest.raises(StatementFormatError, match="Sparkasse"):
        parse_csv(b"Datum;Betrag;Text\r\n01.03.2026;1,00;x\r\n")

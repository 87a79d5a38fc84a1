"""Overlapping statements: no false gap, nothing doubled, a real gap still shown.

One account, written out by hand (balance 1.000,00 on 1 March):

    02.03.  Miete Lager       -500,00   ->   500,00
    10.03.  RE-2026-00001   +1.190,00   -> 1.690,00
    15.03.  Telekom            -39,95   -> 1.650,05
    15.03.  RE-2026-00002     +238,00   -> 1.888,05
    16.03.  Strom              -80,00   -> 1.808,05
    17.03.  RE-2026-00003     +595,00   -> 2.403,05
    31.03.  Kontoführung        -7,50   -> 2.395,55

CSV exports of this account are cut from the table: a Volksbank export (balance after each
booking, newest first) and a Sparkasse export (no balances). camt and MT940 statements
are built with the test helpers.
"""
from datetime import date
from decimal import Decimal

import pytest

from models.bank_statement import BankStatement, BankTransaction
from services.banking.statements import import_file
from tests.services.banking.files import ACCOUNT_IBAN, CUSTOMER_IBAN, OTHER_IBAN, camt, mt940, tx

D = Decimal
BOOKINGS = [  # day, amount, name, IBAN, purpose, balance after it (the bank's figure)
    (date(2026, 3, 2), "-500,00", "Hausverwaltung Süd", OTHER_IBAN, "Miete Lager März", "500,00"),
    (date(2026, 3, 10), "1.190,00", "Bäckerei Größer KG", CUSTOMER_IBAN, "RE-2026-00001", "1.690,00"),
    (date(2026, 3, 15), "-39,95", "Telekom Deutschland GmbH", OTHER_IBAN, "Rechnung 03/2026", "1.650,05"),
    (date(2026, 3, 15), "238,00", "Bäckerei Größer KG", CUSTOMER_IBAN, "RE-2026-00002", "1.888,05"),
    (date(2026, 3, 16), "-80,00", "Stadtwerke Musterstadt", OTHER_IBAN, "Strom März", "1.808,05"),
    (date(2026, 3, 17), "595,00", "Bäckerei Größer KG", CUSTOMER_IBAN, "RE-2026-00003", "2.403,05"),
    (date(2026, 3, 31), "-7,50", "", "", "Kontoführung März", "2.395,55"),
]
VR_HEAD = ("Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;"
           "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;"
           "BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;"
           "Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;Glaeubiger ID;Mandatsreferenz\r\n")
SPK_HEAD = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
            '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
            '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
            '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
            '"Waehrung";"Info"\r\n')


def volksbank(first: date, last: date, shift: str = "") -> bytes:
    """The Volksbank export of first..last, newest first; `shift` adds to every balance."""
    rows = [b for b in BOOKINGS if first <= b[0] <= last]
    out = VR_HEAD
    for day, amount, name, iban, purpose, balance in reversed(rows):
        if shift:
            balance = f"{D(balance.replace('.', '').replace(',', '.')) + D(shift):.2f}".replace(".", ",")
        out += (f"GiroKonto;{ACCOUNT_IBAN};GENODEF1XXX;Volksbank Musterland eG;{day:%d.%m.%Y};"
                f"{day:%d.%m.%Y};{name};{iban};;Buchung;{purpose};{amount};EUR;{balance};;;;;\r\n")
    return out.encode("utf-8-sig")


def sparkasse(first: date, last: date) -> bytes:
    """The Sparkasse CSV-CAMT export of first..last, newest first, without balances."""
    rows = [b for b in BOOKINGS if first <= b[0] <= last]
    out = SPK_HEAD
    for day, amount, name, iban, purpose, _ in reversed(rows):
        out += (f'"{ACCOUNT_IBAN}";"{day:%d.%m.%y}";"{day:%d.%m.%y}";"BUCHUNG";"{purpose}";"";"";'
                f'"";"";"";"";"{name}";"{iban}";"";"{amount}";"EUR";"Umsatz gebucht"\r\n')
    return out.encode("cp1252")


M = lambda day: date(2026, 3, day)


def _import(data: bytes, name: str):
    [result] = import_file(data, name, "fibu")
    assert not result.rejected
    return result


def _stored_amounts():
    return sorted(t.amount for t in BankTransaction.objects)


ALL_AMOUNTS = sorted(D(a) for a in ("-500.00", "1190.00", "-39.95", "238.00", "-80.00",
                                    "595.00", "-7.50"))


@pytest.mark.parametrize("export", [volksbank, sparkasse])
def test_two_exports_sharing_the_boundary_day(app, bank_account, export):
    first = _import(export(M(1), M(15)), "1.csv")
    assert (first.new, first.problems) == (4, [])
    second = _import(export(M(15), M(31)), "2.csv")
    # the two bookings of 15 March are in both files: stored once, no gap, no mismatch
    assert (second.transactions, second.new, second.duplicates) == (5, 3, 2)
    assert second.problems == []
    assert _stored_amounts() == ALL_AMOUNTS
    assert all(s.balance_ok and s.problems == [] for s in BankStatement.objects)


def test_the_volksbank_exports_carry_the_balances_written_by_hand(app, bank_account):
    first = _import(volksbank(M(1), M(15)), "1.csv")
    second = _import(volksbank(M(15), M(31)), "2.csv")
    # 1.650,05 after the Telekom debit of 39,95 -> 1.690,00 before the first booking of 15.03.
    assert (first.opening_balance, first.closing_balance) == (D("1000.00"), D("1888.05"))
    assert (second.opening_balance, second.closing_balance) == (D("1690.00"), D("2395.55"))


@pytest.mark.parametrize("export", [volksbank, sparkasse])
def test_exports_one_day_apart(app, bank_account, export):
    _import(export(M(1), M(15)), "1.csv")
    second = _import(export(M(16), M(31)), "2.csv")
    assert (second.new, second.duplicates, second.problems) == (3, 0, [])
    assert _stored_amounts() == ALL_AMOUNTS


def test_a_real_gap_between_volksbank_exports_is_shown(app, bank_account):
    _import(volksbank(M(1), M(15)), "1.csv")
    # the electricity debit of 16 March is in neither file: 1.888,05 does not go on as 1.808,05
    second = _import(volksbank(M(17), M(31)), "2.csv")
    assert second.opening_balance == D("1808.05")
    assert second.problems == [
        "Lücke vor Auszug CSV 17.03.2026–31.03.2026: der vorige Auszug CSV 02.03.2026–15.03.2026 "
        "vom 15.03.2026 endet mit 1.888,05 €, dieser beginnt mit 1.808,05 €"]
    assert BankStatement.objects.get(statement_id="CSV 17.03.2026–31.03.2026").problems == second.problems
    # the missing day arrives on its own: it continues the first export, and nothing is doubled
    gap = _import(volksbank(M(16), M(16)), "3.csv")
    assert (gap.new, gap.problems) == (1, [])
    assert _stored_amounts() == ALL_AMOUNTS


def test_a_sparkasse_gap_cannot_be_seen_without_balances_and_is_not_invented(app, bank_account):
    _import(sparkasse(M(1), M(15)), "1.csv")
    second = _import(sparkasse(M(17), M(31)), "2.csv")
    assert second.opening_balance is None and second.problems == []
    assert second.new == 2


def test_an_overlap_whose_balances_do_not_meet_is_shown(app, bank_account):
    _import(volksbank(M(1), M(15)), "1.csv")
    # the second export's balances are 100,00 higher: a booking before 15 March is missing
    # from the first one; its 1.888,05 is none of 1.790,00 / 1.750,05 / 1.988,05
    second = _import(volksbank(M(15), M(31), shift="100.00"), "2.csv")
    assert second.problems == [
        "Auszug CSV 15.03.2026–31.03.2026 schließt nicht an den vorigen Auszug CSV "
        "02.03.2026–15.03.2026 an, der sich mit ihm bis 15.03.2026 überschneidet: dessen "
        "Schlusssaldo 1.888,05 € kommt in diesem Auszug bis dahin nicht vor (Anfangssaldo "
        "1.790,00 €); fehlen Umsätze?"]
    assert BankStatement.objects.get(statement_id="CSV 15.03.2026–31.03.2026").balance_ok


def test_an_export_of_the_boundary_day_alone_and_one_that_repeats_everything(app, bank_account):
    _import(volksbank(M(1), M(15)), "1.csv")
    # one day, newest first: the dates cannot tell the order, the balances do
    day = _import(volksbank(M(15), M(15)), "2.csv")
    assert (day.opening_balance, day.closing_balance) == (D("1690.00"), D("1888.05"))
    assert (day.new, day.duplicates, day.problems) == (0, 2, [])
    whole = _import(volksbank(M(1), M(31)), "3.csv")
    assert (whole.new, whole.duplicates, whole.problems) == (3, 4, [])
    assert _stored_amounts() == ALL_AMOUNTS


def test_a_first_export_cut_in_the_middle_of_the_shared_day(app, bank_account):
    # exported on the morning of 15 March: the Telekom debit was booked, the credit not yet
    text = volksbank(M(1), M(15)).decode("utf-8-sig").splitlines(keepends=True)
    morning = "".join(line for line in text if "RE-2026-00002" not in line)
    first = _import(morning.encode("utf-8-sig"), "1.csv")
    assert first.closing_balance == D("1650.05")
    second = _import(volksbank(M(15), M(31)), "2.csv")
    assert (second.new, second.duplicates, second.problems) == (4, 1, [])
    assert _stored_amounts() == ALL_AMOUNTS


# --- camt and MT940: a statement delivered again with more transactions -----------------------

def test_camt_statement_delivered_again_with_more_transactions(app, bank_account):
    a, b = tx("10.00", ref="A"), tx("5.00", ref="B")
    first = _import(camt([a], statement_id="5", opening="1000.00"), "5.xml")
    assert (first.closing_balance, first.problems) == (D("1010.00"), [])
    again = _import(camt([a, b], statement_id="5", opening="1000.00"), "5b.xml")
    assert (again.new, again.duplicates, again.problems) == (1, 1, [])
    # the next statement goes on from the corrected delivery (1.015,00), not the first one
    nxt = _import(camt([tx("1.00", ref="C", day=M(21))], statement_id="6", opening="1015.00",
                       start=M(21), end=M(21)), "6.xml")
    assert nxt.problems == []
    assert BankTransaction.objects.count() == 3


def test_camt_statement_after_a_corrected_delivery_that_goes_on_from_the_old_one(app, bank_account):
    a, b = tx("10.00", ref="A"), tx("5.00", ref="B")
    _import(camt([a], statement_id="5", opening="1000.00"), "5.xml")
    _import(camt([a, b], statement_id="5", opening="1000.00"), "5b.xml")
    nxt = _import(camt([tx("1.00", ref="C", day=M(21))], statement_id="6", opening="1010.00",
                       start=M(21), end=M(21)), "6.xml")
    assert nxt.problems == ["Lücke vor Auszug 6: der vorige Auszug 5 vom 20.03.2026 endet mit "
                            "1.015,00 €, dieser beginnt mit 1.010,00 €"]


def test_camt_statement_over_two_days_that_repeats_the_first(app, bank_account):
    a = tx("10.00", ref="A")
    _import(camt([a], statement_id="5", opening="1000.00"), "5.xml")
    both = camt([a, tx("2.00", ref="D", day=M(21))], statement_id="7", opening="1000.00",
                start=M(20), end=M(21))
    r = _import(both, "7.xml")
    assert (r.new, r.duplicates, r.problems) == (1, 1, [])
    wrong = camt([a, tx("3.00", ref="E", day=M(21))], statement_id="8", opening="900.00",
                 start=M(20), end=M(21))
    # the latest earlier statement is 7 (to 21.03.): it ends with 1.012,00 €, which 8's
    # balances (900,00 / 910,00 / 913,00) never reach
    r = _import(wrong, "8.xml")
    assert r.problems == [
        "Auszug 8 schließt nicht an den vorigen Auszug 7 an, der sich mit ihm bis 21.03.2026 "
        "überschneidet: dessen Schlusssaldo 1.012,00 € kommt in diesem Auszug bis dahin nicht "
        "vor (Anfangssaldo 900,00 €); fehlen Umsätze?"]


def test_mt940_statement_delivered_again_with_more_transactions(app, bank_account):
    line = lambda amount, purpose: (amount, M(20), f"166?00GUTSCHRIFT?20{purpose}?31{CUSTOMER_IBAN}")
    one = mt940([{"number": "00005", "opening": "1000.00", "lines": [line("10.00", "RE-2026-00001")]}])
    two = mt940([{"number": "00005", "opening": "1000.00",
                  "lines": [line("10.00", "RE-2026-00001"), line("5.00", "RE-2026-00002")]}])
    first = _import(one, "a.sta")
    again = _import(two, "b.sta")
    assert (first.problems, again.problems) == ([], [])
    assert (again.new, again.duplicates) == (1, 1)
    nxt = mt940([{"number": "00006", "opening": "1015.00", "day": M(21),
                  "lines": [(D("-1.00"), M(21), "805?00ENTGELT?20Kontoführung")]}])
    assert _import(nxt, "c.sta").problems == []
    gap = mt940([{"number": "00007", "opening": "1020.00", "day": M(23),
                  "lines": [(D("-1.00"), M(23), "805?00ENTGELT?20Kontoführung")]}])
    assert _import(gap, "d.sta").problems == [
        "Lücke vor Auszug 00007/1: der vorige Auszug 00006/1 vom 21.03.2026 endet mit 1.014,00 €, "
        "dieser beginnt mit 1.020,00 €"]

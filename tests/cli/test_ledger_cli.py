"""`flask --app app ledger verify | recover | close-period`."""
from datetime import date
from decimal import Decimal

from models import JournalEntry
from services.ledger import posting


def _post(amount="10.00", day=date(2026, 4, 1)):
    return posting.post_new_entry(date=day, text="Kasse", source="manual", user="u",
                                  lines=[{"account": "1000", "debit": Decimal(amount)},
                                         {"account": "8400", "credit": Decimal(amount)}])


def test_verify_names_the_first_entry_with_a_changed_amount(runner):
    _post()
    tampered = _post("20.00")
    _post("30.00")
    _post("40.00", day=date(2027, 1, 5))
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK     2026: 3 posted entries, chain intact" in result.output
    JournalEntry._get_collection().update_one(
        {"_id": tampered.pk}, {"$set": {"lines.0.debit": 2001, "lines.1.credit": 2001}})
    result = runner.invoke(args=["ledger", "verify", "2026"])
    assert result.exit_code == 1
    assert f"BROKEN 2026: entry #2 (id {tampered.pk}): content does not match" in result.output


def test_close_period_and_recover(runner):
    result = runner.invoke(args=["ledger", "close-period", "2026", "3", "--user", "chefin"])
    assert result.exit_code == 0 and "closed months 03" in result.output
    assert posting.is_period_closed(date(2026, 3, 31))
    result = runner.invoke(args=["ledger", "close-period", "2026", "13"])
    assert result.exit_code != 0 and "between 1 and 12" in result.output
    result = runner.invoke(args=["ledger", "recover"])
    assert result.exit_code == 0 and "completed 0" in result.output


def test_export_gdpdu_writes_csv_and_a_matching_index(runner, tmp_path):
    from xml.etree import ElementTree as ET

    first = _post("1234.56")
    posting.reverse_entry(first, "u", date=date(2026, 4, 2))
    _post("5.00", day=date(2027, 2, 1))
    result = runner.invoke(args=["ledger", "export-gdpdu", "2026", str(tmp_path / "z3")])
    assert result.exit_code == 0, result.output
    assert "journal.csv: 4 rows" in result.output
    journal = (tmp_path / "z3" / "journal.csv").read_bytes().decode("utf-8").split("\r\n")
    assert journal[0].startswith("1;1;01.04.2026;Kasse;;1000;1234,56;0,00;;manual;;u;")
    assert journal[2].split(";")[10] == "1"  # the reversal names the reversed entry
    raw = (tmp_path / "z3" / "index.xml").read_text(encoding="utf-8")
    assert '<!DOCTYPE DataSet SYSTEM "gdpdu-01-09-2004.dtd">' in raw
    assert "<RecordDelimiter>&#13;&#10;</RecordDelimiter>" in raw
    root = ET.fromstring(raw.split("\n", 2)[2])
    tables = {t.findtext("URL"): t for t in root.iter("Table")}
    assert set(tables) == {"accounts.csv", "journal.csv", "customers.csv", "suppliers.csv",
                           "invoices.csv", "invoice_taxes.csv"}
    for url, table in tables.items():
        layout = table.find("VariableLength")
        columns = layout.findall("VariablePrimaryKey") + layout.findall("VariableColumn")
        rows = (tmp_path / "z3" / url).read_text(encoding="utf-8").splitlines()
        if rows:
            assert len(columns) == len(rows[0].split(";")), url
    assert tables["journal.csv"].find("VariableLength/ForeignKey/References").text == "Konten"

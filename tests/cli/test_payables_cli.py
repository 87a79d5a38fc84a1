"""`backoffice payables import FILE... --json`: the issue's keys, amounts and exit codes."""
import json
from decimal import Decimal as D

from models.supplier_invoice import SupplierInvoice
from tests.factories import make_supplier
from tests.services.payables.samples import DocAC, Line, Sample, cii_xml, ubl_xml

KEYS = {"invoice_number", "issue_date", "currency", "supplier_name", "supplier_vat_id", "net_total",
        "vat_total", "gross_total", "amount_due", "line_count", "vat_breakdown", "status", "errors"}


def invoke(runner, *args):
    return runner.invoke(args=["payables", "import", *map(str, args)])


def test_json_has_exactly_the_keys_and_two_decimal_strings(runner, tmp_path):
    make_supplier(name="Großhandel Schäfer GmbH")
    sample = Sample(lines=[Line("A", D("10"), D("12.50")), Line("B", D("2"), D("5.00"), rate=D("7"))],
                    doc_acs=[DocAC(D("5.00"))], prepaid=D("20"))
    (tmp_path / "a.xml").write_bytes(cii_xml(sample))
    (tmp_path / "b.xml").write_bytes(ubl_xml(Sample(number="U-1")))
    result = invoke(runner, tmp_path / "a.xml", tmp_path / "b.xml", "--json")
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert set(first) == KEYS == set(second)
    # 19 %: 125.00 − 5.00 = 120.00 → 22.80; 7 %: 10.00 → 0.70; net 130.00, VAT 23.50,
    # gross 153.50, prepaid 20.00, due 133.50.
    assert first == {
        "invoice_number": "RE-2026-0815", "issue_date": "2026-11-20", "currency": "EUR",
        "supplier_name": "Großhandel Schäfer GmbH", "supplier_vat_id": "DE123456788",
        "net_total": "130.00", "vat_total": "23.50", "gross_total": "153.50",
        "amount_due": "133.50", "line_count": 2,
        "vat_breakdown": [{"category": "S", "rate": "19.00", "base": "120.00", "amount": "22.80"},
                          {"category": "S", "rate": "7.00", "base": "10.00", "amount": "0.70"}],
        "status": "draft", "errors": []}
    assert second["invoice_number"] == "U-1" and second["gross_total"] == "148.75"


def test_duplicate_exits_0_and_rejected_exits_1(runner, tmp_path):
    (tmp_path / "a.xml").write_bytes(cii_xml(Sample()))
    (tmp_path / "kaputt.txt").write_bytes(b"keine Rechnung")
    assert invoke(runner, tmp_path / "a.xml", "--json").exit_code == 0
    again = invoke(runner, tmp_path / "a.xml", "--json")
    assert again.exit_code == 0 and json.loads(again.output)["status"] == "duplicate"
    mixed = invoke(runner, tmp_path / "a.xml", tmp_path / "kaputt.txt", "--json")
    assert mixed.exit_code == 1
    rows = [json.loads(line) for line in mixed.output.splitlines()]
    assert [r["status"] for r in rows] == ["duplicate", "rejected"]
    assert rows[1]["errors"] and set(rows[1]) == KEYS
    assert SupplierInvoice.objects.count() == 1


def test_usage_errors_exit_2(runner, tmp_path):
    assert invoke(runner).exit_code == 2
    assert invoke(runner, tmp_path / "fehlt.xml").exit_code == 2

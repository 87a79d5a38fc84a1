"""GDPdU Z3 export: the DTD next to index.xml (which it validates), the master data and the
invoice sub-ledger tables; expected rows written out by hand."""
from datetime import date
from decimal import Decimal

from lxml import etree

from models.invoice import InvoiceLine
from services.invoicing import issuing as invoicing
from services.ledger.gdpdu import export_gdpdu
from tests.factories import make_company, make_customer, make_invoice, make_supplier


def rows(path):
    text = path.read_bytes().decode("utf-8")
    return [line.split(";") for line in text.split("\r\n") if line]


def test_the_export_carries_the_dtd_customers_suppliers_and_invoices(app, tmp_path):
    make_company()
    customer = make_customer(customer_no="K-1", name="Bäckerei Größer KG")
    make_supplier(supplier_no="L-7", name="Schrauben Schmidt GmbH")
    first = invoicing.issue_invoice(make_invoice(customer=customer), "fibu")
    second = invoicing.issue_invoice(make_invoice(
        [InvoiceLine(description="Seminar", quantity=Decimal("1"), unit="Pauschale",
                     unit_price=Decimal("150.00"), vat_rate="0",
                     exemption_reason="§ 4 Nr. 21 UStG")], customer=customer), "fibu")
    invoicing.cancel_invoice(second, "fibu", today=date(2026, 3, 20))

    counts = export_gdpdu(2026, tmp_path)
    assert (tmp_path / "gdpdu-01-09-2004.dtd").exists()
    parser = etree.XMLParser(dtd_validation=True, no_network=True)
    etree.parse(str(tmp_path / "index.xml"), parser)  # raises if index.xml breaks the DTD

    assert counts["customers.csv"] == 1 and counts["suppliers.csv"] == 1
    assert rows(tmp_path / "customers.csv")[0][:2] == ["K-1", "Bäckerei Größer KG"]
    assert rows(tmp_path / "suppliers.csv")[0][:2] == ["L-7", "Schrauben Schmidt GmbH"]
    assert first.number == "RE-2026-00001"
    # 285.00 @ 19 % (54.15) + 49.80 @ 7 % (3.49) = 334.80 net, 57.64 VAT, 392.44 gross.
    assert rows(tmp_path / "invoices.csv") == [
        ["RE-2026-00001", "Rechnung", "15.03.2026", "10.03.2026", "K-1", "Bäckerei Größer KG",
         "334,80", "57,64", "392,44", "0,00", "issued", "", "", "29.03.2026"],
        ["RE-2026-00002", "Rechnung", "15.03.2026", "10.03.2026", "K-1", "Bäckerei Größer KG",
         "150,00", "0,00", "150,00", "0,00", "cancelled", "ST-2026-00001", "", "29.03.2026"],
        ["ST-2026-00001", "Stornorechnung", "20.03.2026", "10.03.2026", "K-1",
         "Bäckerei Größer KG", "150,00", "0,00", "150,00", "0,00", "issued", "",
         "RE-2026-00002", "20.03.2026"]]
    assert rows(tmp_path / "invoice_taxes.csv")[:3] == [
        ["RE-2026-00001", "19", "S", "19,00", "285,00", "54,15", "81", ""],
        ["RE-2026-00001", "7", "S", "7,00", "49,80", "3,49", "86", ""],
        ["RE-2026-00002", "0", "E", "0,00", "150,00", "0,00", "48", "§ 4 Nr. 21 UStG"]]

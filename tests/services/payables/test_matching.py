"""Purchase-order matching, two- and three-way, with the tolerance tried from both sides."""
from decimal import Decimal as D

from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from services.payables import intake
from services.payables.matching import match_invoice
from tests.factories import make_stock_item, make_supplier
from tests.services.payables.samples import Line, Sample, cii_xml


def order(supplier, received=("10", "4"), number="B-2026-0007", status="partly_received"):
    items = [make_stock_item(), make_stock_item(name="Schrauben")]
    return PurchaseOrder(number=number, year=2026, supplier=supplier, status=status, lines=[
        PurchaseOrderLine(item=items[0], quantity=D("10"), unit_price=D("12.50"), received=D(received[0])),
        PurchaseOrderLine(item=items[1], quantity=D("4"), unit_price=D("5.00"), received=D(received[1]))]
    ).save()


def capture(sample):
    result = intake.import_invoice_file(cii_xml(sample), "re.xml", user="fibu@firma.example.com")
    assert result.status == "draft", result.errors
    return result.invoice


def lines(price_a="12.50", qty_b="4"):
    return [Line("Kabelbinder", D("10"), D(price_a), order_line="1"),
            Line("Schrauben", D(qty_b), D("5.00"), order_line="2")]


def test_matching_invoice_by_order_reference_has_no_deviation(app):
    supplier = make_supplier()
    po = order(supplier)
    inv = capture(Sample(order_ref="B-2026-0007", lines=lines()))
    assert inv.purchase_order == po.pk and inv.po_deviations == []
    assert "PO-MATCH" not in [f.code for f in inv.findings]


def test_price_within_tolerance_passes_and_beyond_is_listed(app):
    supplier = make_supplier()
    order(supplier)
    # 2 % of 12.50 = 0.25: 12.75 is the edge, 12.76 beyond
    edge = capture(Sample(number="A", order_ref="B-2026-0007", lines=lines(price_a="12.75")))
    assert edge.po_deviations == []  # net 147.50 vs 145.00: within max(2.90, 1.00)
    beyond = capture(Sample(number="B", order_ref="B-2026-0007", lines=lines(price_a="12.76")))
    assert "Position 1: Preis 12.76, bestellt zu 12.5000" in beyond.po_deviations


def test_three_way_lists_quantities_not_yet_received(app):
    supplier = make_supplier()
    order(supplier, received=("10", "2"))
    inv = capture(Sample(order_ref="B-2026-0007", lines=lines()))
    assert inv.po_deviations == ["Position 2: berechnet 4, geliefert erst 2.000"]
    two_way = match_invoice(inv, three_way=False)
    assert two_way.ok


def test_order_found_by_supplier_and_amount_without_reference(app):
    supplier = make_supplier()
    po = order(supplier, status="received")
    inv = capture(Sample(lines=lines()))  # 125.00 + 20.00 = 145.00, like the order
    assert inv.purchase_order == po.pk
    other = capture(Sample(number="C", lines=[Line("Anderes", D("1"), D("500.00"))]))
    assert other.purchase_order is None


def test_quantity_more_than_ordered_is_listed(app):
    supplier = make_supplier()
    order(supplier)
    inv = capture(Sample(order_ref="B-2026-0007", lines=lines(qty_b="5")))
    assert "Position 2: berechnet 5, bestellt 4.000" in inv.po_deviations
    assert "Position 2: berechnet 5, geliefert erst 4.000" in inv.po_deviations

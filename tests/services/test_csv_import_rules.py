"""Issue 13.10: an import changes master data only; quantities and ticket status keep their rules."""
from decimal import Decimal

from models import StockItem, Ticket
from models.stock_movement import StockMovement
from services.imports.csv_import import ImportOptions, run_import
from services.operations.stock import MovementRequest, post_movement
from services.operations.tickets import change_status
from tests.factories import make_stock_item, make_ticket

STOCK_HEAD = "Artikelnummer;Bezeichnung;Einheit;Bestand\r\n"
TICKET_HEAD = "Ticketnummer;Titel;Status\r\n"


def do_import(text: str, collection: str, **options):
    return run_import(text.encode(), collection, ImportOptions(user="lager@firma.de", **options))


def test_opening_stock_of_new_items_is_booked_as_a_movement_with_a_reason(app):
    result = do_import(STOCK_HEAD + "A-1;Kabelbinder;Pkt;1.250,5\r\nA-2;Schrauben;Stk;\r\n", "stock_items")
    assert result.summary == "inserted=2 updated=0 unchanged=0 rejected=0"
    item = StockItem.objects.get(sku="A-1")
    assert (item.quantity, item.ledger_version) == (Decimal("1250.500"), 1)
    (movement,) = StockMovement.objects(item=item)
    assert (movement.kind, movement.quantity, movement.state) == ("adjustment", Decimal("1250.500"), "done")
    assert movement.reason == "Anfangsbestand (CSV-Import)" and movement.user == "lager@firma.de"
    empty = StockItem.objects.get(sku="A-2")  # no quantity: no movement
    assert (empty.quantity, StockMovement.objects(item=empty).count()) == (Decimal("0"), 0)
    # the same file again changes nothing and books nothing twice
    again = do_import(STOCK_HEAD + "A-1;Kabelbinder;Pkt;1.250,5\r\n", "stock_items", mode="upsert")
    assert again.summary == "inserted=0 updated=0 unchanged=1 rejected=0"
    assert StockMovement.objects(item=item).count() == 1


def test_an_upsert_never_sets_the_quantity_of_an_item_that_has_stock(app):
    item = make_stock_item(sku="A-1", name="Alt", quantity=Decimal("0"))
    post_movement(MovementRequest(kind="receipt", item_id=item.pk, quantity=Decimal("7"),
                                  reason="Lieferung", user="lager", key="r1"))
    result = do_import(STOCK_HEAD + "A-1;Neu;Pkt;500\r\n", "stock_items", mode="upsert")
    assert result.summary == "inserted=0 updated=0 unchanged=0 rejected=1"
    assert result.errors == ["Zeile 2, Bestand: Artikel „A-1“: der Bestand wird nicht per Import geändert "
                             "(gespeichert 7, Datei 500); bitte als Lagerbewegung oder Inventur buchen "
                             "oder die Spalte leer lassen."]
    item.reload()
    assert (item.name, item.quantity) == ("Alt", Decimal("7.000"))
    # master data with the stored quantity (or without the column) is updated, the quantity stays
    assert do_import(STOCK_HEAD + "A-1;Neu;Pkt;7\r\n", "stock_items", mode="upsert").updated == 1
    item.reload()
    assert (item.name, item.quantity, item.ledger_version) == ("Neu", Decimal("7.000"), 1)
    result = do_import("Artikelnummer;Bezeichnung\r\nA-1;Neuer\r\n", "stock_items", mode="upsert")
    assert result.updated == 1 and StockItem.objects.get(sku="A-1").quantity == Decimal("7.000")
    assert StockMovement.objects(item=item).count() == 1


def test_an_existing_item_that_never_moved_gets_its_opening_stock_as_a_movement(app):
    item = make_stock_item(sku="A-1", quantity=Decimal("0"))
    result = do_import(STOCK_HEAD + "A-1;Kabelbinder;Pkt;40\r\n", "stock_items", mode="upsert")
    assert result.summary == "inserted=0 updated=1 unchanged=0 rejected=0"
    item.reload()
    assert (item.quantity, item.ledger_version) == (Decimal("40.000"), 1)
    assert StockMovement.objects.get(item=item).reason == "Anfangsbestand (CSV-Import)"


def test_an_upsert_never_changes_a_ticket_status_outside_the_workflow(app):
    ticket = make_ticket(number="T-2026-00001", title="Drucker")
    result = do_import(TICKET_HEAD + "T-2026-00001;Drucker defekt;closed\r\n", "tickets", mode="upsert")
    assert result.summary == "inserted=0 updated=0 unchanged=0 rejected=1"
    assert "der Status wird nicht per Import geändert (gespeichert „neu“, Datei „geschlossen“)" in result.errors[0]
    ticket.reload()
    assert (ticket.status, ticket.title, ticket.history) == ("new", "Drucker", [])
    # same status (after a workflow step) and new title: the title changes, nothing else
    change_status(ticket.pk, "in_progress", "support")
    result = do_import(TICKET_HEAD + "T-2026-00001;Drucker defekt;in_progress\r\n", "tickets", mode="upsert")
    assert result.summary == "inserted=0 updated=1 unchanged=0 rejected=0"
    ticket.reload()
    assert (ticket.status, ticket.title, len(ticket.history)) == ("in_progress", "Drucker defekt", 1)
    result = do_import("Ticketnummer;Titel\r\nT-2026-00001;Drucker repariert\r\n", "tickets", mode="upsert")
    assert result.updated == 1 and Ticket.objects.get(pk=ticket.pk).status == "in_progress"

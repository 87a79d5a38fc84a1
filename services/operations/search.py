"""Search sources of operations: suppliers (number, name, IBAN), stock items (SKU, name), tickets."""
from models.stock import StockItem
from models.supplier import Supplier
from models.ticket import Ticket
from services.core.messages import N_
from services.privacy.restriction import NOT_RESTRICTED
from services.core.search import (Hit, as_iban, name_prefixes, prefix_range,
                                  register_search_source)


def _first(document, queries, fields, limit):
    seen = {}
    for query in queries:
        for doc in document.objects(__raw__=query).only(*fields).limit(limit):
            if len(seen) < limit:
                seen.setdefault(doc.pk, doc)
    return seen.values()


def find_suppliers(term: str, limit: int):
    queries = [{"supplier_no": prefix_range(term.upper())}]
    queries += [{"name": prefix_range(p)} for p in name_prefixes(term)]
    if iban := as_iban(term):
        queries.append({"iban": iban})
    queries = [{"$and": [q, NOT_RESTRICTED]} for q in queries]  # Art. 18: found by no one
    for s in _first(Supplier, queries, ("supplier_no", "name"), limit):
        yield Hit(N_("Lieferant"), f"{s.supplier_no} {s.name}", f"/admin/suppliers/details/?id={s.pk}")


def find_stock_items(term: str, limit: int):
    queries = [{"sku": prefix_range(term.upper())}, {"sku": prefix_range(term)}]
    queries += [{"name": prefix_range(p)} for p in name_prefixes(term)]
    for item in _first(StockItem, queries, ("sku", "name"), limit):
        yield Hit(N_("Artikel"), f"{item.sku} {item.name}", f"/admin/stock/details/?id={item.pk}")


def find_tickets(term: str, limit: int):
    for t in _first(Ticket, [{"number": prefix_range(term.upper())}], ("number", "title"), limit):
        yield Hit(N_("Ticket"), f"{t.number} {t.title}", f"/admin/tickets/details/?id={t.pk}")


register_search_source("operations.suppliers", "suppliers", find_suppliers)
register_search_source("operations.stock", "stock", find_stock_items)
register_search_source("operations.tickets", "tickets", find_tickets)

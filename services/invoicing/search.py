"""Search sources of invoicing: invoice numbers and customers (number, name)."""
from models.customer import Customer
from models.invoice import Invoice
from services.core.messages import N_
from services.privacy.restriction import NOT_RESTRICTED
from services.core.search import Hit, name_prefixes, prefix_range, register_search_source


def find_invoices(term: str, limit: int):
    for inv in Invoice.objects(__raw__={"number": prefix_range(term.upper())}).only(
            "number", "customer").limit(limit):
        customer = inv.customer.name if inv.customer else ""
        yield Hit(N_("Rechnung"), f"{inv.number} {customer}".strip(),
                  f"/admin/invoice/details/?id={inv.pk}")


def find_customers(term: str, limit: int):
    seen = set()
    queries = [{"customer_no": prefix_range(term.upper())}]
    queries += [{"name": prefix_range(p)} for p in name_prefixes(term)]
    for query in queries:
        # restricted records (Art. 18) are found by no one
        for c in Customer.objects(__raw__={"$and": [query, NOT_RESTRICTED]}).only("customer_no", "name").limit(limit):
            if c.pk not in seen and len(seen) < limit:
                seen.add(c.pk)
                yield Hit(N_("Kunde"), f"{c.customer_no} {c.name}", f"/admin/customers/details/?id={c.pk}")


register_search_source("invoicing.invoices", "invoice", find_invoices)
register_search_source("invoicing.customers", "customers", find_customers)

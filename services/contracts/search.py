"""Search source of the contract register: contracts by number (prefix)."""
from models.contract import Contract
from services.core.messages import N_
from services.core.search import Hit, prefix_range, register_search_source


def find_contracts(term: str, limit: int):
    """Contracts whose number starts with the term."""
    query = {"number": prefix_range(term.upper())}
    for c in Contract.objects(__raw__=query).only("number", "subject").limit(limit):
        yield Hit(N_("Vertrag"), f"{c.number} {c.subject}", f"/admin/contracts/details/?id={c.pk}")


register_search_source("contracts.register", "contracts", find_contracts)

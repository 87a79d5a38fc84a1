"""Search source for employees (personnel number, last name, IBAN): HR readers only."""
from models.employee import Employee
from services.core.messages import N_
from services.privacy.restriction import NOT_RESTRICTED
from services.core.search import Hit, as_iban, name_prefixes, prefix_range, register_search_source


def find_employees(term: str, limit: int):
    queries = [{"personnel_no": prefix_range(term.upper())}, {"personnel_no": prefix_range(term)}]
    queries += [{"last_name": prefix_range(p)} for p in name_prefixes(term)]
    if iban := as_iban(term):
        queries.append({"iban": iban})
    seen = {}
    for query in queries:
        # restricted records (Art. 18) are found by no one: admins open them from the list
        query = {"$and": [query, NOT_RESTRICTED]}
        for e in Employee.objects(__raw__=query).only(
                "personnel_no", "first_name", "last_name").limit(limit):
            if len(seen) < limit:
                seen.setdefault(e.pk, e)
    for e in seen.values():
        yield Hit(N_("Mitarbeiter"), f"{e.personnel_no} {e.last_name}, {e.first_name}",
                  f"/admin/employees/details/?id={e.pk}")


register_search_source("hr.employees", "employees", find_employees)

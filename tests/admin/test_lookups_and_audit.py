"""Look-ups answer only form writers (13.11); HR audit entries reach only hr and admin (13)."""
import pytest

from models import AuditEntry
from models.audit import FieldChange
from tests.factories import make_employee, make_user

LOOKUP = "/admin/tickets/ajax/lookup/?name={}&query="


@pytest.mark.parametrize("role", ["auditor", "finance", "hr", "warehouse"])
def test_lookups_refuse_roles_that_cannot_write_tickets(client, login, role):
    make_employee(last_name="Sommer")
    login(role)
    for name in ("requester", "assignee"):
        response = client.get(LOOKUP.format(name))
        assert response.status_code == 403, (role, name)
        assert "Sommer" not in response.get_data(as_text=True)


def test_assignee_lookup_offers_active_support_staff_only(client, login):
    login("support", email="ich@firma.example.com")
    active = make_user("support", email="aktiv@firma.example.com")
    make_user("support", email="weg@firma.example.com", active=False)
    make_user("finance", email="buchhaltung@firma.example.com")
    found = client.get(LOOKUP.format("assignee")).get_json()
    assert sorted(label for _id, label in found) == [
        "aktiv@firma.example.com", "ich@firma.example.com"]
    assert [str(active.pk), "aktiv@firma.example.com"] in found


def test_requester_lookup_returns_only_the_label_the_form_shows(client, login):
    emp = make_employee(last_name="Sommer", first_name="Eva", personnel_no="P7")
    login("support")
    assert client.get(LOOKUP.format("requester") + "somm").get_json() == [
        [str(emp.pk), "Sommer, Eva (P7)"]]


def test_a_deactivated_user_cannot_be_assigned_by_a_forged_form(client, login):
    from tests.conftest import csrf_token_from
    from tests.factories import make_ticket

    login("support")
    gone = make_user("support", active=False)
    ticket = make_ticket()
    url = f"/admin/tickets/edit/?id={ticket.pk}"
    token = csrf_token_from(client.get(url).data)
    client.post(url, data={"csrf_token": token, "title": ticket.title,
                           "priority": "normal", "assignee": str(gone.pk)})
    ticket.reload()
    assert ticket.assignee is None


SALARY_OLD, SALARY_NEW = "3850.00", "4711.00"
IBAN_OLD, IBAN_NEW = "DE89370400440532013000", "DE02120300000000202051"


@pytest.fixture
def audit_entries():
    hr = AuditEntry(user="hr@firma.example.com", action="update", collection="employees",
                    document_id="6600000000000000000000aa", label="Müller, Jürgen (T1)",
                    changes=[FieldChange(field="monthly_gross", old=SALARY_OLD, new=SALARY_NEW),
                             FieldChange(field="iban", old=IBAN_OLD, new=IBAN_NEW)]).save()
    other = AuditEntry(user="fin@firma.example.com", action="update", collection="suppliers",
                       document_id="6600000000000000000000bb", label="Schäfer GmbH",
                       changes=[FieldChange(field="city", old="Köln", new="Bonn-Süd")]).save()
    return hr, other


@pytest.fixture
def printing_audit_view(app):
    """The audit list changed to print every old and new value (a template change)."""
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "audit")
    view.column_list = (*view.column_list, "changes")
    view.column_export_list = view.column_list
    view.column_formatters = {"changes": lambda v, c, m, n: "; ".join(
        f"{ch.field}: {ch.old} -> {ch.new}" for ch in m.changes)}
    view.column_formatters_export = view.column_formatters
    view._refresh_cache()
    return view


def _everything_the_auditor_can_fetch(client, entries):
    pages = [client.get("/admin/audit/"), client.get("/admin/audit/export/csv/"),
             client.get("/admin/audit/?search=employees"),
             client.get("/admin/audit/?flt0_0=employees")]
    pages += [client.get(f"/admin/audit/details/?id={e.pk}") for e in entries]
    return "\n".join(p.get_data(as_text=True) for p in pages)


def test_auditor_never_receives_hr_audit_values_even_if_printed(client, login, audit_entries,
                                                                 printing_audit_view):
    login("auditor")
    seen = _everything_the_auditor_can_fetch(client, audit_entries)
    assert "Bonn-Süd" in seen  # the changed template does print values
    for secret in (SALARY_OLD, SALARY_NEW, IBAN_OLD, IBAN_NEW, "Müller, Jürgen"):
        assert secret not in seen


@pytest.mark.parametrize("roles", [("admin",), ("auditor", "hr")])
def test_hr_audit_entries_are_readable_by_admin_and_hr(client, login, audit_entries,
                                                       printing_audit_view, roles):
    login(*roles)
    seen = _everything_the_auditor_can_fetch(client, audit_entries)
    for value in (SALARY_NEW, IBAN_NEW, "Bonn-Süd"):
        assert value in seen


def test_audit_log_names_the_data_set_not_the_collection(client, login):
    from models.audit import AuditEntry

    AuditEntry(user="fibu@firma.example.com", action="update", collection="supplier_invoices",
               document_id="a1", label="Eingangsrechnung L0004-RE-2026-404").save()
    AuditEntry(user="lager@firma.example.com", action="create", collection="stock_items",
               document_id="a2", label="A-10001").save()
    login("admin")
    german = client.get("/admin/audit/").get_data(as_text=True)
    english = client.get("/admin/audit/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    import re

    def cells(page):
        return re.findall(r'<td class="col-collection">\s*([^<]*?)\s*</td>', page)
    assert sorted(cells(german)) == ["Artikel", "Eingangsrechnungen"]
    assert sorted(cells(english)) == ["Item", "Supplier invoices"]
    # the time of a change is shown, not only its day (31.12.2026 14:05)
    assert re.search(r'<td class="col-at">\s*\d\d\.\d\d\.\d{4} \d\d:\d\d\s*</td>', german)

"""The calendar from the data: per-user items, done marks, task list, and the iCal export."""
from datetime import date, datetime, timezone

from icalendar import Calendar

from models.compliance import ComplianceSettings
from services.compliance.calendar import calendar, calendar_for, mark_done
from services.compliance.ical import to_ical
from services.compliance.tasks import compliance_deadlines
from services.it.tasks import it_watch
from tests.factories import make_user
from tests.factories_it import make_asset, make_contract, make_licence

D = date


def test_each_role_sees_its_deadlines_and_owners_their_contracts(app):
    ComplianceSettings(vat_return_interval="monthly").save()
    owner = make_user("warehouse")
    make_contract(owner=owner)
    make_licence(product="Buchhaltung", renewal_date=D(2026, 9, 15))
    start, end = D(2026, 9, 1), D(2026, 9, 30)
    codes = lambda user: {i.key.split(":")[0] for i in calendar_for(user, start, end)}
    assert codes(make_user("finance")) == {"ustva", "lsta", "sv_due", "contract"}
    assert codes(make_user("hr")) == {"lsta", "sv_due", "sv_report"}
    assert codes(make_user("support")) == {"licence"}
    assert codes(owner) == {"contract"}
    assert codes(make_user("admin")) >= {"ustva", "sv_report", "contract", "licence"}


def test_done_marks_and_overdue_items_in_the_task_list(app):
    ComplianceSettings(vat_return_interval="monthly").save()
    finance = make_user("finance")
    today = D(2026, 5, 14)
    tasks = {t.ref: t for t in compliance_deadlines(finance, today=today)}
    assert tasks["ustva:04/2026"].overdue            # due 11 May 2026
    assert tasks["ustva:04/2026"].due == D(2026, 5, 11)
    assert not tasks["sv_due:05/2026"].overdue       # due 27 May, within two weeks
    assert "ustva:05/2026" not in tasks              # due 10 June: later than two weeks
    mark_done("ustva:04/2026", finance.email)
    mark_done("ustva:04/2026", "someone else")       # a repeat changes nothing
    assert "ustva:04/2026" not in {t.ref for t in compliance_deadlines(finance, today=today)}
    [item] = [i for i in calendar(D(2026, 5, 1), D(2026, 5, 31)) if i.key == "ustva:04/2026"]
    assert item.done


def test_it_watch_in_the_task_list_of_admin_and_support_only(app):
    make_asset(asset_tag="IT-1", warranty_end=D(2026, 6, 30))
    make_asset(asset_tag="IT-2", warranty_end=D(2026, 7, 31))     # 31 days ahead: not yet
    make_asset(asset_tag="IT-3", warranty_end=D(2026, 6, 5), status="retired")
    make_licence(product="CAD", renewal_date=D(2026, 6, 30), seats=0,
                 allow_overassignment=True, assigned=1)
    today = D(2026, 6, 30)
    refs = lambda user: sorted((t.area, t.ref) for t in it_watch(user, today=today))
    support = make_user("support")
    found = refs(support)
    assert ("it", "IT-1") in found and ("it", "IT-2") not in found and ("it", "IT-3") not in found
    assert len([r for r in found if r[1] not in ("IT-1",)]) == 2   # renewal and over-assigned
    assert refs(make_user("finance")) == []


def test_ical_export_parses_as_rfc_5545(app):
    ComplianceSettings(vat_return_interval="monthly").save()
    make_contract(subject="Wartung, Kopierer; Erdgeschoss " + "sehr lang " * 10)
    items = calendar(D(2026, 9, 1), D(2026, 9, 30))
    text = to_ical(items, lambda i: f"{i.title % i.params}", name="Fristen",
                   now=datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    cal = Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(items)
    ustva = events["ustva:08/2026@backoffice"]
    assert ustva.decoded("DTSTART") == D(2026, 9, 10)
    assert ustva.decoded("DTEND") == D(2026, 9, 11)
    assert str(ustva["SUMMARY"]) == "Umsatzsteuer-Voranmeldung 08/2026"
    [contract] = [e for uid, e in events.items() if uid.startswith("contract:")]
    assert str(contract["SUMMARY"]).startswith("Kündigungsfrist Vertrag V-")
    assert "Wartung, Kopierer; Erdgeschoss sehr lang" in str(contract["SUMMARY"])
    assert contract.decoded("DTSTART") == D(2026, 9, 30)


def test_task_links_lead_to_pages_that_exist(app, client, login):
    ComplianceSettings(vat_return_interval="monthly").save()
    make_licence(renewal_date=D(2026, 5, 20))
    admin = login("admin")
    for task in compliance_deadlines(admin, today=D(2026, 5, 14)):
        assert client.get(task.url).status_code == 200, task.url


def test_the_restriction_ends_are_found_through_an_index(app):
    """The task badge asks for ends of restriction on every page; without an index on
    `restricted_until` the embedded server reads every employee (22 s at 100,000 in the
    20-user bench). Each restricted collection must have that index in the database."""
    from models import ensure_indexes
    from services.compliance.calendar import _restricted_models

    ensure_indexes()
    for collection, model, _, _ in _restricted_models():
        keys = [spec["key"] for spec in model._get_collection().index_information().values()]
        assert [("restricted_until", 1)] in keys, collection

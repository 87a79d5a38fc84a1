"""The calendar's trainings and ends of retention, and the per-user iCal feed (secret URL,
revocable), read back with the `icalendar` parser."""
import hashlib
import re
from datetime import date

from icalendar import Calendar

from models.compliance import CalendarFeed, ComplianceSettings
from models.employee import Employee
from models.training import Instruction, Training
from models.user import User
from seeds.demo import _tiny_pdf
from services.archive.store import store_generated
from services.compliance.calendar import calendar_for
from services.compliance.feed import create_feed, revoke_feed, user_for_token
from tests.conftest import csrf_token_from
from tests.factories import make_employee, make_user

D = date
SEPT = (D(2026, 9, 1), D(2026, 9, 30))


def _keys(user, start, end):
    return {i.key.split(":")[0]: i for i in calendar_for(user, start, end)}


def test_instructions_and_booked_trainings_go_to_hr_and_the_person(app):
    with app.app_context():
        safety = Instruction(name="Arbeitsschutzunterweisung", interval_months=12,
                             legal_basis="§ 12 ArbSchG").save()
        emp = make_employee(first_name="Tina", last_name="Lernt", hire_date=D(2024, 1, 2))
        Training(employee=emp, title="Unterweisung 2025", date=D(2025, 9, 15),
                 instruction=safety).save()
        Training(employee=emp, title="Excel für Fortgeschrittene", date=D(2026, 9, 22)).save()
        person = make_user("employee", employee=emp)
        hr = _keys(make_user("hr"), *SEPT)
        # done 15.09.2025, every 12 months: due 15.09.2026
        assert hr["instruction"].due == D(2026, 9, 15)
        assert hr["instruction"].params["employee"] == "Tina Lernt"
        assert hr["training"].due == D(2026, 9, 22)
        assert set(_keys(person, *SEPT)) == {"instruction", "training"}
        assert not {"instruction", "training"} & set(_keys(make_user("finance"), *SEPT))
        # outside the range: nothing
        assert "instruction" not in _keys(make_user("hr"), D(2026, 10, 1), D(2026, 10, 31))


def test_ends_of_retention_per_category_and_day_and_ends_of_restriction(app):
    with app.app_context():
        # letters: 6 years from the end of the document's year (AO § 147 (3))
        for n in (1, 2):
            store_generated(_tiny_pdf(f"Brief {n}"), f"brief-{n}.pdf", "application/pdf",
                            D(2020, 3, n), "test", key=f"letter-{n}", category="letter")
        store_generated(_tiny_pdf("Brief 3"), "brief-3.pdf", "application/pdf",
                        D(2021, 3, 1), "test", key="letter-3", category="letter")
        emp = make_employee(personnel_no="P-501")
        Employee.objects(pk=emp.pk).update_one(set__restricted_until=D(2026, 12, 31))
        admin = make_user("admin")
        december = _keys(admin, D(2026, 12, 1), D(2026, 12, 31))
        assert december["retention"].due == D(2026, 12, 31)
        assert december["retention"].params == {"count": "2"}
        assert december["retention"].key == "retention:letter:2026-12-31"
        assert december["restriction"].params == {"number": "P-501"}
        assert "Personalnummer" in december["restriction"].title
        assert "retention" not in _keys(admin, D(2027, 1, 1), D(2027, 11, 30))
        assert not {"retention", "restriction"} & set(_keys(make_user("hr"), D(2026, 12, 1),
                                                            D(2026, 12, 31)))


def _events(body: bytes):
    cal = Calendar.from_ical(body)
    return {str(e["UID"]).split(":")[0]: e for e in cal.walk("VEVENT")}


def test_the_feed_url_is_secret_replaceable_and_revocable(app, client):
    with app.app_context():
        ComplianceSettings(vat_return_interval="monthly").save()
        user = make_user("finance", email="fibu@firma.example.com")
        token = create_feed(user)
        stored = CalendarFeed.objects.get(pk=user.pk)
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(CalendarFeed._get_collection().find_one({"_id": user.pk}))
    response = client.get(f"/calendar/feed/{token}.ics")   # no log-in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = _events(response.data)
    assert "ustva" in events and "Umsatzsteuer-Voranmeldung" in str(events["ustva"]["SUMMARY"])
    assert client.get(f"/calendar/feed/{token[:-1]}x.ics").status_code == 404
    with app.app_context():
        second = create_feed(user)
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{second}.ics").status_code == 200
    with app.app_context():
        assert revoke_feed(user) and not revoke_feed(user)
    assert client.get(f"/calendar/feed/{second}.ics").status_code == 404


def test_the_feed_stops_for_a_deactivated_user_or_one_without_calendar_roles(app):
    with app.app_context():
        user = make_user("hr")
        token = create_feed(user)
        assert user_for_token(token).pk == user.pk
        User.objects(pk=user.pk).update_one(set__roles=["employee"])
        assert user_for_token(token) is None
        User.objects(pk=user.pk).update_one(set__roles=["hr"], set__active=False)
        assert user_for_token(token) is None


def test_the_feed_speaks_the_users_language(app, client):
    with app.app_context():
        ComplianceSettings(vat_return_interval="monthly").save()
        token = create_feed(make_user("finance", locale="en"))
    events = _events(client.get(f"/calendar/feed/{token}.ics").data)
    assert str(events["ustva"]["SUMMARY"]).startswith("VAT return ")


def test_the_calendar_screen_creates_shows_once_and_revokes_the_url(app, client, login):
    login("support")
    page = client.get("/admin/compliance/").get_data(as_text=True)
    assert "Abonnement-Adresse erzeugen" in page
    token = csrf_token_from(page)
    created = client.post("/admin/compliance/feed", data={"csrf_token": token})
    assert created.status_code == 200
    url = re.search(r'value="(http[^"]+/calendar/feed/[^"]+\.ics)"',
                    created.get_data(as_text=True)).group(1)
    path = url.split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    again = client.get("/admin/compliance/").get_data(as_text=True)
    assert path not in again and "Abonnement aktiv seit" in again   # shown once only
    assert client.post("/admin/compliance/feed/revoke",
                       data={"csrf_token": token}).status_code == 302
    assert client.get(path).status_code == 404

"""The IT, contract and calendar screens through HTTP: forms, workflow posts, key reveal, exports."""
from datetime import date

from models.audit import AuditEntry
from models.compliance import ComplianceDone, ComplianceSettings
from models.it_asset import Asset, AssetHandover, Licence
from tests.conftest import csrf_token_from
from tests.factories import make_employee
from tests.factories_it import make_asset, make_contract, make_licence

KEY = "QWERT-54321-ZUIOP-98765"


def _token(client, url="/admin/"):
    return csrf_token_from(client.get(url).data)


def test_licence_key_is_write_only_masked_and_revealed_with_an_audit_entry(client, login):
    user = login("support")
    token = _token(client, "/admin/licences/new/")
    response = client.post("/admin/licences/new/", data={
        "csrf_token": token, "product": "Grafikpaket", "vendor": "Beispiel AG",
        "licence_type": "per_user", "seats": "3", "new_key": KEY})
    assert response.status_code == 302, response.data[:2000]
    licence = Licence.objects.get(product="Grafikpaket")
    assert licence.licence_key == KEY
    for url in ("/admin/licences/", f"/admin/licences/details/?id={licence.pk}",
                f"/admin/licences/edit/?id={licence.pk}", "/admin/licences/export/csv/"):
        page = client.get(url).get_data(as_text=True)
        assert "54321" not in page and "98765" not in page.replace("••••••••8765", ""), url
    assert "••••••••8765" in client.get("/admin/licences/").get_data(as_text=True)
    # the audit log of the creation does not hold the key either
    assert all("54321" not in (c.new or "") for e in AuditEntry.objects for c in e.changes)
    # saving the form with an empty key field keeps the key
    token = _token(client, f"/admin/licences/edit/?id={licence.pk}")
    client.post(f"/admin/licences/edit/?id={licence.pk}", data={
        "csrf_token": token, "product": "Grafikpaket 2", "vendor": "Beispiel AG",
        "licence_type": "per_user", "seats": "3", "new_key": ""})
    licence.reload()
    assert (licence.product, licence.licence_key) == ("Grafikpaket 2", KEY)

    response = client.post(f"/admin/it-ops/licence/{licence.pk}/reveal",
                           data={"csrf_token": _token(client)})
    assert response.status_code == 200 and KEY in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [entry] = AuditEntry.objects(action="reveal")
    assert (entry.user, entry.document_id) == (user.email, str(licence.pk))


def test_auditor_reads_licences_but_may_not_reveal(client, login):
    licence = make_licence(licence_key=KEY)
    login("auditor")
    assert client.get(f"/admin/licences/details/?id={licence.pk}").status_code == 200
    response = client.post(f"/admin/it-ops/licence/{licence.pk}/reveal",
                           data={"csrf_token": _token(client)})
    assert response.status_code == 403
    assert AuditEntry.objects(action="reveal").count() == 0


def test_issue_and_return_an_asset_through_the_detail_page(client, login):
    login("support")
    asset = make_asset(asset_tag="IT-0815")
    person = make_employee(personnel_no="P-77", last_name="Krüger")
    details = f"/admin/assets/details/?id={asset.pk}"
    token = _token(client, details)
    response = client.post(f"/admin/it-ops/asset/{asset.pk}/issue", data={
        "csrf_token": token, "personnel_no": "P-77", "on": "02.03.2026"})
    assert response.status_code == 302
    asset.reload()
    assert asset.status == "handed_out" and asset.employee.pk == person.pk
    page = client.get(details).get_data(as_text=True)
    assert "Krüger" in page and "02.03.2026" in page and "/archive/" in page
    # an unknown personnel number: a message, nothing changed
    other = make_asset()
    client.post(f"/admin/it-ops/asset/{other.pk}/issue", data={
        "csrf_token": token, "personnel_no": "X-1", "on": "02.03.2026"})
    assert Asset.objects.get(pk=other.pk).status == "in_stock"
    assert AssetHandover.objects(asset=other.pk).count() == 0
    client.post(f"/admin/it-ops/asset/{asset.pk}/return", data={
        "csrf_token": token, "on": "31.03.2026", "to": "in_stock"})
    assert Asset.objects.get(pk=asset.pk).status == "in_stock"


def test_contract_list_budget_calendar_and_ical(client, login):
    login("finance")
    ComplianceSettings(vat_return_interval="monthly").save()
    contract = make_contract()
    page = client.get("/admin/contracts/").get_data(as_text=True)
    assert contract.number in page
    # terms end every 31 Dec (from 2026 on), notice 3 months before: 30 Sep, renewal 1 Jan
    from services.compliance.calendar import berlin_today

    today = berlin_today()
    year = today.year if today <= date(today.year, 9, 30) else today.year + 1
    assert f"30.09.{year}" in page and f"01.01.{year + 1}" in page
    budget = client.get("/admin/contract-budget/?year=2026").get_data(as_text=True)
    assert "1.440,00 €" in budget
    assert client.get("/admin/contract-budget/?year=abc").status_code == 400
    calendar = client.get("/admin/compliance/").get_data(as_text=True)
    assert "Umsatzsteuer-Voranmeldung" in calendar
    ics = client.get("/admin/compliance/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in ics.data
    key = next(line.split(":", 1)[1].rsplit("@", 1)[0] for line in
               ics.get_data(as_text=True).split("\r\n") if line.startswith("UID:ustva"))
    token = _token(client, "/admin/compliance/")
    assert client.post("/admin/compliance/done", data={"csrf_token": token, "key": key}
                       ).status_code == 302
    assert ComplianceDone.objects(pk=key).count() == 1
    assert client.post("/admin/compliance/done", data={"csrf_token": token,
                                                       "key": "made:up"}).status_code == 404


def test_a_warehouse_clerk_sees_no_it_or_contracts(client, login):
    login("warehouse")
    for url in ("/admin/assets/", "/admin/licences/", "/admin/contracts/",
                "/admin/contract-budget/", "/admin/compliance/"):
        assert client.get(url).status_code == 403, url


def test_start_page_tile_shows_overdue_deadlines_and_the_it_watch(client, login):
    import re

    from services.compliance.calendar import berlin_today
    from datetime import timedelta

    today = berlin_today()
    ComplianceSettings(vat_return_interval="monthly").save()
    make_asset(warranty_end=today + timedelta(days=10))
    make_licence(seats=0, allow_overassignment=True, assigned=2)
    login("support")
    page = client.get("/admin/").get_data(as_text=True)
    value = lambda id_: re.search(rf'id="{id_}">([^<]*)<', page).group(1)
    assert (value("it-warranties"), value("it-over-assigned")) == ("1", "1")
    assert 'id="contract-reminders"' not in page
    login("finance")
    page = client.get("/admin/").get_data(as_text=True)
    # every month has a VAT return; the last quarter's are overdue unless marked done
    assert int(re.search(r'id="deadlines-overdue">([^<]*)<', page).group(1)) >= 2
    assert 'id="it-warranties"' not in page and 'id="contract-reminders"' in page

"""The SEPA screens: a finance clerk proposes, a colleague releases and downloads; task list."""
from datetime import date

from models.payment_run import PaymentRun
from services.core.tasks import tasks_for
from tests.conftest import csrf_token_from
from tests.factories import make_company, make_user
from tests.services.banking.test_sepa import payroll


def post(client, url, data):
    token = csrf_token_from(client.get("/sepa/").data)
    return client.post(url, data={**data, "csrf_token": token})


def test_propose_release_download_through_the_screens(app, client, login):
    make_company()
    payroll()
    clerk = login("finance")
    response = post(client, "/sepa/", {"up_to": "2026-03-31", "execution_date": "2026-03-27"})
    assert response.status_code == 302
    run = PaymentRun.objects.get()
    page = client.get(f"/sepa/{run.pk}").get_data(as_text=True)
    assert "Freigeben" in page and run.items[0].name in page
    # the clerk's own release is refused with the four-eyes message
    post(client, f"/sepa/{run.pk}/act", {"action": "release", "version": run.version})
    assert PaymentRun.objects.get().status == "draft"
    assert "Vier-Augen" in client.get(f"/sepa/{run.pk}").get_data(as_text=True)
    # a colleague sees the task and releases
    assert not [t for t in tasks_for(clerk).tasks if t.area == "banking"]
    assert not [t for t in tasks_for(make_user("hr")).tasks if t.area == "banking"]
    colleague = login("finance")
    assert [t.ref for t in tasks_for(colleague).tasks if t.area == "banking"] == [run.number]
    post(client, f"/sepa/{run.pk}/act", {"action": "release", "version": run.version})
    run = PaymentRun.objects.get()
    assert run.status == "released"
    xml = client.get(f"/sepa/{run.pk}/file/pain_001_001_09")
    assert xml.status_code == 200 and b"pain.001.001.09" in xml.data and b"SALA" in xml.data
    assert "attachment" in xml.headers["Content-Disposition"]


def test_other_roles_cannot_see_or_write(app, client, login):
    login("hr")
    assert client.get("/sepa/").status_code == 403
    login("auditor")
    assert client.get("/sepa/").status_code == 200
    token = csrf_token_from(client.get("/sepa/").data)
    assert client.post("/sepa/", data={"csrf_token": token, "up_to": "2026-03-31",
                                       "execution_date": "2026-03-31"}).status_code == 403
    assert PaymentRun.objects.count() == 0

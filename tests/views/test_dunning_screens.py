"""The dunning screens: propose, review, confirm; the task list names open proposals."""
from datetime import date

from models.dunning import DunningRun
from services.core.tasks import tasks_for
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.services.banking.test_dunning import issued_invoice, setup_levels


def post(client, url, data):
    token = csrf_token_from(client.get("/dunning/").data)
    return client.post(url, data={**data, "csrf_token": token})


def test_propose_review_confirm(app, client, login):
    setup_levels()
    inv = issued_invoice()
    login("finance")
    assert post(client, "/dunning/", {"as_of": "2026-04-05"}).status_code == 302
    run = DunningRun.objects.get()
    assert [t.ref for t in tasks_for(make_user("finance")).tasks
            if t.area == "banking"] == [run.number]
    assert not [t for t in tasks_for(make_user("hr")).tasks if t.area == "banking"]
    page = client.get(f"/dunning/{run.pk}").get_data(as_text=True)
    assert inv.number in page and "Bestätigen" in page
    post(client, f"/dunning/{run.pk}/act", {"action": "confirm"})
    run = DunningRun.objects.get()
    assert run.status == "confirmed" and run.letters[0].status == "sent"
    page = client.get(f"/dunning/{run.pk}").get_data(as_text=True)
    assert "Brief (PDF)" in page
    assert client.get(f"/archive/{run.letters[0].pdf_file}/download").status_code == 200
    # nothing due on a day without overdue invoices
    post(client, "/dunning/", {"as_of": "2026-04-06"})
    assert DunningRun.objects.count() == 1
    assert date(2026, 4, 5) == run.as_of


def test_hr_cannot_and_auditors_only_read(app, client, login):
    login("hr")
    assert client.get("/dunning/").status_code == 403
    login("auditor")
    assert client.get("/dunning/").status_code == 200
    assert post(client, "/dunning/", {"as_of": "2026-04-05"}).status_code == 403

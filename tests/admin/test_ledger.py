"""Journal screens: posted entries have no edit/delete, and their URLs refuse."""
from datetime import date

from models import JournalEntry
from services import posting
from tests.conftest import csrf_token_from
from tests.factories import make_entry


def test_posted_entry_has_no_edit_or_delete_and_urls_refuse(client, login):
    draft = make_entry(text="Entwurf Porto")
    posted = posting.post_entry(make_entry(text="Gebuchte Miete"), "fibu")
    login("finance")
    listing = client.get("/admin/journal/").get_data(as_text=True)
    assert f"/admin/journal/edit/?id={draft.pk}" in listing
    assert f"/admin/journal/edit/?id={posted.pk}" not in listing
    details = client.get(f"/admin/journal/details/?id={posted.pk}").get_data(as_text=True)
    assert "Gebuchte Miete" in details and "/admin/journal/edit/" not in details
    assert client.get(f"/admin/journal/edit/?id={posted.pk}").status_code == 403
    token = csrf_token_from(client.get("/admin/journal/").data)
    response = client.post("/admin/journal/delete/", data={"id": str(posted.pk),
                                                           "csrf_token": token})
    assert response.status_code == 403
    response = client.post(f"/admin/journal/edit/?id={posted.pk}", data={
        "date": "2026-03-15", "text": "manipuliert", "csrf_token": token})
    assert response.status_code == 403
    assert JournalEntry.objects.get(pk=posted.pk).text == "Gebuchte Miete"
    assert client.get(f"/admin/journal/edit/?id={draft.pk}").status_code == 200
    assert posting.verify_chain(2026).ok and date(2026, 3, 15) == posted.date

"""Journal screens: posted entries have no edit/delete, and their URLs refuse."""
from datetime import date

from models import JournalEntry
from services.ledger import posting
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


def test_delete_checks_the_id_it_deletes_not_the_one_in_the_url(client, login):
    """A draft's id in the URL must not cover a posted entry's id in the form (issue 13.12)."""
    draft = make_entry(text="Entwurf Porto")
    posted = posting.post_entry(make_entry(text="Gebuchte Miete"), "fibu")
    login("finance")
    token = csrf_token_from(client.get("/admin/journal/").data)
    response = client.post(f"/admin/journal/delete/?id={draft.pk}",
                           data={"id": str(posted.pk), "csrf_token": token})
    assert response.status_code == 403  # refused by the view, not only by the model
    response = client.post(f"/admin/journal/edit/?id={posted.pk}",
                           data={"id": str(draft.pk), "text": "manipuliert", "csrf_token": token})
    assert response.status_code == 403
    assert JournalEntry.objects.get(pk=posted.pk).text == "Gebuchte Miete"
    # the other side: a draft named in both places is deleted
    response = client.post(f"/admin/journal/delete/?id={draft.pk}",
                           data={"id": str(draft.pk), "csrf_token": token})
    assert response.status_code == 302 and JournalEntry.objects(pk=draft.pk).count() == 0
    assert posting.verify_chain(2026).ok


def _action(client, name, ids):
    token = csrf_token_from(client.get("/admin/journal/").data)
    return client.post("/admin/journal/action/", data={
        "action": name, "rowid": [str(i) for i in ids], "csrf_token": token},
        follow_redirects=True)


def test_finance_posts_reverses_and_corrects_through_actions(client, login):
    draft = make_entry(text="Porto März")
    login("finance")
    page = _action(client, "post", [draft.pk]).get_data(as_text=True)
    entry = JournalEntry.objects.get(pk=draft.pk)
    assert entry.status == "posted" and entry.number == 1 and "gebucht" in page
    page = _action(client, "correct", [entry.pk]).get_data(as_text=True)
    original = JournalEntry.objects.get(pk=entry.pk)
    reversal = JournalEntry.objects.get(pk=original.reversed_by)
    assert reversal.number == 2 and reversal.reversal_of == original.pk
    copy = JournalEntry.objects.get(status="draft")
    assert copy.text.startswith("Korrektur zu Nr. 1") and copy.total_debit == original.total_debit
    assert f"/admin/journal/edit/?id={copy.pk}" in page
    page = _action(client, "reverse", [entry.pk]).get_data(as_text=True)
    assert "already reversed by #2" in page
    assert JournalEntry.objects(status="posted").count() == 2
    details = client.get(f"/admin/journal/details/?id={original.pk}").get_data(as_text=True)
    assert f"/admin/journal/details/?id={reversal.pk}" in details


def test_unbalanced_draft_is_not_posted_and_the_clerk_is_told(client, login):
    draft = make_entry()
    JournalEntry._get_collection().update_one({"_id": draft.pk},
                                              {"$set": {"lines.1.credit": 100}})
    login("finance")
    page = _action(client, "post", [draft.pk]).get_data(as_text=True)
    assert "sind nicht ausgeglichen" in page
    assert JournalEntry.objects.get(pk=draft.pk).status == "draft"


def test_auditor_cannot_post(client, login):
    draft = make_entry()
    login("auditor")
    assert "Buchen" not in client.get("/admin/journal/").get_data(as_text=True)
    token = csrf_token_from(client.get("/admin/journal/").data)
    response = client.post("/admin/journal/action/", data={
        "action": "post", "rowid": [str(draft.pk)], "csrf_token": token})
    assert response.status_code == 403
    assert JournalEntry.objects.get(pk=draft.pk).status == "draft"


def test_finance_menu_links_to_the_ledger_screens_only_for_finance_readers(client, login):
    login("warehouse")
    assert "/ledger/trial-balance" not in client.get("/admin/").get_data(as_text=True)
    login("auditor")
    page = client.get("/admin/").get_data(as_text=True)
    assert "/ledger/trial-balance" in page and "/ledger/periods" in page

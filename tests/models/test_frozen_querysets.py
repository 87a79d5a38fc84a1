"""Bulk writes on querysets never change a frozen document (issued invoices, logs).

Except the last invoice test (issuing through the service, app fixture), these tests use
a bare database and an invoice issued by hand (its status and number written to the raw
collection, as the service does): the mutation run of models/invoice.py (TESTING.md) runs
them once per mutant.
"""
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import mongoengine as me
import pytest
from bson import ObjectId

from models import DeletionLogEntry, connect_db
from models.audit import AuditEntry
from models.invoice import FrozenInvoiceError, Invoice, VatRate
from services.invoicing import issuing as invoicing
from services.core.errors import BusinessRuleError
from tests.factories import make_company, make_invoice

WRITES = {
    "update": lambda qs: qs.update(set__notes="geändert"),
    "update_one": lambda qs: qs.update_one(set__notes="geändert"),
    "modify": lambda qs: qs.modify(set__notes="geändert"),
    "delete": lambda qs: qs.delete(),
}


@pytest.fixture
def db(db_server):
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    for code in ("19", "7"):
        VatRate(code=code, rate=Decimal(code), label=f"Umsatzsteuer {code} %", category="S",
                revenue_account="8400").save()
    yield
    me.get_connection().drop_database(name)


@pytest.fixture
def issued_and_draft(db):
    issued = make_invoice()
    Invoice._get_collection().update_one(
        {"_id": issued.pk}, {"$set": {"status": "issued", "number": "RE-2026-00001"}})
    draft = make_invoice(notes="Entwurf")
    return Invoice.objects.get(pk=issued.pk), draft


def stored(inv) -> dict:
    return Invoice._get_collection().find_one({"_id": inv.pk})


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("status", ["issued", "paid", "cancelled", "issuing"])
def test_a_bulk_write_on_a_non_draft_invoice_is_refused(issued_and_draft, write, status):
    issued, draft = issued_and_draft
    Invoice._get_collection().update_one({"_id": issued.pk}, {"$set": {"status": status}})
    before = stored(issued)
    with pytest.raises(FrozenInvoiceError, match="RE-2026-00001 is issued"):
        WRITES[write](Invoice.objects(pk=issued.pk))
    with pytest.raises(FrozenInvoiceError):  # mixed with a draft: nothing is written
        WRITES[write](Invoice.objects(pk__in=[issued.pk, draft.pk]))
    assert stored(issued) == before
    assert stored(draft)["notes"] == "Entwurf"


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_same_bulk_write_on_a_draft_goes_through(issued_and_draft, write):
    _, draft = issued_and_draft
    WRITES[write](Invoice.objects(pk=draft.pk))
    after = stored(draft)
    if write == "delete":
        assert after is None
    else:
        assert after["notes"] == "geändert" and after["status"] == "draft"


@pytest.mark.parametrize("update", [
    {"set__status": "issued"}, {"set__number": "RE-2026-09999"},
    {"set__gross_total": 1}, {"set__paid_total": 1}, {"unset__journal_entry": True},
])
def test_fields_of_issuing_are_not_set_by_a_queryset_even_on_a_draft(issued_and_draft,
                                                                     update):
    _, draft = issued_and_draft
    with pytest.raises(FrozenInvoiceError, match="only the business service"):
        Invoice.objects(pk=draft.pk).update(**update)
    assert stored(draft)["status"] == "draft" and "number" not in stored(draft)


def test_an_upsert_or_an_issued_insert_is_refused(issued_and_draft):
    issued, draft = issued_and_draft
    with pytest.raises(FrozenInvoiceError):
        Invoice.objects(pk=ObjectId()).upsert_one(set__notes="neu")
    copy = Invoice.objects.get(pk=issued.pk)
    copy.pk = None
    with pytest.raises(FrozenInvoiceError):
        Invoice.objects.insert(copy)
    assert Invoice.objects.count() == 2


def test_a_modify_with_upsert_is_refused_even_for_a_draft(issued_and_draft):
    _, draft = issued_and_draft
    for pk in (draft.pk, ObjectId()):
        with pytest.raises(FrozenInvoiceError, match="never created by an upsert"):
            Invoice.objects(pk=pk).modify(upsert=True, set__notes="neu")
    assert stored(draft)["notes"] == "Entwurf" and Invoice.objects.count() == 2


def test_a_bulk_write_that_selects_no_log_entry_writes_nothing(db):
    AuditEntry(user="u", action="create", collection="x", document_id="1").save()
    before = list(AuditEntry._get_collection().find())
    assert AuditEntry.objects(user="niemand").update(set__user="x") == 0
    assert AuditEntry.objects(user="niemand").delete() == 0
    assert list(AuditEntry._get_collection().find()) == before


def test_issuing_and_paying_still_work_through_the_service(app):
    make_company()
    invoicing.issue_invoice(make_invoice(), "fibu")
    second = invoicing.issue_invoice(make_invoice(notes="Entwurf"), "fibu")
    assert second.status == "issued" and second.number == "RE-2026-00002"


def _log_entry():
    now = datetime.now(timezone.utc)
    DeletionLogEntry._get_collection().insert_one({
        "_id": ObjectId(), "filename": "a.pdf", "category": "letter", "sha256": "0" * 64,
        "document_date": datetime(2020, 1, 1), "keep_until": datetime(2026, 1, 1),
        "deleted_at": now, "run_id": "run-1"})


@pytest.mark.parametrize("write", sorted(WRITES))
def test_log_entries_refuse_every_bulk_write(db, write):
    AuditEntry(user="u", action="create", collection="x", document_id="1").save()
    _log_entry()
    for document in (AuditEntry, DeletionLogEntry):
        before = list(document._get_collection().find())
        with pytest.raises(BusinessRuleError, match="can never be changed or deleted"):
            WRITES[write](document.objects)
        assert list(document._get_collection().find()) == before
    assert AuditEntry.objects.count() == 1 and DeletionLogEntry.objects.count() == 1
    assert DeletionLogEntry.objects.get().document_date == date(2020, 1, 1)

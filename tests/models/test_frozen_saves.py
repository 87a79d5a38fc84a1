"""`Document.save` of one released or approved record (issue 23): released payroll runs
and their payslips, released or cancelled SEPA payment runs and direct-debit runs,
confirmed or cancelled dunning runs, the DATEV hand-off record. The bulk writes on the
same documents: test_frozen_documents.py.

Which status is frozen is written here by hand. The documents are stored through the raw
collection (as the services store them), so setting them up passes no guard of the code
under test; a bare database keeps the file fast. The other side: open documents are
saved, and the services' own compare-and-set transitions (approved → posting → posted →
reversing → reversed, draft → cancelled, draft → released → (no change)) still go through.
"""
import uuid
from datetime import date, datetime
from decimal import Decimal

import mongoengine as me
import pytest
from bson import ObjectId

from models import connect_db
from models.bank_account import BankAccount
from models.datev_export import DatevExport
from models.direct_debit import DirectDebitRun
from models.dunning import DunningRun
from models.payment_run import PaymentRun
from models.payroll import PayrollRun, Payslip
from services.banking import direct_debit, dunning, sepa
from services.core.errors import BusinessRuleError
from services.payroll.runs import transition

# by hand: what is frozen (issue 14: a payroll run is released from its approval on)
PAYROLL_FROZEN = ["approved", "posting", "posted", "reversing", "reversed"]
PAYROLL_OPEN = ["draft", "calculating", "calculated", "discarded"]
DAY = datetime(2026, 3, 2)


@pytest.fixture
def db(db_server):
    name = f"test_{uuid.uuid4().hex[:12]}"
    connect_db(db_server, name)
    yield
    me.get_connection().drop_database(name)


def raw(document, **fields) -> ObjectId:
    fields.setdefault("_id", ObjectId())
    document._get_collection().insert_one(fields)
    return fields["_id"]


def stored(document, pk) -> dict:
    return document._get_collection().find_one({"_id": pk})


def payroll_run(status, month=3):
    return raw(PayrollRun, year=2026, month=month, month_key=f"k-{uuid.uuid4().hex}",
               status=status, created_by="hr")


def payment_run(status):
    return raw(PaymentRun, number=f"ZL-{uuid.uuid4().hex[:8]}", status=status, up_to=DAY,
               execution_date=DAY, total=10000, created_by="finance", version=1)


def debit_run(status):
    return raw(DirectDebitRun, number=f"LS-{uuid.uuid4().hex[:8]}", status=status,
               collection_date=DAY, bank_account=raw(BankAccount, name="Giro"), total=10000,
               created_by="finance", version=1)


def dunning_run(status):
    return raw(DunningRun, number=f"MA-{uuid.uuid4().hex[:8]}", status=status, as_of=DAY,
               letters=[], created_by="finance")


RUNS = {  # document, how to store one, its frozen statuses, its open statuses, its message
    "payroll": (PayrollRun, payroll_run, PAYROLL_FROZEN, PAYROLL_OPEN, "ist freigegeben"),
    "sepa": (PaymentRun, payment_run, ["released", "cancelled"], ["draft"],
             "Zahlungslauf ZL-.* ist freigegeben oder storniert"),
    "direct_debit": (DirectDebitRun, debit_run, ["released", "cancelled"], ["draft"],
                     "Lastschrifteinzug LS-.* ist freigegeben oder verworfen"),
    "dunning": (DunningRun, dunning_run, ["confirmed", "cancelled"], ["draft"],
                "Mahnlauf MA-.* ist bestätigt oder verworfen"),
}
FROZEN_CASES = [(kind, status) for kind, spec in RUNS.items() for status in spec[2]]
OPEN_CASES = [(kind, status) for kind, spec in RUNS.items() for status in spec[3]]


@pytest.mark.parametrize("kind,status", FROZEN_CASES)
def test_a_frozen_run_refuses_a_single_save_and_delete(db, kind, status):
    document, make, _, _, message = RUNS[kind]
    pk = make(status)
    before = stored(document, pk)
    run = document.objects.get(pk=pk)
    run.created_by = "someone else"
    with pytest.raises(BusinessRuleError, match=message):
        run.save()
    with pytest.raises(BusinessRuleError, match=message):
        document.objects.get(pk=pk).save()  # even unchanged: the status is frozen
    with pytest.raises(BusinessRuleError):
        document.objects.get(pk=pk).delete()
    assert stored(document, pk) == before


@pytest.mark.parametrize("kind,status", FROZEN_CASES)
def test_a_run_frozen_after_it_was_read_refuses_the_save(db, kind, status):
    """Read as open, then frozen by the service (raw compare-and-set): the stale copy's
    save writes nothing, the database's status is the condition."""
    document, make, _, opened, message = RUNS[kind]
    pk = make(opened[-1])
    run = document.objects.get(pk=pk)
    document._get_collection().update_one({"_id": pk}, {"$set": {"status": status}})
    before = stored(document, pk)
    run.created_by = "someone else"
    with pytest.raises(BusinessRuleError, match=message):
        run.save()
    assert stored(document, pk) == before


@pytest.mark.parametrize("kind,status", FROZEN_CASES)
def test_a_frozen_run_is_never_created_nor_replaced_by_save(db, kind, status):
    document, make, _, opened, _ = RUNS[kind]
    frozen = document.objects.get(pk=make(status))
    before = stored(document, frozen.pk)
    son = {k: v for k, v in before.items() if k != "_id"}
    new = document._from_son(son, created=True)
    unique = "month_key" if kind == "payroll" else "number"
    setattr(new, unique, f"N-{uuid.uuid4().hex[:8]}")
    with pytest.raises(BusinessRuleError):
        new.save()  # a new document in a frozen state: only the service writes that
    assert document.objects.count() == 1
    # a new open document carrying the frozen one's id does not replace it
    twin = document._from_son({**son, "_id": frozen.pk, "status": opened[0]}, created=True)
    with pytest.raises(me.NotUniqueError):
        twin.save()
    # nor one given the id afterwards (mongoengine then takes it for a stored document)
    new.status = opened[0]
    new.id = frozen.pk
    with pytest.raises(BusinessRuleError):
        new.save()
    assert stored(document, frozen.pk) == before
    assert document.objects.count() == 1


@pytest.mark.parametrize("kind,status", OPEN_CASES)
def test_an_open_run_is_saved_and_deleted(db, kind, status):
    document, make, _, _, _ = RUNS[kind]
    pk = make(status)
    run = document.objects.get(pk=pk)
    run.created_by = "someone else"
    run.save()
    assert stored(document, pk)["created_by"] == "someone else"
    assert stored(document, pk)["status"] == status
    document.objects.get(pk=pk).delete()
    assert stored(document, pk) is None


@pytest.mark.parametrize("kind", sorted(RUNS))
def test_an_open_run_is_not_frozen_nor_released_by_save(db, kind):
    """Setting the frozen status or a field only the service sets is not a save."""
    document, make, frozen, opened, _ = RUNS[kind]
    service_only = {"payroll": "approved_by", "sepa": "released_by",
                    "direct_debit": "released_by", "dunning": "confirmed_by"}[kind]
    pk = make(opened[0])
    before = stored(document, pk)
    run = document.objects.get(pk=pk)
    run.status = frozen[0]
    with pytest.raises(BusinessRuleError):
        run.save()
    run = document.objects.get(pk=pk)
    setattr(run, service_only, "x")
    with pytest.raises(BusinessRuleError, match="only the business service may set"):
        run.save()
    assert stored(document, pk) == before


def test_a_new_open_run_is_created_by_save(db):
    run = PaymentRun(number="ZL-2026-00001", up_to=date(2026, 3, 1),
                     execution_date=date(2026, 3, 2), created_by="finance").save()
    assert stored(PaymentRun, run.pk)["status"] == "draft"
    run.created_by = "another clerk"
    run.save()
    assert stored(PaymentRun, run.pk)["created_by"] == "another clerk"
    PayrollRun(year=2026, month=4, month_key="2026-04", created_by="hr").save()
    assert PayrollRun._get_collection().count_documents({"status": "draft"}) == 1


def test_the_payroll_steps_of_the_service_go_on_after_approval(db):
    """approved → posting → posted → reversing → reversed by the service's transition."""
    pk = payroll_run("calculated")
    steps = [(("calculated",), "approved"), (("approved",), "posting"),
             (("posting",), "posted"), (("posted",), "reversing"),
             (("reversing",), "reversed")]
    for expected, status in steps:
        run = transition(pk, expected, {"status": status}, "go on")
        assert run.status == status == stored(PayrollRun, pk)["status"]
        with pytest.raises(BusinessRuleError, match="ist freigegeben"):
            run.save()  # what the service returns is frozen for a save
    with pytest.raises(BusinessRuleError):  # and the compare-and-set still refuses
        transition(pk, ("approved",), {"status": "posting"}, "post")


def test_the_cancellation_of_the_services_goes_through_and_then_freezes(db):
    cases = [(PaymentRun, payment_run, sepa.cancel_run),
             (DirectDebitRun, debit_run, direct_debit.cancel_run),
             (DunningRun, dunning_run, dunning.discard_run)]
    for document, make, cancel in cases:
        pk = make("draft")
        held = document.objects.get(pk=pk)       # a clerk's copy read before
        cancelled = cancel(pk, "finance")
        assert cancelled.status == "cancelled" == stored(document, pk)["status"]
        for copy in (held, cancelled):
            copy.created_by = "x"
            with pytest.raises(BusinessRuleError):
                copy.save()
        assert stored(document, pk)["created_by"] == "finance"


def test_the_release_of_a_payment_run_freezes_it_for_save(db):
    """The release's compare-and-set, as services.banking.sepa.release_run writes it."""
    pk = payment_run("draft")
    held = PaymentRun.objects.get(pk=pk)
    done = PaymentRun._get_collection().update_one(
        {"_id": pk, "status": "draft", "version": 1},
        {"$set": {"status": "released", "released_by": "chef"}})
    assert done.modified_count == 1
    held.items = []
    held.version = 2
    with pytest.raises(BusinessRuleError):
        held.save()
    assert stored(PaymentRun, pk)["version"] == 1


def _slip(run, net=250000):
    return raw(Payslip, run=run, employee=ObjectId(), year=2026, month=3, net=net,
               employee_data={"personnel_no": "7", "last_name": "Muster",
                              "first_name": "Erika"})


@pytest.mark.parametrize("status", PAYROLL_FROZEN)
def test_a_payslip_of_a_released_run_refuses_a_single_save(db, status):
    run = payroll_run(status)
    pk = _slip(run)
    slip = Payslip.objects.get(pk=pk)
    slip.net = 1
    with pytest.raises(BusinessRuleError,
                       match="Payslip 03/2026 Muster, Erika gehört zu einem freigegebenen"):
        slip.save()
    with pytest.raises(BusinessRuleError):
        Payslip.objects.get(pk=pk).delete()
    new = Payslip(run=run, employee=ObjectId(), year=2026, month=3,
                  employee_data=slip.employee_data)
    with pytest.raises(BusinessRuleError):
        new.save()  # no payslip added to a released run
    assert stored(Payslip, pk)["net"] == 250000
    assert Payslip.objects.count() == 1


def test_a_payslip_read_before_the_approval_is_not_saved_after_it(db):
    run = payroll_run("calculated")
    pk = _slip(run)
    slip = Payslip.objects.get(pk=pk)
    transition(run, ("calculated",), {"status": "approved"}, "approve")
    slip.net = 1
    with pytest.raises(BusinessRuleError):
        slip.save()
    assert stored(Payslip, pk)["net"] == 250000


@pytest.mark.parametrize("status", PAYROLL_OPEN)
def test_a_payslip_of_an_unreleased_run_is_saved(db, status):
    released = payroll_run("posted", month=5)
    _slip(released)   # a released run elsewhere does not stop it
    run = payroll_run(status)
    pk = _slip(run)
    slip = Payslip.objects.get(pk=pk)
    slip.net = 1
    slip.save()
    assert stored(Payslip, pk)["net"] == 100
    Payslip(run=run, employee=ObjectId(), year=2026, month=3,
            employee_data=slip.employee_data).save()
    assert Payslip.objects(run=run).count() == 2


def test_a_payslip_is_not_moved_into_nor_out_of_a_run_by_save(db):
    run, other = payroll_run("calculated"), payroll_run("draft", month=4)
    pk = _slip(run)
    slip = Payslip.objects.get(pk=pk)
    slip.run = PayrollRun.objects.get(pk=other)
    with pytest.raises(BusinessRuleError, match="only the business service may set run"):
        slip.save()
    assert stored(Payslip, pk)["run"] == run


def _export(**fields):
    values = dict(kind="bookings", filename="EXTF_Buchungsstapel.csv", rows=3,
                  sha256="0" * 64, user="finance")
    values.update(fields)
    return values


def test_the_datev_hand_off_record_is_written_once_by_save(db):
    record = DatevExport(**_export()).save()
    assert stored(DatevExport, record.pk)["rows"] == 3
    record.rows = 4
    with pytest.raises(BusinessRuleError, match="log entry"):
        record.save()
    loaded = DatevExport.objects.get(pk=record.pk)
    with pytest.raises(BusinessRuleError, match="log entry"):
        loaded.save()
    with pytest.raises(BusinessRuleError):
        loaded.delete()
    with pytest.raises(me.NotUniqueError):  # a new record with its id does not replace it
        DatevExport(id=record.pk, **_export(rows=9)).save()
    assert stored(DatevExport, record.pk)["rows"] == 3
    DatevExport(**_export(filename="EXTF_Stammdaten.csv", kind="master_data")).save()
    assert DatevExport.objects.count() == 2


def test_a_field_only_the_service_sets_is_not_changed_through_a_nested_path(db):
    """An open run's totals, entry ids and payments are the service's: changing one
    sub-field (an embedded document's field, a list element, a dict key) is refused like
    the whole field, by save and by a queryset update. A sub-field of a field the clerk
    may change (the problems list) is saved."""
    pk = raw(PayrollRun, year=2026, month=3, month_key="2026-03", status="calculated",
             created_by="hr", totals={"net": 250000, "count": 2}, entry_ids=["E-1"],
             payments={"net": "E-2"}, problems=[{"name": "Muster", "missing": "IBAN"}])
    before = stored(PayrollRun, pk)
    changes = {"totals": lambda run: setattr(run.totals, "net", Decimal("1.00")),
               "entry_ids": lambda run: run.entry_ids.__setitem__(0, "E-9"),
               "payments": lambda run: run.payments.__setitem__("net", "E-9")}
    for name, change in changes.items():
        run = PayrollRun.objects.get(pk=pk)
        change(run)
        with pytest.raises(BusinessRuleError, match=f"only the business service may set {name}"):
            run.save()
    for update in ({"set__totals__net": Decimal("1.00")}, {"set__entry_ids__0": "E-9"},
                   {"set__payments__net": "E-9"}):
        with pytest.raises(BusinessRuleError, match="only the business service may set"):
            PayrollRun.objects(pk=pk).update(**update)
        with pytest.raises(BusinessRuleError, match="only the business service may set"):
            PayrollRun.objects(pk=pk).modify(**update)
    # the same through a raw update document, by the stored paths
    for raw_update in ({"$set": {"totals.net": 100}}, {"$set": {"entry_ids.0": "E-9"}},
                       {"$unset": {"payments": ""}}, {"$set": {"status": "approved"}},
                       {"$set": {"approved_by": "x"}}, {"$inc": {"totals.count": 1}}):
        for write in (PayrollRun.objects(pk=pk).update, PayrollRun.objects(pk=pk).modify):
            with pytest.raises(BusinessRuleError, match="only the business service may set"):
                write(__raw__=raw_update)
    # a replacement or a pipeline may set anything: refused as a whole
    for raw_update in ({"created_by": "x"}, [{"$set": {"created_by": "x"}}], {}):
        with pytest.raises(BusinessRuleError, match="only update operators"):
            PayrollRun.objects(pk=pk).update(__raw__=raw_update)
    assert stored(PayrollRun, pk) == before
    # a raw update of a field the clerk may change goes through (the other side)
    assert PayrollRun.objects(pk=pk).update(__raw__={"$set": {"created_by": "hr2"}}) == 1
    assert stored(PayrollRun, pk)["created_by"] == "hr2"
    PayrollRun.objects(pk=pk).update(__raw__={"$set": {"created_by": "hr"}})
    run = PayrollRun.objects.get(pk=pk)
    run.problems[0].missing = "Steuer-ID"
    run.save()
    assert stored(PayrollRun, pk)["problems"] == [{"name": "Muster", "missing": "Steuer-ID"}]
    after = stored(PayrollRun, pk)
    assert [after[k] for k in changes] == [before[k] for k in changes]

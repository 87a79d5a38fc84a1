"""Bulk writes on the other frozen document types (issue 23): released payroll runs and
their payslips, released SEPA payment runs, posted supplier invoices, closed periods and
the journal chain. Issued invoices and the logs: test_frozen_querysets.py.

Which status is frozen is written here by hand, not read from the models. The documents
are stored through the raw collection, so no guard of the code under test is involved in
setting them up; a bare database (no app, no reference data) keeps this file fast for
the mutation run of models/frozen.py.
"""
import uuid
from datetime import date
from decimal import Decimal

import mongoengine as me
import pytest
from bson import ObjectId

from models import connect_db
from models.datev_export import DatevExport
from models.direct_debit import DirectDebitRun
from models.dunning import DunningRun
from models.payment_run import PaymentRun
from models.payroll import RUN_STATUSES, PayrollRun, Payslip
from models.posting import ChainSlot, FiscalYear
from models.supplier_invoice import FrozenSupplierInvoiceError, SupplierInvoice
from services.core.errors import BusinessRuleError

WRITES = {
    "update": lambda qs, change: qs.update(**change),
    "update_one": lambda qs, change: qs.update_one(**change),
    "modify": lambda qs, change: qs.modify(**change),
    "delete": lambda qs, change: qs.delete(),
}
# by hand: a payroll run is released from its approval on (issue 14: approve, post, reverse)
PAYROLL_FROZEN = {"approved", "posting", "posted", "reversing", "reversed"}
PAYROLL_OPEN = {"draft", "calculating", "calculated", "discarded"}


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


def snapshot(document) -> list[dict]:
    return list(document._get_collection().find().sort("_id"))


def refused(document, frozen_pk, open_pk, change, error=BusinessRuleError, match=None):
    """Every bulk write on the frozen document, alone or with an open one, is refused."""
    for write, run in WRITES.items():
        before = snapshot(document)
        with pytest.raises(error, match=match):
            run(document.objects(pk=frozen_pk), change)
        if open_pk is not None:
            with pytest.raises(error, match=match):
                run(document.objects(pk__in=[frozen_pk, open_pk]), change)
        assert snapshot(document) == before, write


def goes_through(document, make_open, change, field, expected):
    """Every bulk write on an open document is done (`field` is stored as `expected`)."""
    for write, run in WRITES.items():
        pk = make_open()
        run(document.objects(pk=pk), change)
        after = document._get_collection().find_one({"_id": pk})
        if write == "delete":
            assert after is None
        else:
            assert after[field] == expected, write


def test_the_payroll_status_lists_split_every_status_once():
    assert PAYROLL_FROZEN | PAYROLL_OPEN == set(RUN_STATUSES)
    assert not PAYROLL_FROZEN & PAYROLL_OPEN


def _run(status, month=3):
    return raw(PayrollRun, year=2026, month=month, month_key=f"k-{uuid.uuid4().hex}",
               status=status, created_by="hr")


@pytest.mark.parametrize("status", sorted(PAYROLL_FROZEN))
def test_a_released_payroll_run_refuses_bulk_writes(db, status):
    draft = _run("draft", month=4)
    refused(PayrollRun, _run(status), draft, {"set__created_by": "x"},
            match="ist freigegeben")
    assert PayrollRun._get_collection().find_one({"_id": draft})["created_by"] == "hr"


def test_unreleased_payroll_runs_take_bulk_writes(db):
    for status in sorted(PAYROLL_OPEN):
        goes_through(PayrollRun, lambda: _run(status), {"set__created_by": "x"},
                     "created_by", "x")


@pytest.mark.parametrize("change", [
    {"set__status": "approved"}, {"set__status": "posted"}, {"set__month_key": "2026-03"},
    {"set__approved_by": "x"}, {"set__posted_by": "x"}, {"set__entry_ids": []},
    {"push__reversal_entry_ids": "x"}, {"set__payments": {}}, {"unset__totals": True},
])
def test_the_steps_of_a_payroll_run_are_not_set_by_a_queryset_even_on_a_draft(db, change):
    draft = _run("draft")
    with pytest.raises(BusinessRuleError, match="only the business service"):
        PayrollRun.objects(pk=draft).update(**change)
    assert PayrollRun._get_collection().find_one({"_id": draft})["status"] == "draft"


def test_a_released_payroll_run_is_not_inserted_nor_upserted(db):
    common = dict(year=2026, month=5, month_key="2026-05", created_by="hr")
    with pytest.raises(BusinessRuleError):
        PayrollRun.objects.insert(PayrollRun(status="approved", **common))
    with pytest.raises(BusinessRuleError):
        PayrollRun.objects(pk=ObjectId()).upsert_one(set__created_by="x")
    assert PayrollRun.objects.count() == 0
    PayrollRun.objects.insert(PayrollRun(status="draft", **common))
    assert PayrollRun._get_collection().find_one({})["status"] == "draft"


def _slip(run, net=250000):
    return raw(Payslip, run=run, employee=ObjectId(), year=2026, month=3, net=net,
               employee_data={"personnel_no": "7", "last_name": "Muster",
                              "first_name": "Erika"})


@pytest.mark.parametrize("status", sorted(PAYROLL_FROZEN))
def test_the_payslips_of_a_released_run_refuse_bulk_writes(db, status):
    released, other = _run(status), _run("calculated", month=4)
    frozen_slip, open_slip = _slip(released), _slip(other)
    refused(Payslip, frozen_slip, open_slip, {"set__net": 1},
            match="Payslip 03/2026 Muster, Erika gehört zu einem freigegebenen Lohnlauf")
    with pytest.raises(BusinessRuleError):  # selected by their run, as the services do
        Payslip.objects(run=released).delete()
    assert Payslip._get_collection().find_one({"_id": frozen_slip})["net"] == 250000
    assert Payslip._get_collection().find_one({"_id": open_slip})["net"] == 250000


def test_the_payslips_of_an_unreleased_run_take_bulk_writes(db):
    for status in sorted(PAYROLL_OPEN):
        run = _run(status)
        goes_through(Payslip, lambda: _slip(run), {"set__net": Decimal("1.00")},
                     "net", 100)  # cents
    # a released run elsewhere does not stop them
    released, run = _run("posted", month=5), _run("calculated", month=6)
    _slip(released)
    _slip(run)
    Payslip.objects(run=run).delete()
    assert Payslip.objects(run=run).count() == 0 and Payslip.objects(run=released).count() == 1
    # a recalculation run by run: still refused for the released run, and also an update
    _slip(run)
    Payslip.objects(run=run).update(set__net=Decimal("2.00"))
    assert Payslip.objects(run=released).get().net != Decimal("2.00")
    with pytest.raises(BusinessRuleError):
        Payslip.objects(run=released).update(set__net=Decimal("2.00"))


def test_selected_by_one_run_the_payslips_are_looked_up_through_the_run_index(db):
    """{run: id} alone, not {$and: [{run: id}, {run: {$nin: frozen runs}}]}: the embedded
    server answers the first from the (run, employee) index and scans for the second."""
    released, run = _run("posted", month=5), _run("calculated", month=6)
    assert Payslip.objects(run=run)._open()._query == {"run": run}
    assert Payslip.objects(run=released)._frozen()._query == {"run": released}
    assert Payslip.objects(run=run)._frozen().count() == 0
    assert Payslip.objects(run=released)._open().count() == 0


def test_a_payslip_is_not_moved_nor_given_a_pdf_by_a_queryset(db):
    run = _run("calculated")
    slip = _slip(run)
    for change in ({"set__run": _run("draft", month=4)}, {"set__pdf": ObjectId()}):
        with pytest.raises(BusinessRuleError, match="only the business service"):
            Payslip.objects(pk=slip).update(**change)
    assert Payslip._get_collection().find_one({"_id": slip})["run"] == run


def test_a_payslip_is_not_inserted_into_a_released_run(db):
    def slip(run):
        return Payslip(run=run, employee=ObjectId(), year=2026, month=3, net=1)
    released, open_run = _run("approved"), _run("calculated", month=4)
    with pytest.raises(BusinessRuleError):
        Payslip.objects.insert(slip(released))
    with pytest.raises(BusinessRuleError):
        Payslip.objects.insert([slip(open_run), slip(PayrollRun.objects.get(pk=released))])
    assert Payslip.objects.count() == 0
    Payslip.objects.insert(slip(open_run))
    assert Payslip._get_collection().find_one({})["run"] == open_run


def _payment_run(status):
    return raw(PaymentRun, number=f"ZL-{uuid.uuid4().hex[:8]}", status=status,
               up_to=None, execution_date=None, total=10000, created_by="finance")


@pytest.mark.parametrize("status", ["released", "cancelled"])
def test_a_released_or_cancelled_payment_run_refuses_bulk_writes(db, status):
    refused(PaymentRun, _payment_run(status), _payment_run("draft"),
            {"set__created_by": "x"}, match="Zahlungslauf ZL-.* ist freigegeben")


def test_a_draft_payment_run_takes_bulk_writes_but_not_the_release_fields(db):
    goes_through(PaymentRun, lambda: _payment_run("draft"), {"set__created_by": "x"},
                 "created_by", "x")
    draft = _payment_run("draft")
    for change in ({"set__status": "released"}, {"set__released_by": "x"},
                   {"set__debtor": {}}, {"set__files": {}}, {"unset__released_at": True}):
        with pytest.raises(BusinessRuleError, match="only the business service"):
            PaymentRun.objects(pk=draft).update(**change)
    with pytest.raises(BusinessRuleError):
        PaymentRun.objects.insert(PaymentRun(number="ZL-X", status="released",
                                             up_to=date(2026, 3, 1),
                                             execution_date=date(2026, 3, 2),
                                             created_by="finance"))
    assert PaymentRun._get_collection().find_one({"_id": draft})["status"] == "draft"
    assert PaymentRun.objects(status="released").count() == 0


def _supplier_invoice(frozen, status):
    return raw(SupplierInvoice, number=f"ER-{uuid.uuid4().hex[:6]}", status=status,
               frozen=frozen, kind="invoice")


@pytest.mark.parametrize("status", ["posted", "cancelled"])
def test_a_posted_supplier_invoice_refuses_bulk_writes(db, status):
    refused(SupplierInvoice, _supplier_invoice(True, status),
            _supplier_invoice(False, "approved"), {"set__number": "X"},
            error=FrozenSupplierInvoiceError, match="ist gebucht")


def test_an_unposted_supplier_invoice_takes_bulk_writes(db):
    for status in ("draft", "checked", "approved", "rejected"):
        goes_through(SupplierInvoice, lambda: _supplier_invoice(False, status),
                     {"set__number": "X"}, "number", "X")


def test_closed_periods_and_the_chain_head_are_never_changed_by_a_queryset(db):
    year = raw(FiscalYear, _id=2026, last_number=7, last_hash="a" * 64,
               closed_months=[1, 2], closed_by="fibu", gate=7)
    refused(FiscalYear, year, None, {"pull__closed_months": 2},
            match="Journal-Kette 2026: nur Buchen und Periodenabschluss")
    for change in ({"set__closed_months": []}, {"set__last_number": 0}):
        with pytest.raises(BusinessRuleError):
            FiscalYear.objects(year=2026).update(**change)
    assert FiscalYear._get_collection().find_one({"_id": 2026})["closed_months"] == [1, 2]
    assert FiscalYear.objects.get(year=2026).last_number == 7  # reading is allowed


def test_a_claimed_journal_number_is_never_changed_by_a_queryset(db):
    slot = raw(ChainSlot, _id="2026:000000001", year=2026, number=1, entry_id=ObjectId(),
               hash="b" * 64, prev_hash="0" * 64, doc={"text": "Miete"})
    refused(ChainSlot, slot, None, {"set__hash": "c" * 64},
            match="Journal-Kette 2026:000000001")
    assert ChainSlot.objects.get(pk=slot).hash == "b" * 64


def _debit_run(status):
    return raw(DirectDebitRun, number=f"LS-{uuid.uuid4().hex[:8]}", status=status,
               collection_date=None, total=10000, created_by="finance", version=1)


@pytest.mark.parametrize("status", ["released", "cancelled"])
def test_a_released_or_cancelled_direct_debit_run_refuses_bulk_writes(db, status):
    refused(DirectDebitRun, _debit_run(status), _debit_run("draft"),
            {"set__created_by": "x"}, match="Lastschrifteinzug LS-.* ist freigegeben")


def test_a_draft_direct_debit_run_takes_bulk_writes_but_not_the_release_fields(db):
    goes_through(DirectDebitRun, lambda: _debit_run("draft"), {"set__created_by": "x"},
                 "created_by", "x")
    draft = _debit_run("draft")
    for change in ({"set__status": "released"}, {"set__released_by": "x"},
                   {"set__creditor": {}}, {"set__file": ObjectId()}):
        with pytest.raises(BusinessRuleError, match="only the business service"):
            DirectDebitRun.objects(pk=draft).update(**change)
    assert DirectDebitRun._get_collection().find_one({"_id": draft})["status"] == "draft"


def _dunning_run(status):
    return raw(DunningRun, number=f"MA-{uuid.uuid4().hex[:8]}", status=status,
               as_of=None, letters=[], created_by="finance")


@pytest.mark.parametrize("status", ["confirmed", "cancelled"])
def test_a_confirmed_or_cancelled_dunning_run_refuses_bulk_writes(db, status):
    refused(DunningRun, _dunning_run(status), _dunning_run("draft"),
            {"set__created_by": "x"}, match="Mahnlauf MA-.* ist bestätigt")


def test_a_draft_dunning_run_takes_bulk_writes_but_not_the_confirmation(db):
    goes_through(DunningRun, lambda: _dunning_run("draft"), {"set__created_by": "x"},
                 "created_by", "x")
    draft = _dunning_run("draft")
    for change in ({"set__status": "confirmed"}, {"set__confirmed_by": "x"}):
        with pytest.raises(BusinessRuleError, match="only the business service"):
            DunningRun.objects(pk=draft).update(**change)


def test_the_record_of_a_datev_hand_off_is_never_changed_nor_deleted(db):
    export = raw(DatevExport, kind="bookings", filename="EXTF_Buchungsstapel.csv", rows=3,
                 sha256="0" * 64, user="finance")
    refused(DatevExport, export, None, {"set__rows": 4}, match="log entry")

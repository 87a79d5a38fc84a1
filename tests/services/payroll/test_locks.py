"""Step claims: calculation and approval exclude each other; crashed claims expire."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from models.base import utcnow
from models.payroll import PayrollLock, PayrollRun
from services.core.errors import BusinessRuleError
from services.payroll import locks, runs
from tests.factories import make_employee


@pytest.fixture
def run(app):
    make_employee(birth_date=date(1980, 1, 1), monthly_gross=D("3000.00"))
    return runs.calculate_run(runs.create_run(2026, 3, "hr@x.de").pk, "hr@x.de")


def test_approve_waits_for_a_running_calculation(run):
    locks.acquire(run.pk, "calculate", "other@x.de", "busy")
    with pytest.raises(BusinessRuleError, match="being calculated"):
        runs.approve_run(run.pk, "hr@x.de")
    assert PayrollRun.objects.get(pk=run.pk).status == "calculated"
    assert locks.is_held(run.pk, "approve") is None  # the failed approval let go
    locks.release(run.pk, "calculate")
    assert runs.approve_run(run.pk, "hr@x.de").status == "approved"


def test_an_approved_run_is_neither_recalculated_nor_discarded(run):
    runs.approve_run(run.pk, "hr@x.de")
    for step in (runs.calculate_run, runs.discard_run):
        with pytest.raises(BusinessRuleError):
            step(run.pk, "hr@x.de")
    assert PayrollRun.objects.get(pk=run.pk).status == "approved"


def test_a_claim_left_by_a_crash_expires(run):
    PayrollLock(id=locks.lock_key(run.pk, "calculate"), user="crashed@x.de",
                at=utcnow() - timedelta(minutes=5)).save()
    with pytest.raises(BusinessRuleError, match="crashed@x.de"):
        runs.calculate_run(run.pk, "hr@x.de")
    PayrollLock.objects(pk=locks.lock_key(run.pk, "calculate")).update_one(
        set__at=utcnow() - locks.STALE - timedelta(seconds=1))
    assert runs.calculate_run(run.pk, "hr@x.de").status == "calculated"
    assert locks.is_held(run.pk, "calculate") is None


def test_calculation_interrupted_midway_can_be_repeated(run):
    # (raw write: the queryset leaves the status to the payroll service)
    PayrollRun._get_collection().update_one({"_id": run.pk}, {"$set": {"status": "calculating"}})
    again = runs.calculate_run(run.pk, "hr@x.de")
    assert again.status == "calculated" and again.totals.count == 1

"""Claims on run steps: an insert with a unique _id decides who may go ahead.

`held_step` guards work that may be repeated (calculate, post): the claim is released
afterwards, and one left behind by a crash counts as stale after STALE. `claim_once`
marks a step that happens once per run (approve, reverse): the claim stays.
"""
from contextlib import contextmanager
from datetime import timedelta

from mongoengine import NotUniqueError

from models.base import utcnow
from models.payroll import PayrollLock
from services.core.errors import BusinessRuleError

STALE = timedelta(minutes=10)


def lock_key(run_id, step: str) -> str:
    return f"{run_id}:{step}"


def _insert(key: str, user: str) -> bool:
    try:
        PayrollLock(id=key, user=user, at=utcnow()).save(force_insert=True)
        return True
    except NotUniqueError:
        return False


def _take_over_if_stale(key: str, user: str) -> bool:
    current = PayrollLock.objects(pk=key).first()
    if current is None:
        return _insert(key, user)
    if utcnow() - current.at < STALE:
        return False
    PayrollLock.objects(pk=key, at=current.at).delete()
    return _insert(key, user)


def is_held(run_id, step: str) -> PayrollLock | None:
    """The claim on a step, if any."""
    return PayrollLock.objects(pk=lock_key(run_id, step)).first()


def acquire(run_id, step: str, user: str, busy_message: str) -> None:
    """Claim a step or raise BusinessRuleError(busy_message)."""
    key = lock_key(run_id, step)
    if not (_insert(key, user) or _take_over_if_stale(key, user)):
        holder = PayrollLock.objects(pk=key).first()
        who = f" ({holder.user})" if holder and holder.user else ""
        raise BusinessRuleError(busy_message + who)


def release(run_id, step: str) -> None:
    PayrollLock.objects(pk=lock_key(run_id, step)).delete()


@contextmanager
def held_step(run_id, step: str, user: str, busy_message: str):
    """Hold a repeatable step's claim for the duration of the block."""
    acquire(run_id, step, user, busy_message)
    try:
        yield
    finally:
        release(run_id, step)

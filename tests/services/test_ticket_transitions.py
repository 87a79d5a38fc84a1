"""The ticket workflow as a full matrix: every (from, to) pair, allowed or refused."""
import pytest

from models.ticket import TICKET_STATUSES
from services.operations.tickets import allowed_transitions

# Written by hand from the support process: a ticket is taken up, may wait for the
# customer, is resolved, then closed or reopened; a closed ticket is final.
ALLOWED = {("new", "in_progress"), ("in_progress", "waiting"), ("in_progress", "resolved"),
           ("waiting", "in_progress"), ("resolved", "closed"), ("resolved", "reopened"),
           ("reopened", "in_progress")}


@pytest.mark.parametrize("old", TICKET_STATUSES)
@pytest.mark.parametrize("new", TICKET_STATUSES)
def test_every_pair_of_statuses(old, new):
    assert (new in allowed_transitions(old)) is ((old, new) in ALLOWED)


def test_first_and_last_status():
    assert TICKET_STATUSES[0] == "new" and allowed_transitions("new") == ("in_progress",)
    assert allowed_transitions("closed") == ()  # final
    assert allowed_transitions("gibt-es-nicht") == ()

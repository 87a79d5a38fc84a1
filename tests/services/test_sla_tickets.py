"""Ticket workflow rules and SLA due times, paused while waiting on the requester."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from models.ticket import Ticket
from services.core.errors import BusinessRuleError
from services.operations.tickets import add_comment, apply_sla, assign, change_status
from tests.factories import make_ticket, make_user

B = ZoneInfo("Europe/Berlin")


def at(*args):
    return datetime(*args, tzinfo=B)


def local(moment):
    return moment.astimezone(B).replace(tzinfo=None)


def new_ticket(priority="normal", created=at(2026, 3, 13, 16, 0)):
    ticket = Ticket(title="VPN bricht ab", priority=priority, created_at=created)
    apply_sla(ticket)
    return ticket.save()


def test_due_times_from_seeded_sla_over_a_weekend(app):
    ticket = new_ticket("high")  # Fri 16:00; high = 2 h response, 27 h resolution
    assert local(ticket.response_due_at) == datetime(2026, 3, 16, 9, 0)
    # 27 h = 1 h Fri + 9 h Mon + 9 h Tue + 8 h Wed -> Wed 16:00
    assert local(ticket.due_at) == datetime(2026, 3, 18, 16, 0)


def test_due_time_skips_easter_holidays(app):
    ticket = new_ticket("critical", created=at(2026, 4, 2, 16, 45))  # 30 min response
    assert local(ticket.response_due_at) == datetime(2026, 4, 7, 8, 15)


def test_allowed_path_and_log(app):
    ticket = new_ticket()
    for status in ("in_progress", "waiting", "in_progress", "resolved", "reopened",
                   "in_progress", "resolved", "closed"):
        ticket = change_status(ticket.pk, status, "support@x.de")
    assert [(h.from_status, h.to_status) for h in ticket.history][:2] == [
        ("new", "in_progress"), ("in_progress", "waiting")]
    assert len(ticket.history) == 8 and all(h.user == "support@x.de" for h in ticket.history)


@pytest.mark.parametrize("path", [("resolved",), ("waiting",), ("in_progress", "closed"),
                                  ("in_progress", "resolved", "closed", "reopened")])
def test_forbidden_transitions_are_refused_with_a_message(app, path):
    ticket = new_ticket()
    *ok, bad = path
    for status in ok:
        change_status(ticket.pk, status, "s")
    with pytest.raises(BusinessRuleError, match="nicht erlaubt"):
        change_status(ticket.pk, bad, "s")


def test_sla_clock_pauses_while_waiting(app):
    ticket = new_ticket("normal", created=at(2026, 3, 10, 9, 0))  # Tue; 45 h resolution
    before = ticket.due_at
    change_status(ticket.pk, "in_progress", "s", now=at(2026, 3, 10, 10, 0))
    waiting = change_status(ticket.pk, "waiting", "s", now=at(2026, 3, 10, 11, 0))
    assert waiting.due_at is None and not waiting.is_overdue(at(2026, 4, 1, 9, 0))
    # Waiting from Tue 11:00 to Thu 11:00 = 18 business hours paused
    back = change_status(ticket.pk, "in_progress", "s", now=at(2026, 3, 12, 11, 0))
    assert back.paused_minutes == 18 * 60
    assert local(back.due_at) == datetime(2026, 3, 19, 9, 0)
    assert local(before) == datetime(2026, 3, 17, 9, 0)


def test_overdue_and_first_response(app):
    ticket = new_ticket("critical", created=at(2026, 3, 10, 9, 0))
    assert ticket.is_overdue(at(2026, 3, 10, 9, 31))  # no response within 30 min
    add_comment(ticket.pk, "Intern notiert", "s", internal=True)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is None
    answered = add_comment(ticket.pk, "Wir kümmern uns", "s", internal=False)
    assert answered.first_response_at is not None
    assert not answered.is_overdue(at(2026, 3, 10, 9, 31))


def test_only_support_staff_can_be_assigned(app):
    ticket = new_ticket()
    with pytest.raises(BusinessRuleError):
        assign(ticket.pk, make_user("warehouse").pk)
    agent = make_user("support")
    assert assign(ticket.pk, agent.pk).assignee == agent


def test_ticket_numbers_stay_unique_and_gap_free_when_created_in_parallel(app):
    import threading

    from models.counter import Counter

    Counter(name=f"ticket-{datetime.now().year}", value=7).save()  # numbers of the old counter
    barrier, errors = threading.Barrier(12), []

    def create():
        barrier.wait(timeout=60)
        try:
            make_ticket()
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert errors == []
    numbers = sorted(int(t.number.rsplit("-", 1)[1]) for t in Ticket.objects)
    assert numbers == list(range(8, 20))


def test_two_agents_changing_the_same_ticket_at_once_only_one_wins(app):
    import threading

    for _ in range(3):
        ticket = new_ticket()
        change_status(ticket.pk, "in_progress", "a")
        barrier, outcomes = threading.Barrier(2), []

        def move(to):
            barrier.wait(timeout=60)
            try:
                change_status(ticket.pk, to, f"agent-{to}")
                outcomes.append(to)
            except BusinessRuleError:
                outcomes.append("refused")

        threads = [threading.Thread(target=move, args=(to,)) for to in ("waiting", "resolved")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
            assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
        assert outcomes.count("refused") == 1
        final = Ticket.objects.get(pk=ticket.pk)
        winner = next(o for o in outcomes if o != "refused")
        assert final.status == winner and len(final.history) == 2
        assert final.history[-1].user == f"agent-{winner}"

"""Sequence numbers: unique and gap-free from parallel threads, once per owner."""
import threading

from models.counter import next_number


def test_parallel_threads_get_consecutive_unique_numbers(app):
    taken, errors = [], []

    def worker():
        try:
            for _ in range(10):
                taken.append(next_number("demo-2026"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert not errors
    assert sorted(taken) == list(range(1, 81))


def test_an_owner_gets_the_same_number_again(app):
    first = next_number("RE-2026", owner="invoice-a")
    assert next_number("RE-2026", owner="invoice-b") == first + 1
    assert next_number("RE-2026", owner="invoice-a") == first
    assert next_number("RE-2026") == first + 2
    assert next_number("RE-2027") == 1


def test_an_owner_whose_earlier_call_crashed_gets_its_number(app):
    from models.counter import CounterSlot

    next_number("RE-2026")
    # A crash after the slot insert, before the owner was remembered:
    CounterSlot._get_collection().insert_one(
        {"_id": "RE-2026:000000002", "number": 2, "owner": "RE-2026@invoice-x"})
    assert next_number("RE-2026", owner="invoice-x") == 2
    assert next_number("RE-2026", owner="invoice-y") == 3

"""Default interest (§ 288 BGB): base rate (§ 247 BGB, dated data) plus 9 points between
businesses or 5 points with a consumer, per day on the open amount, days / 365."""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

POINTS = {False: Decimal("9"), True: Decimal("5")}   # consumer? -> points above base rate


def default_interest(amount: Decimal, due: date, until: date,
                     base_rates: list[tuple[date, Decimal]], consumer: bool) -> Decimal:
    """Interest on `amount` for the days after `due` up to and including `until`.

    `base_rates` are (valid_from, percent) pairs; each day takes the rate in force on it.
    The sum of the segments is rounded once, to the cent (half up).
    """
    total = Decimal("0")
    start = due + timedelta(days=1)
    rates = sorted(base_rates)
    for i, (valid_from, rate) in enumerate(rates):
        valid_to = rates[i + 1][0] - timedelta(days=1) if i + 1 < len(rates) else date.max
        first, last = max(start, valid_from), min(until, valid_to)
        if first > last:
            continue
        days = (last - first).days + 1
        total += Decimal(amount) * days * (Decimal(rate) + POINTS[consumer]) / 100 / 365
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


def interest_days(due: date, until: date) -> int:
    """The days interest runs: from the day after the due date to `until` inclusive."""
    return max((until - due).days, 0)

"""Retention: the pure keep-until computation and which files may go on a given day.

A period is counted like a legal deadline (BGB §§ 187, 188): it starts after the start
day and ends at the end of the day with the same number N months later; if that month is
shorter, at the end of its last day. `keep_until` is the last day a document must still
be kept; it may be destroyed from the next day on, never earlier.
"""
import calendar
from dataclasses import dataclass
from datetime import date

from services.core.errors import BusinessRuleError


@dataclass(frozen=True)
class Rule:
    """A retention rule as plain data (mirrors models.archive.RetentionRule)."""

    period: int
    unit: str  # "years" | "months"
    start: str  # "year_end" | "document_date" | "fixed_date"
    fixed_start: date | None = None


def add_months(day: date, months: int) -> date:
    """Return the same day number `months` later, or that month's last day if shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_start(rule: Rule, document_date: date) -> date:
    """Return the day after which the period runs."""
    if rule.start == "year_end":
        return date(document_date.year, 12, 31)
    if rule.start == "document_date":
        return document_date
    if rule.start == "fixed_date":
        if rule.fixed_start is None:
            raise BusinessRuleError("the retention rule starts at a fixed date but has none")
        # Never before the document exists: a later document date wins.
        return max(rule.fixed_start, document_date)
    raise BusinessRuleError(f"unknown retention start rule {rule.start!r}")


def keep_until(rule: Rule, document_date: date) -> date:
    """Return the last day a document dated `document_date` must be kept under `rule`."""
    if rule.period < 1:
        raise BusinessRuleError("a retention period must be at least 1")
    if rule.unit not in ("years", "months"):
        raise BusinessRuleError(f"unknown retention unit {rule.unit!r}")
    months = rule.period * 12 if rule.unit == "years" else rule.period
    return add_months(period_start(rule, document_date), months)


def is_expired(keep_until_day: date | None, today: date) -> bool:
    """True when the file may be destroyed today (the day after keep-until or later)."""
    return keep_until_day is not None and today > keep_until_day

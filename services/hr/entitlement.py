"""Leave entitlement (BUrlG, § 208 SGB IX), carry-over and the balance per employee and year.

Rules, in days of the employee's week model:
- statutory minimum: 24 Werktage at a 6-day week (§ 3 BUrlG), i.e. 4 weeks: 20 at 5 days,
  converted by days per week / 6; the contract's days are stated for a 5-day week and
  converted by days per week / 5; the larger of the two applies;
- severely disabled: 5 extra days at 5 days a week, converted the same way (§ 208 (1) SGB IX);
- entry or exit year: one twelfth per full calendar month employed in the year (§ 5 (1)
  BUrlG); fractions of at least half a day are rounded up to a whole day (§ 5 (2)), smaller
  ones are kept. Whoever leaves in the second half of a year after six months keeps the
  full statutory minimum (§ 5 (1) c read the other way round);
- what is left at the year end carries over and expires after the policy's date (31 March
  by default); days taken up to that date use the carried-over days first.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.hr.workdays import days_per_week

WEEKS = 4
DISABILITY_DAYS = Decimal(5)
CENT = Decimal("0.01")


def statutory_minimum(per_week: int) -> Decimal:
    """BUrlG minimum: 24 Werktage at six days a week, converted to the week model."""
    return (Decimal(24) * per_week / 6).quantize(CENT, ROUND_HALF_UP)


def full_year_entitlement(contract_days: Decimal | None, per_week: int,
                          severely_disabled: bool = False) -> Decimal:
    """Days for a whole year of employment, in the week model's days."""
    contract = (Decimal(contract_days) * per_week / 5).quantize(CENT, ROUND_HALF_UP) \
        if contract_days is not None else Decimal(0)
    days = max(contract, statutory_minimum(per_week))
    if severely_disabled:
        days += (DISABILITY_DAYS * per_week / 5).quantize(CENT, ROUND_HALF_UP)
    return days


def full_months_employed(year: int, hire: date, exit_: date | None) -> int:
    """Full calendar months of the year in which the employee was employed every day."""
    months = 0
    for month in range(1, 13):
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if hire <= first and (exit_ is None or exit_ >= last):
            months += 1
    return months


def round_part(days: Decimal) -> Decimal:
    """§ 5 (2) BUrlG: a fraction of at least half a day becomes a whole day."""
    whole = int(days)
    fraction = days - whole
    return Decimal(whole + 1) if fraction >= Decimal("0.5") else days.quantize(CENT)


def entitlement(year: int, hire: date, exit_: date | None, contract_days, work_days: str,
                severely_disabled: bool = False) -> Decimal:
    """The employee's entitlement for one calendar year (0 outside the employment)."""
    if hire.year > year or (exit_ is not None and exit_.year < year):
        return Decimal(0)
    per_week = days_per_week(work_days)
    full = full_year_entitlement(contract_days, per_week, severely_disabled)
    months = full_months_employed(year, hire, exit_)
    if months == 12:
        return full
    part = round_part(full * months / 12)
    if statutory_in_full(year, hire, exit_):
        minimum = statutory_minimum(per_week)
        if severely_disabled:
            minimum += (DISABILITY_DAYS * per_week / 5).quantize(CENT, ROUND_HALF_UP)
        part = max(part, minimum)
    return part


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statutory_in_full(year: int, hire: date, exit_: date | None) -> bool:
    """§§ 4, 5 BUrlG: the full statutory minimum is due once the six months' waiting period
    ends within (or before) the year, unless the employee leaves in its first half."""
    waiting_end = add_months(hire, 6) - timedelta(days=1)
    waiting_done = waiting_end <= date(year, 12, 31) and (
        exit_ is None or exit_ >= waiting_end)
    left_first_half = exit_ is not None and exit_.year == year and exit_ < date(year, 7, 1)
    return waiting_done and not left_first_half


@dataclass
class YearAccount:
    """One year of an employee's leave: what was granted, carried, taken and is left."""

    year: int
    entitlement: Decimal
    carried_over: Decimal      # from the year before
    carry_expired: Decimal     # of it, lapsed unused after the expiry date
    taken: Decimal             # approved days in the year
    planned: Decimal = Decimal(0)   # requested, not yet decided

    @property
    def remaining(self) -> Decimal:
        return self.entitlement + self.carried_over - self.carry_expired - self.taken


def year_accounts(first_year: int, last_year: int, entitlements: dict[int, Decimal],
                  taken: dict[int, Decimal], taken_until_expiry: dict[int, Decimal],
                  expiry: dict[int, date], as_of: date, carry_over: bool = True):
    """Roll the accounts forward from the first year; return one YearAccount per year.

    taken_until_expiry[y]: approved days of year y up to the carry-over expiry date of y.
    """
    accounts, carry = [], Decimal(0)
    for year in range(first_year, last_year + 1):
        expired = Decimal(0)
        if carry and as_of > expiry[year]:
            expired = carry - min(carry, taken_until_expiry.get(year, Decimal(0)))
        account = YearAccount(year=year, entitlement=entitlements.get(year, Decimal(0)),
                              carried_over=carry, carry_expired=expired,
                              taken=taken.get(year, Decimal(0)))
        accounts.append(account)
        carry = max(account.remaining, Decimal(0)) if carry_over else Decimal(0)
    return accounts

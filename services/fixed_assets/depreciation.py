"""Depreciation amounts per month, pure arithmetic (no database).

- linear (§ 7 (1) EStG): cost spread evenly over the useful life in months, pro rata
  temporis from the month of acquisition (that month counts in full: the law reduces
  the first year's amount by one twelfth for each full month *before* it). Cumulative
  rounding: after k months exactly round(cost × k / n) is written off, so the months
  differ by at most a cent and the last one ends at zero book value.
- GWG (§ 6 (2) EStG): net cost up to 800.00 € written off in full in the month of
  acquisition.
- Sammelposten (§ 6 (2a) EStG, an option per year): net cost above 250.00 € up to
  1,000.00 € goes into the year's pool, dissolved by one fifth in the year of acquisition
  and each of the four following years, never pro rata and unaffected by a disposal;
  posted in December. With the option, items up to 250.00 € are written off at once.
"""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
GWG_LIMIT = Decimal("800.00")
POOL_LOWER, POOL_UPPER = Decimal("250.00"), Decimal("1000.00")
POOL_YEARS = 5


def method_for(cost: Decimal, pool_option: bool = False) -> str:
    """'gwg', 'pool' or 'linear' for an asset of this net cost."""
    if pool_option:
        if cost <= POOL_LOWER:
            return "gwg"
        return "pool" if cost <= POOL_UPPER else "linear"
    return "gwg" if cost <= GWG_LIMIT else "linear"


def month_index(year: int, month: int) -> int:
    """Months as one running number (year × 12 + month − 1)."""
    return year * 12 + month - 1


def amount_for(method: str, cost: Decimal, start: tuple[int, int], life_months: int,
               year: int, month: int, until: tuple[int, int] | None = None) -> Decimal:
    """The depreciation of one month; `until` is the month of a disposal (it still counts)."""
    here = month_index(year, month)
    if method == "pool":
        first_year = start[0]
        if month != 12 or not first_year <= year < first_year + POOL_YEARS:
            return Decimal("0.00")
        k = year - first_year + 1
        return _cumulative(cost, k, POOL_YEARS) - _cumulative(cost, k - 1, POOL_YEARS)
    if until is not None and here > month_index(*until):
        return Decimal("0.00")
    if method == "gwg":
        return cost if here == month_index(*start) else Decimal("0.00")
    k = here - month_index(*start) + 1
    if not 1 <= k <= life_months:
        return Decimal("0.00")
    return _cumulative(cost, k, life_months) - _cumulative(cost, k - 1, life_months)


def written_off(method: str, cost: Decimal, start: tuple[int, int], life_months: int,
                year: int, month: int, until: tuple[int, int] | None = None) -> Decimal:
    """Depreciation accumulated up to and including a month."""
    if method == "pool":
        years = min(max(year - start[0] + (1 if month == 12 else 0), 0), POOL_YEARS)
        return _cumulative(cost, years, POOL_YEARS)
    end = month_index(year, month)
    if until is not None:
        end = min(end, month_index(*until))
    if method == "gwg":
        return cost if end >= month_index(*start) else Decimal("0.00")
    k = min(max(end - month_index(*start) + 1, 0), life_months)
    return _cumulative(cost, k, life_months)


def _cumulative(cost: Decimal, k: int, n: int) -> Decimal:
    return (cost * k / n).quantize(CENT, ROUND_HALF_UP)

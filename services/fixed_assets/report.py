"""The asset register report (Anlagenspiegel) of a fiscal year, from the register and the schedules."""
from dataclasses import dataclass, fields
from decimal import Decimal

from models.fixed_asset import FixedAsset
from services.fixed_assets import depreciation as afa

ZERO = Decimal("0.00")


@dataclass
class RegisterRow:
    number: int
    name: str
    account: str
    acquisition_date: object
    method: str
    cost_start: Decimal = ZERO       # acquisition cost at 1 Jan
    additions: Decimal = ZERO
    disposals: Decimal = ZERO        # acquisition cost of the assets that left
    cost_end: Decimal = ZERO
    depreciation_start: Decimal = ZERO  # accumulated at 1 Jan
    depreciation_year: Decimal = ZERO
    depreciation_disposals: Decimal = ZERO
    depreciation_end: Decimal = ZERO
    book_value_start: Decimal = ZERO
    book_value_end: Decimal = ZERO


MONEY_FIELDS = [f.name for f in fields(RegisterRow)][5:]


def asset_register(year: int) -> list[RegisterRow]:
    """One row per asset that was held during the year, with the columns of § 284 (3) HGB."""
    rows = []
    for asset in FixedAsset.objects.order_by("number"):
        row = _row(asset, year)
        if row is not None:
            rows.append(row)
    return rows


def totals(rows: list[RegisterRow]) -> dict[str, Decimal]:
    return {name: sum((getattr(r, name) for r in rows), ZERO) for name in MONEY_FIELDS}


def _row(asset: FixedAsset, year: int) -> RegisterRow | None:
    acquired, gone = asset.acquisition_date, asset.disposal_date
    if acquired.year > year or (gone and gone.year < year and asset.method != "pool"):
        return None
    start = (acquired.year, acquired.month)
    until = (gone.year, gone.month) if gone and asset.method != "pool" else None

    def through(y, m):
        return afa.written_off(asset.method, asset.cost, start, asset.useful_life_months,
                               y, m, until=until)

    row = RegisterRow(asset.number, asset.name, asset.account, acquired, asset.method)
    if acquired.year < year:
        row.cost_start, row.depreciation_start = asset.cost, through(year - 1, 12)
    else:
        row.additions = asset.cost
    row.depreciation_year = through(year, 12) - row.depreciation_start
    left = gone is not None and gone.year == year and asset.method != "pool"
    if left:
        row.disposals = asset.cost
        row.depreciation_disposals = through(year, 12)
    row.cost_end = row.cost_start + row.additions - row.disposals
    row.depreciation_end = row.depreciation_start + row.depreciation_year \
        - row.depreciation_disposals
    row.book_value_start = row.cost_start - row.depreciation_start
    row.book_value_end = row.cost_end - row.depreciation_end
    if asset.method == "pool" and asset.acquisition_date.year + afa.POOL_YEARS <= year:
        return None  # the pool is dissolved
    return row

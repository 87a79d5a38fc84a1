"""Fixed-asset job: post the depreciation of the month that has just ended (and any missed)."""
from services.fixed_assets.register import post_depreciation


def post_monthly_depreciation(ctx) -> dict:
    """Post every asset's depreciation up to the month before the run's day (Berlin)."""
    year, month = (ctx.today.year, ctx.today.month - 1) if ctx.today.month > 1 \
        else (ctx.today.year - 1, 12)
    summary = post_depreciation(year, month, user="system (AfA)")
    return {"through": f"{month:02d}/{year}", **summary}

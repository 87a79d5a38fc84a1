"""Task-list source: fixed assets whose depreciation of a past month is not yet posted."""
from datetime import date

from models.fixed_asset import FixedAsset
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

WHO = ("admin", "finance")


def depreciation_behind(user, today: date | None = None):
    """One task for finance when active assets lack the depreciation up to last month."""
    if not user.has_role(*WHO):
        return
    today = today or date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    behind = FixedAsset.objects(status="active", posted_through__lt=year * 100 + month,
                                acquisition_date__lt=date(today.year, today.month, 1)).count()
    if behind:
        yield Task(kind="overdue", area="fixed_assets", ref=f"depreciation:{year}-{month:02d}",
                   title=N_("AfA bis %(month)s für %(count)s Anlagegüter noch nicht gebucht "
                            "(Job „Monatliche AfA buchen“)"),
                   params={"month": f"{month:02d}/{year}", "count": behind},
                   url="/admin/fixed_assets/", overdue=True)


register_task_source("fixed_assets.depreciation_behind", depreciation_behind)

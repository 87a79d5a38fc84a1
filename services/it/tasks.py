"""Task-list source for IT (admin, support): warranties and renewals ending soon, over-assigned seats."""
from datetime import datetime
from zoneinfo import ZoneInfo

from services.core.messages import N_
from services.core.tasks import Task, register_task_source
from services.it.watch import watch_list


def it_watch(user, today=None):
    """Yield the IT watch list as tasks for admin and support users."""
    if not user.has_role("admin", "support"):
        return
    today = today or datetime.now(ZoneInfo("Europe/Berlin")).date()
    found = watch_list(today)
    for asset in found.warranties:
        yield Task(kind="deadline", area="it", ref=asset.asset_tag, due=asset.warranty_end,
                   title=N_("Garantie von %(tag)s endet am %(date)s"),
                   params={"tag": asset.asset_tag, "date": asset.warranty_end},
                   url=f"/admin/assets/details/?id={asset.pk}")
    for lic in found.renewals:
        yield Task(kind="deadline", area="it", ref=str(lic.pk), due=lic.renewal_date,
                   title=N_("Lizenz %(product)s verlängert sich am %(date)s"),
                   params={"product": lic.product, "date": lic.renewal_date},
                   url=f"/admin/licences/details/?id={lic.pk}")
    for lic in found.over_assigned:
        yield Task(kind="reminder", area="it", ref=str(lic.pk), overdue=True,
                   title=N_("Lizenz %(product)s: %(assigned)s von %(seats)s Plätzen vergeben"),
                   params={"product": lic.product, "assigned": lic.assigned, "seats": lic.seats},
                   url=f"/admin/licences/details/?id={lic.pk}")


register_task_source("it.watch", it_watch)

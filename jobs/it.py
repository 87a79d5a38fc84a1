"""IT, contract and compliance watch jobs (plain callables; the task list shows the items)."""
from datetime import timedelta


def it_watch_job(ctx) -> dict:
    """Count warranties and renewals ending within 30 days, over-assigned licences; re-encrypt keys."""
    from services.it.watch import watch_list

    found = watch_list(ctx.today)
    counts = found.counts()
    counts["over_assigned_products"] = [lic.product for lic in found.over_assigned][:50]
    from services.it.licences import reencrypt_keys

    counts["licence_keys_encrypted"] = reencrypt_keys()
    return counts


def contract_reminders_job(ctx) -> dict:
    """Count the contracts whose 90/30/7-day reminder step is reached, by step."""
    from services.contracts.register import reminders_due

    by_step: dict[str, int] = {}
    due = reminders_due(ctx.today)
    for r in due:
        by_step[str(r.step)] = by_step.get(str(r.step), 0) + 1
    return {"reminders": len(due), "by_step": by_step,
            "contracts": [r.contract.number for r in due][:50]}


def compliance_overdue_job(ctx) -> dict:
    """Count the statutory deadlines of the last quarter that are overdue and not marked done."""
    from services.compliance.calendar import statutory_items

    from models.compliance import ComplianceDone

    items = statutory_items(ctx.today - timedelta(days=92), ctx.today - timedelta(days=1))
    done = {d.pk for d in ComplianceDone.objects(pk__in=[i.key for i in items]).only("id")}
    overdue = [i.key for i in items if i.key not in done]
    return {"overdue": len(overdue), "items": overdue[:50]}

"""What IT must act on soon: warranties and licence renewals ending within 30 days, seats over-assigned."""
from dataclasses import dataclass
from datetime import date, timedelta

from models.it_asset import Asset, Licence
from services.it.licences import over_assigned_licences

HORIZON_DAYS = 30


@dataclass
class Watch:
    warranties: list
    renewals: list
    over_assigned: list

    def counts(self) -> dict:
        return {"warranties": len(self.warranties), "renewals": len(self.renewals),
                "over_assigned": len(self.over_assigned)}


def watch_list(today: date, days: int = HORIZON_DAYS) -> Watch:
    """Assets whose warranty ends and licences renewing from today to today + days."""
    until = today + timedelta(days=days)
    warranties = list(Asset.objects(warranty_end__gte=today, warranty_end__lte=until,
                                    status__nin=["retired", "disposed"]).order_by("warranty_end"))
    renewals = list(Licence.objects(renewal_date__gte=today, renewal_date__lte=until)
                    .order_by("renewal_date"))
    return Watch(warranties, renewals, over_assigned_licences())

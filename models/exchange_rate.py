"""Exchange rates for converting foreign-currency supplier invoices to EUR (§ 16 Abs. 6 UStG)."""
import mongoengine as me

from models.base import TimestampedDocument
from models.fields import FixedDecimalField

# bmf_month: the BMF's monthly average rate (Umsatzsteuer-Umrechnungskurse), valid for the
# whole month of `day` (stored as the 1st); ecb_day: the ECB reference rate of that day.
RATE_KINDS = ("bmf_month", "ecb_day")


class ExchangeRate(TimestampedDocument):
    """One rate: 1 EUR = `rate` units of `currency` (the ECB's and the BMF's quotation)."""

    currency = me.StringField(required=True, regex=r"^[A-Z]{3}$")
    kind = me.StringField(required=True, choices=RATE_KINDS, default="ecb_day")
    day = me.DateField(required=True)
    rate = FixedDecimalField(places=6, required=True, min_value="0.000001")
    source = me.StringField(max_length=200)  # e.g. "BMF-Schreiben vom ..." or the CSV file
    entered_by = me.StringField(max_length=200)

    meta = {"collection": "exchange_rates", "ordering": ["-day", "currency"],
            "indexes": [{"fields": ["currency", "kind", "day"], "unique": True}]}

    def __str__(self):
        return f"{self.currency} {self.day:%d.%m.%Y}: {self.rate}"

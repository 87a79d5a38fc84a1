"""Health funds (Krankenkassen): master data with the rates payroll takes from them."""
import mongoengine as me

from models.base import TimestampedDocument
from models.fields import FixedDecimalField
from models.validators import is_valid_betriebsnummer
from models.messages import N_, invalid


def _rate(**kw):
    return FixedDecimalField(places=3, min_value=0, max_value=20, **kw)


class HealthFund(TimestampedDocument):
    """One Krankenkasse: contributions and the U1/U2 levies go to it."""

    name = me.StringField(required=True, max_length=120)
    betriebsnummer = me.StringField(required=True, unique=True, max_length=8)
    addon_rate = _rate(required=True)   # Zusatzbeitrag in %, half employer / half employee
    u1_rate = _rate(required=True)      # Umlage 1 (sick pay) in %, general rate
    u2_rate = _rate(required=True)      # Umlage 2 (maternity) in %
    active = me.BooleanField(default=True)
    note = me.StringField(max_length=300)

    meta = {"collection": "health_funds", "ordering": ["name"]}

    def __str__(self):
        return f"{self.name} ({self.betriebsnummer})"

    def clean(self):
        if self.betriebsnummer and not is_valid_betriebsnummer(self.betriebsnummer):
            raise invalid("betriebsnummer", N_("Die Betriebsnummer hat 8 Ziffern mit gültiger "
                                               "Prüfziffer (siehe Briefkopf der Krankenkasse)."))

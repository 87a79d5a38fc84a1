"""Fixed assets (Anlagevermögen): asset classes with their useful life, and the register."""
import mongoengine as me

from models.base import TimestampedDocument
from models.fields import MoneyField

ASSET_METHODS = ("linear", "gwg", "pool")  # linear AfA, GWG written off at once, Sammelposten
ASSET_STATUSES = ("active", "disposed")


class AssetClass(me.Document):
    """A line of the AfA table (seeded from services/fixed_assets/afa_classes.csv)."""

    code = me.StringField(primary_key=True, max_length=30)
    name = me.StringField(required=True, max_length=120)
    useful_life_years = me.IntField(required=True, min_value=1, max_value=50)
    source = me.StringField(max_length=120)  # where the useful life comes from
    account_skr03 = me.StringField(required=True, regex=r"^\d{4}$")
    account_skr04 = me.StringField(required=True, regex=r"^\d{4}$")

    meta = {"collection": "asset_classes"}

    def __str__(self):
        return f"{self.name} ({self.useful_life_years} J.)"


class FixedAsset(TimestampedDocument):
    number = me.IntField(required=True, unique=True, min_value=1)
    name = me.StringField(required=True, max_length=120)
    asset_class = me.ReferenceField(AssetClass, required=True)
    acquisition_date = me.DateField(required=True)
    cost = MoneyField(required=True, min_value=0.01)  # net acquisition cost
    method = me.StringField(required=True, choices=ASSET_METHODS)
    useful_life_months = me.IntField(required=True, min_value=1)
    account = me.StringField(required=True, regex=r"^\d{4,8}$")  # asset account
    expense_account = me.StringField(required=True, regex=r"^\d{4,8}$")  # depreciation
    supplier_name = me.StringField(max_length=120)
    source_ref = me.StringField(max_length=120, unique=True, sparse=True)  # invoice line
    # acquired by hand (no supplier invoice): the account credited for it (bank, cash,
    # private contribution ...) and the input VAT of the receipt; the acquisition entry
    counter_account = me.StringField(regex=r"^\d{4,8}$")
    input_vat = MoneyField(min_value=0)
    acquisition_entry = me.ObjectIdField()
    # yyyymm of the last month whose depreciation is posted (a hint; the keys decide)
    posted_through = me.IntField(default=0)
    status = me.StringField(required=True, default="active", choices=ASSET_STATUSES)
    disposal_date = me.DateField()
    disposal_proceeds = MoneyField()
    disposal_book_value = MoneyField()

    meta = {"collection": "fixed_assets", "ordering": ["number"],
            "indexes": ["status", "acquisition_date"]}

    def __str__(self):
        return f"{self.number} {self.name}"

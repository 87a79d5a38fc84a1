"""The asset register: acquire (by hand or from a supplier invoice), depreciate monthly, dispose.

Every posting goes through the ledger with an idempotency key: one entry per asset and
month (`depreciation:<asset>:<yyyy-mm>`) and one per disposal, so a repeated or parallel
run of the monthly job posts nothing twice. `posted_through` on the asset is only a
hint where to continue.
"""
import calendar
import csv
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import mongoengine as me

from models.company import Company
from models.counter import next_number
from models.fixed_asset import AssetClass, FixedAsset
from models.ledger import Account
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.fixed_assets import depreciation as afa
from services.ledger.charts import DEFAULT_CHART, chart_in_use
from services.ledger.posting import post_new_entry

HERE = Path(__file__).parent
VAT_RATE = Decimal("19")


@dataclass
class Disposal:
    asset: FixedAsset
    book_value: Decimal
    proceeds: Decimal
    gain: Decimal  # negative: a loss


def seed_asset_classes() -> int:
    """Load the AfA table (afa_classes.csv) into the asset classes; existing ones stay."""
    added = 0
    with open(HERE / "afa_classes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if AssetClass.objects(code=row["code"]).first() is None:
                AssetClass(code=row["code"], name=row["name"], source=row["source"],
                           useful_life_years=int(row["useful_life_years"]),
                           account_skr03=row["account_skr03"],
                           account_skr04=row["account_skr04"]).save()
                added += 1
    return added


def acquire_asset(*, name: str, class_code: str, acquisition_date: date, cost: Decimal,
                  supplier_name: str | None = None, source_ref: str | None = None,
                  pool_option: bool | None = None, counter_account: str | None = None,
                  input_vat: Decimal | None = None, user: str = "system") -> FixedAsset:
    """Enter an asset into the register; its method follows from its net cost.

    With a counter account (an acquisition by hand, no supplier invoice) the acquisition
    is posted too: asset account against the counter account.
    """
    cost = Decimal(cost).quantize(afa.CENT)
    if cost <= 0:
        raise RuleError(N_("Die Anschaffungskosten müssen über 0 € liegen."))
    if source_ref and (known := FixedAsset.objects(source_ref=source_ref).first()):
        return known
    asset = FixedAsset(name=name, asset_class=_asset_class(class_code),
                       acquisition_date=acquisition_date, cost=cost,
                       supplier_name=supplier_name, source_ref=source_ref,
                       counter_account=counter_account or None, input_vat=input_vat)
    prepare_asset(asset, pool_option)
    try:
        asset.save()
    except me.NotUniqueError:
        return FixedAsset.objects.get(source_ref=source_ref)  # a parallel call saved it
    if asset.counter_account:
        post_acquisition(asset, user)
    return FixedAsset.objects.get(pk=asset.pk)


def check_acquisition(asset: FixedAsset) -> None:
    """Refuse a counter account or input VAT the acquisition could not be posted with."""
    if not asset.counter_account:
        if asset.input_vat:
            raise RuleError(N_("Vorsteuer nur mit einem Gegenkonto angeben (Bank, Kasse …)."))
        return
    if asset.counter_account == asset.account:
        raise RuleError(N_("Das Gegenkonto %(account)s ist das Anlagekonto selbst; ein "
                           "Geldkonto (Bank, Kasse) oder Einlagekonto wählen."),
                        account=asset.counter_account)
    if Account.objects(number=asset.counter_account).first() is None:
        raise RuleError(N_("Gegenkonto %(account)s ist im Kontenplan unbekannt."),
                        account=asset.counter_account)
    _input_vat_role(asset)


def post_acquisition(asset: FixedAsset, user: str):
    """Post a hand acquisition once: asset (and input VAT) against the counter account.

    GWG and Sammelposten go to their own accounts (the asset's `account` is already
    chosen by its method). The key `acquisition:<asset>` makes a repeat post nothing.
    """
    check_acquisition(asset)
    vat = Decimal(asset.input_vat or 0).quantize(afa.CENT)
    lines = [{"account": asset.account, "debit": asset.cost}]
    if vat:
        role = _input_vat_role(asset)
        lines.append({"account": _account(role), "debit": vat,
                      "tax_key": "VSt19" if role.endswith("19") else "VSt7"})
    lines.append({"account": asset.counter_account, "credit": asset.cost + vat})
    entry = post_new_entry(date=asset.acquisition_date,
                           text=f"Anschaffung {asset.number} {asset.name}"[:200],
                           lines=lines, source="manual", user=user,
                           voucher_ref=f"AV-{asset.number}",
                           idempotency_key=f"acquisition:{asset.pk}")
    FixedAsset.objects(pk=asset.pk, acquisition_entry=None).update_one(
        set__acquisition_entry=entry.pk)
    return entry


def _input_vat_role(asset: FixedAsset) -> str:
    """Input VAT must be 19 % or 7 % of the net cost (to the cent); which one says the account."""
    vat = Decimal(asset.input_vat or 0).quantize(afa.CENT)
    if not vat:
        return ""
    for rate, role in ((Decimal("19"), "input_vat_19"), (Decimal("7"), "input_vat_7")):
        if vat == (asset.cost * rate / 100).quantize(afa.CENT, ROUND_HALF_UP):
            return role
    raise RuleError(N_("Die Vorsteuer %(vat)s € ist weder 19 %% noch 7 %% der "
                       "Anschaffungskosten; den Betrag vom Beleg prüfen."), vat=str(vat))


def prepare_asset(asset: FixedAsset, pool_option: bool | None = None) -> FixedAsset:
    """Give a new asset its number, method, accounts and useful life (before it is saved)."""
    if asset.cost is None or asset.cost <= 0 or asset.asset_class is None:
        raise RuleError(N_("Anlagenklasse und Anschaffungskosten über 0 € angeben."))
    if pool_option is None:
        company = Company.current()
        pool_option = bool(company and company.asset_pool_option)
    asset.method = afa.method_for(asset.cost, pool_option)
    asset.account, asset.expense_account, asset.useful_life_months = \
        _accounts_for(asset.method, asset.asset_class)
    asset.number = next_number("fixed_asset", owner=asset.source_ref)
    return asset


def capitalise_from_supplier_invoice(*, invoice_ref: str, line_no: int, supplier_name: str,
                                     description: str, net_amount: Decimal, invoice_date: date,
                                     class_code: str) -> FixedAsset:
    """Hook for supplier invoices: register the asset of an invoice line once.

    The caller debits the returned asset's `account` with the net amount when it posts
    the invoice (GWG and Sammelposten get their own accounts). Repeat-safe per line.
    """
    return acquire_asset(name=description[:120], class_code=class_code,
                         acquisition_date=invoice_date, cost=net_amount,
                         supplier_name=supplier_name, source_ref=f"{invoice_ref}#{line_no}")


def post_depreciation(year: int, month: int, user: str = "system") -> dict:
    """Post every asset's depreciation up to and including a month (missed months too)."""
    end = date(year, month, calendar.monthrange(year, month)[1])
    posted, refused = 0, []
    for asset in FixedAsset.objects(acquisition_date__lte=end):
        try:
            posted += _post_asset(asset, year, month, user)
        except BusinessRuleError as exc:
            refused.append(f"{asset.number}: {exc}")
    return {"posted": posted, "refused": len(refused), "errors": refused[:20]}


def dispose_asset(asset: FixedAsset, *, day: date, proceeds: Decimal = Decimal("0.00"),
                  user: str) -> Disposal:
    """Sell or scrap an asset: depreciation up to that month, book value off, proceeds in."""
    asset = FixedAsset.objects.get(pk=asset.pk)
    proceeds = Decimal(proceeds).quantize(afa.CENT)
    if asset.status == "disposed":
        if asset.disposal_date != day or asset.disposal_proceeds != proceeds:
            raise RuleError(N_("Das Anlagegut %(number)s ist bereits abgegangen."),
                            number=str(asset.number))
        return Disposal(asset, asset.disposal_book_value, proceeds,
                        proceeds - asset.disposal_book_value)  # a repeated call
    if day < asset.acquisition_date or proceeds < 0:
        raise RuleError(N_("Der Abgang muss nach der Anschaffung liegen, der Erlös ≥ 0 €."))
    if asset.method != "pool" and asset.posted_through > day.year * 100 + day.month:
        raise RuleError(N_("Die AfA ist bereits bis %(month)s gebucht; ein Abgang davor "
                           "braucht erst eine Korrektur der AfA-Buchungen."),
                        month=f"{asset.posted_through % 100:02d}/{asset.posted_through // 100}")
    _post_asset(asset, day.year, day.month, user, until=(day.year, day.month))
    book_value = asset.cost - afa.written_off(asset.method, asset.cost, _start(asset),
                                              asset.useful_life_months, day.year, day.month,
                                              until=(day.year, day.month))
    if asset.method == "pool":
        book_value = Decimal("0.00")  # the pool is dissolved as if the item were still there
    gain = proceeds - book_value
    lines = _disposal_lines(asset, book_value, proceeds, gain)
    if lines:
        post_new_entry(date=day, text=f"Anlagenabgang {asset.number} {asset.name}"[:200],
                       lines=lines, source="manual", user=user,
                       voucher_ref=f"AV-{asset.number}", idempotency_key=f"disposal:{asset.pk}")
    FixedAsset.objects(pk=asset.pk, status="active").update_one(
        set__status="disposed", set__disposal_date=day, set__disposal_proceeds=proceeds,
        set__disposal_book_value=book_value)
    return Disposal(FixedAsset.objects.get(pk=asset.pk), book_value, proceeds, gain)


def _disposal_lines(asset, book_value: Decimal, proceeds: Decimal, gain: Decimal) -> list[dict]:
    kind = "gain" if gain >= 0 else "loss"
    lines = []
    if book_value:
        lines += [{"account": _account(f"book_value_{kind}"), "debit": book_value},
                  {"account": asset.account, "credit": book_value}]
    if proceeds:
        tax = (proceeds * VAT_RATE / 100).quantize(afa.CENT, ROUND_HALF_UP)
        lines += [{"account": _account("bank"), "debit": proceeds + tax},
                  {"account": _account(f"proceeds_{kind}"), "credit": proceeds,
                   "tax_key": "USt19"},
                  {"account": _account("output_vat"), "credit": tax, "tax_key": "USt19"}]
    return lines


def _post_asset(asset: FixedAsset, year: int, month: int, user: str, until=None) -> int:
    """Post the asset's months after its hint up to (year, month); return how many."""
    if asset.status == "disposed" and asset.method != "pool":
        until = (asset.disposal_date.year, asset.disposal_date.month)
    first = max(afa.month_index(*_start(asset)), _next_index(asset.posted_through))
    posted = 0
    for index in range(first, afa.month_index(year, month) + 1):
        y, m = divmod(index, 12)
        amount = afa.amount_for(asset.method, asset.cost, _start(asset),
                                asset.useful_life_months, y, m + 1, until=until)
        if amount > 0:
            post_new_entry(
                date=date(y, m + 1, calendar.monthrange(y, m + 1)[1]),
                text=f"AfA {m + 1:02d}/{y} {asset.number} {asset.name}"[:200],
                lines=[{"account": asset.expense_account, "debit": amount},
                       {"account": asset.account, "credit": amount}],
                source="manual", user=user, voucher_ref=f"AV-{asset.number}",
                idempotency_key=f"depreciation:{asset.pk}:{y}-{m + 1:02d}")
            posted += 1
        FixedAsset.objects(pk=asset.pk, posted_through__lt=y * 100 + m + 1).update_one(
            set__posted_through=y * 100 + m + 1)
    return posted


def _next_index(posted_through: int) -> int:
    if not posted_through:
        return 0
    return afa.month_index(posted_through // 100, posted_through % 100) + 1


def _start(asset: FixedAsset) -> tuple[int, int]:
    return asset.acquisition_date.year, asset.acquisition_date.month


def _asset_class(code: str) -> AssetClass:
    found = AssetClass.objects(code=code).first()
    if found is None and seed_asset_classes():
        found = AssetClass.objects(code=code).first()
    if found is None:
        raise RuleError(N_("Unbekannte Anlagenklasse %(code)s."), code=code)
    return found


def _accounts_for(method: str, asset_class: AssetClass) -> tuple[str, str, int]:
    if method == "gwg":
        return _account("gwg"), _account("gwg_expense"), 1
    if method == "pool":
        return _account("pool"), _account("pool_expense"), afa.POOL_YEARS * 12
    chart = _chart()
    number = asset_class.account_skr03 if chart == "SKR03" else asset_class.account_skr04
    _open(number, asset_class.name, "asset")
    return number, _account("depreciation"), asset_class.useful_life_years * 12


@lru_cache(maxsize=1)
def _roles() -> dict[str, dict]:
    with open(HERE / "accounts.csv", encoding="utf-8") as handle:
        return {row["role"]: row for row in csv.DictReader(handle, delimiter=";")}


def _account(role: str) -> str:
    """The account of a role in the chart in use, opened if the chart lacks it."""
    row, chart = _roles()[role], _chart()
    number = row["skr03"] if chart == "SKR03" else row["skr04"]
    _open(number, row["name_skr03"] if chart == "SKR03" else row["name_skr04"], row["type"])
    return number


def _open(number: str, name: str, kind: str) -> None:
    if Account.objects(number=number).first() is None:
        try:
            Account(number=number, name=name[:120], type=kind).save()
        except me.NotUniqueError:
            pass


def _chart() -> str:
    return chart_in_use() or DEFAULT_CHART

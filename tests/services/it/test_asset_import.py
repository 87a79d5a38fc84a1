"""The hardware inventory through the existing CSV import: German headers and words, serial rule."""
import io
from datetime import date
from decimal import Decimal

from models.it_asset import Asset
from services.imports.csv_import import ImportOptions, run_import
from tests.factories import make_employee
from tests.factories_it import make_asset

HEADER = ("Inventarnummer;Geräteart;Hersteller;Modell;Seriennummer;Kaufdatum;Kaufpreis;"
          "Garantie bis;Standort\r\n")


def _import(text: str, **options):
    options.setdefault("user", "it@firma.example.com")
    rejects = io.BytesIO()
    result = run_import(text.encode("utf-8"), "it_assets", ImportOptions(**options),
                        rejects=rejects)
    return result, rejects.getvalue().decode("utf-8-sig")


def test_import_new_devices_with_german_words(app):
    result, _ = _import(HEADER +
                        "IT-100;Laptop;Lenovo;T14;PF1;01.03.2025;1.299,00;28.02.2028;München\r\n"
                        "IT-101;Bildschirm;Dell;U2724;CN7;15.03.2025;349,90;;Lager\r\n")
    assert result.summary.startswith("inserted=2"), (result.summary, result.errors)
    notebook = Asset.objects.get(asset_tag="IT-100")
    assert (notebook.asset_type, notebook.status, notebook.purchase_price,
            notebook.warranty_end) == ("notebook", "in_stock", Decimal("1299.00"),
                                       date(2028, 2, 28))
    assert notebook.manufacturer_key == "lenovo"
    assert Asset.objects.get(asset_tag="IT-101").asset_type == "monitor"


def test_a_serial_twice_for_one_maker_is_refused(app):
    make_asset(asset_tag="IT-1", manufacturer="Lenovo", serial_number="PF1")
    result, rejects = _import(HEADER + "IT-2;Notebook;LENOVO;T14;PF1;;;;\r\n"
                              "IT-3;Notebook;HP;840;PF1;;;;\r\n", skip_invalid=True)
    assert Asset.objects(serial_number="PF1").count() == 2
    assert not Asset.objects(asset_tag="IT-2").first()
    assert Asset.objects.get(asset_tag="IT-3").manufacturer == "HP"
    assert "IT-2" in rejects and "ist schon bei Gerät „IT-1“ erfasst" in rejects
    assert any("Seriennummer „PF1“" in e for e in result.errors)


def test_an_update_does_not_touch_status_or_holder(app):
    from services.it.assets import issue_asset

    asset = make_asset(asset_tag="IT-7", manufacturer="Apple", serial_number="C02X",
                       location="Büro")
    issue_asset(asset.pk, make_employee().pk, date(2026, 1, 5), "u")
    result, _ = _import(HEADER + "IT-7;Notebook;Apple;MacBook;C02X;;;;Homeoffice\r\n",
                        mode="upsert")
    assert "updated=1" in result.summary, (result.summary, result.errors)
    asset.reload()
    assert (asset.location, asset.status) == ("Homeoffice", "handed_out")
    assert asset.employee is not None and len(asset.history) == 1

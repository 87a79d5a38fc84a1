"""The DATEV and fixed-asset screens through HTTP: export ZIP, register CSV, disposal, create form."""
import io
import zipfile
from datetime import date
from decimal import Decimal

from models.datev_export import DatevExport
from models.fixed_asset import AssetClass, FixedAsset
from services.fixed_assets.register import acquire_asset, seed_asset_classes
from tests.conftest import csrf_token_from
from tests.factories import make_company, make_customer


def test_finance_exports_a_zip_and_the_auditor_only_reads(app, client, login):
    with app.app_context():
        make_company(datev_consultant_no=1001, datev_client_no=1)
        make_customer()
    login("finance")
    page = client.get("/datev/")
    assert page.status_code == 200 and "DATEV-Export" in page.get_data(as_text=True)
    response = client.post("/datev/", data={"from": "01.01.2026", "to": "31.01.2026",
                                            "csrf_token": csrf_token_from(page.data)})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == ["EXTF_Buchungsstapel_20260101_20260131.csv",
                             "EXTF_Debitoren_Kreditoren.csv"]
    with app.app_context():
        assert DatevExport.objects.count() == 2
    wrong = client.post("/datev/", data={"from": "01.12.2026", "to": "31.01.2027",
                                         "csrf_token": csrf_token_from(page.data)},
                        follow_redirects=True)
    assert "Wirtschaftsjahr" in wrong.get_data(as_text=True)


def test_register_csv_and_a_disposal_from_the_screen(app, client, login):
    with app.app_context():
        car = acquire_asset(name="VW Passat", class_code="PKW",
                            acquisition_date=date(2026, 7, 31), cost=Decimal("30000.00"))
    login("finance")
    csv_text = client.get("/fixed-assets/register?year=2026&format=csv").data.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[1].startswith(f"{car.number};VW Passat;0320;31.07.2026;linear;0,00;30000,00")
    assert lines[1].endswith(";0,00;27500,00")
    page = client.get("/fixed-assets/register?year=2027")
    done = client.post("/fixed-assets/dispose", data={
        "number": car.number, "date": "10.03.2027", "proceeds": "25.000,00",
        "csrf_token": csrf_token_from(page.data)}, follow_redirects=True)
    # 30,000 over 72 months: 6 months of 2026 (2,500) and Jan-Mar 2027 (1,250) written off,
    # book value 26,250; proceeds 25,000 - 26,250 = -1,250 (amounts in the page's format)
    assert "Buchwert 26.250,00 €, Ergebnis -1.250,00 €" in done.get_data(as_text=True)
    with app.app_context():
        assert FixedAsset.objects.get(pk=car.pk).status == "disposed"
    assert client.get("/fixed-assets/register?year=2026&format=pdf").mimetype == \
        "application/pdf"


def test_an_asset_entered_in_the_panel_gets_number_method_and_accounts(app, client, login):
    with app.app_context():
        seed_asset_classes()
    login("finance")
    form = client.get("/admin/fixed_assets/new/")
    response = client.post("/admin/fixed_assets/new/", data={
        "name": "Aktenschrank", "asset_class": "BUEROMOEBEL", "acquisition_date": "02.02.2026",
        "cost": "799,99", "csrf_token": csrf_token_from(form.data)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        asset = FixedAsset.objects.get(name="Aktenschrank")
        assert (asset.number, asset.method, asset.account, asset.cost) == \
            (1, "gwg", "0480", Decimal("799.99"))
        assert AssetClass.objects.count() == 6


def test_an_asset_bought_by_hand_in_the_panel_is_posted_or_refused(app, client, login):
    from models.ledger import JournalEntry

    with app.app_context():
        seed_asset_classes()
    login("finance")
    form = client.get("/admin/fixed_assets/new/")
    data = {"name": "Laptop", "asset_class": "MOBILTELEFON", "acquisition_date": "03.06.2026",
            "cost": "1.234,56", "counter_account": "1200", "input_vat": "234,56",
            "csrf_token": csrf_token_from(form.data)}
    refused = client.post("/admin/fixed_assets/new/", data=data, follow_redirects=True)
    assert "weder 19 % noch 7 %" in refused.get_data(as_text=True)
    with app.app_context():
        assert FixedAsset.objects.count() == 0 and JournalEntry.objects.count() == 0
    done = client.post("/admin/fixed_assets/new/", data={**data, "input_vat": "234,57"},
                       follow_redirects=True)
    assert "Anschaffung gebucht" in done.get_data(as_text=True)
    with app.app_context():
        asset = FixedAsset.objects.get(name="Laptop")
        [entry] = JournalEntry.objects(status="posted")
        assert entry.pk == asset.acquisition_entry
        assert [(ln.account, ln.debit, ln.credit) for ln in entry.lines] == [
            ("0410", Decimal("1234.56"), 0), ("1576", Decimal("234.57"), 0),
            ("1200", 0, Decimal("1469.13"))]


def test_budget_screen_import_and_copy_forward(app, client, login):
    from models.budget import Budget
    from services.ledger.posting import post_new_entry

    with app.app_context():
        post_new_entry(date=date(2025, 3, 3), text="Porto", source="manual", user="t",
                       lines=[{"account": "4910", "debit": "50.00"},
                              {"account": "1200", "credit": "50.00"}])
    login("finance")
    page = client.get("/budgets/?year=2026")
    assert "Budgetzeilen" in page.get_data(as_text=True)
    token = csrf_token_from(page.data)
    csv_data = ("Jahr;Konto;Kostenstelle;Jan;Feb;Mrz;Apr;Mai;Jun;Jul;Aug;Sep;Okt;Nov;Dez\n"
                "2026;4930;;100,00;;;;;;;;;;;\n").encode("cp1252")
    done = client.post("/budgets/import", data={"csrf_token": token, "year": "2026",
                                                "file": (io.BytesIO(csv_data), "plan.csv")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "1 Budgetzeilen gespeichert" in done.get_data(as_text=True)
    copied = client.post("/budgets/copy-forward", data={"csrf_token": token, "year": "2026",
                                                        "percent": "10"},
                         follow_redirects=True)
    text = copied.get_data(as_text=True)
    assert "1 Budgetzeilen aus dem Vorjahr angelegt" in text and "<svg" in text
    with app.app_context():
        assert Budget.objects.get(year=2026, account="4910").m03 == Decimal("55.00")

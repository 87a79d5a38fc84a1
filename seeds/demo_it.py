"""Demo IT hardware, licences, contracts and filing settings for the demo company (issue 19)."""
from datetime import date
from decimal import Decimal

from models.compliance import ComplianceSettings
from models.contract import Contract
from models.employee import Employee
from models.it_asset import Asset, Licence
from models.ticket import Ticket
from services.it.assets import issue_asset
from services.it.licences import assign_seat

DEVICES = (
    ("notebook", "Lenovo", "ThinkPad T14 Gen 5", 1289), ("notebook", "Dell", "Latitude 5450", 1149),
    ("notebook", "Lenovo", "ThinkPad X1 Carbon", 1899), ("monitor", "Dell", "U2724D", 389),
    ("monitor", "LG", "27UP850", 429), ("phone", "Apple", "iPhone 15", 799),
    ("printer", "Brother", "MFC-L8900CDW", 649), ("network_device", "Ubiquiti", "USW-24-PoE", 379),
    ("tablet", "Samsung", "Galaxy Tab S9", 699), ("desktop", "Fujitsu", "Esprimo P9010", 949),
)
# (device, person): notebooks with a monitor, a phone, a tablet, the CAD desktop; the
# printer and the switch stay in stock
HANDED_OUT = ((0, 0), (3, 0), (1, 1), (4, 1), (5, 2), (8, 3), (9, 4), (2, 5))


def seed_demo_it() -> dict:
    """Devices (most handed out), licences with seats, contracts; nothing if devices exist."""
    if Asset.objects.first():
        return {}
    assets = []
    for n, (kind, maker, model, price) in enumerate(DEVICES, start=1):
        assets.append(Asset(
            asset_tag=f"IT-{n:04d}", asset_type=kind, manufacturer=maker, model=model,
            serial_number=f"{maker[:2].upper()}{202500 + n * 37}", purchase_date=date(2025, n, 3),
            purchase_price=Decimal(price), supplier_invoice=f"RE-2025-{400 + n}",
            warranty_end=date(2027 + n % 2, n, 2), location="Büro München").save())
    people = list(Employee.objects(status="active").order_by("personnel_no").limit(6))
    for asset_no, person_no in HANDED_OUT:
        if person_no < len(people):
            issue_asset(assets[asset_no].pk, people[person_no].pk, date(2026, 1, 5),
                        "it@firma.example.com")
    ticket = Ticket.objects.order_by("number").first()
    if ticket:
        Ticket.objects(pk=ticket.pk).update_one(set__asset=assets[0].pk)
    office = Licence(product="Office-Paket", vendor="Softwarehaus Beispiel", licence_type="per_user",
                     seats=10, cost=Decimal("1180.00"), term_start=date(2026, 1, 1),
                     term_end=date(2026, 12, 31), renewal_date=date(2027, 1, 1),
                     licence_key="DEMO1-OFFICE-KEY00-2026X").save()
    for person in people:
        assign_seat(office.pk, date(2026, 1, 5), "it@firma.example.com", employee_id=person.pk)
    cad = Licence(product="CAD-Arbeitsplatz", vendor="Konstruktion AG", licence_type="per_device",
                  seats=2, cost=Decimal("2400.00"), renewal_date=date(2027, 10, 1)).save()
    assign_seat(cad.pk, date(2026, 1, 5), "it@firma.example.com", asset_id=assets[9].pk)
    ComplianceSettings(vat_return_interval="monthly", permanent_extension=True,
                       wage_tax_interval="monthly", ec_sales_list_interval="quarterly",
                       holiday_subdivision="BY").save()
    for values in CONTRACTS:
        Contract(**values).save()
    return {"assets": len(assets), "licences": 2, "contracts": len(CONTRACTS)}


CONTRACTS = (
    dict(number="V-2024-001", subject="Büromiete Hauptsitz", category="rent",
         counterparty_kind="other", counterparty_name="Immobilien Maier KG",
         start=date(2024, 4, 1), minimum_term_months=60, notice_period=6,
         notice_to="quarter_end", cost=Decimal("4200.00"), payment_interval="monthly",
         booking_account="4210", cost_centre="100"),
    dict(number="V-2025-002", subject="Wartung Multifunktionsdrucker", category="maintenance",
         counterparty_kind="other", counterparty_name="Bürotechnik Huber",
         start=date(2025, 1, 1), minimum_term_months=24, notice_period=3, notice_to="term_end",
         renewal_months=12, cost=Decimal("89.00"), payment_interval="monthly",
         booking_account="4805", cost_centre="100"),
    dict(number="V-2025-003", subject="Betriebshaftpflicht", category="insurance",
         counterparty_kind="other", counterparty_name="Versicherung Beispiel AG",
         start=date(2025, 7, 1), minimum_term_months=12, notice_period=3, notice_to="term_end",
         renewal_months=12, cost=Decimal("1450.00"), payment_interval="yearly",
         booking_account="4360", cost_centre="900"),
    dict(number="V-2026-004", subject="Mobilfunkverträge", category="telecom",
         counterparty_kind="other", counterparty_name="Netz Beispiel GmbH",
         start=date(2026, 2, 1), minimum_term_months=24, notice_period=1, notice_to="month_end",
         cost=Decimal("240.00"), payment_interval="monthly", booking_account="4920",
         cost_centre="200"),
)

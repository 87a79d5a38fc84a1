"""Demo data for the books: the company's own master data, customers, draft invoices."""
from datetime import date
from decimal import Decimal

from models.company import Company
from models.customer import Customer
from models.invoice import Invoice, InvoiceLine

CUSTOMERS = (
    ("K0001", "Bäckerei Größer KG", "Lindenweg 12", "10115", "Berlin", "DE136695976"),
    ("K0002", "Müller Maschinenbau GmbH", "Industriestraße 7", "70173", "Stuttgart", None),
    ("K0003", "Café Süßwaren OHG", "Marktplatz 3", "50667", "Köln", None),
    ("K0004", "Weiß & Partner Steuerberater", "Königsallee 44", "40212", "Düsseldorf", None),
)


def seed_demo_books() -> dict:
    """Add the demo company's master data, customers and two draft invoices if missing."""
    added = {}
    if Company.current() is None:
        Company(name="Backoffice Demo GmbH", street="Musterstraße 1", postal_code="80331",
                city="München", vat_id="DE136695976", tax_number="143/123/45678",
                email="rechnung@demo.example.com", managing_director="Erika Mustermann",
                register="Amtsgericht München HRB 123456", bank_name="Demo Bank",
                iban="DE89370400440532013000", bic="COBADEFFXXX").save()
        added["company"] = 1
    if Customer.objects.first() is None:
        customers = [Customer(customer_no=no, name=name, street=street, postal_code=plz,
                              city=city, vat_id=vat, email=f"buchhaltung@{no.lower()}.example.com"
                              ).save() for no, name, street, plz, city, vat in CUSTOMERS]
        for customer in customers[:2]:
            Invoice(customer=customer, service_date=date.today(), lines=[
                InvoiceLine(description="Beratung", quantity=Decimal("4"), unit="HUR",
                            unit_price=Decimal("95.00"), vat_rate="19"),
                InvoiceLine(description="Fachbuch", quantity=Decimal("1"), unit="H87",
                            unit_price=Decimal("39.90"), vat_rate="7")],
                created_by="demo").save()
        added["customers"] = len(customers)
    return added

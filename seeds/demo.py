"""The demo company: a plausible German SMB, loaded only into an empty database."""
import io
import os
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from faker import Faker
from schwifty import IBAN
from stdnum.iso7064 import mod_11_10

from models import Employee, StockItem, Supplier, Ticket, User
from models.base import utcnow
from services.archive.store import archive_file

DEMO_DOMAIN = "backoffice.example.com"
DEMO_USERS = (("admin", "admin"), ("finance", "finance"), ("hr", "hr"),
              ("lager", "warehouse"), ("support", "support"), ("pruefer", "auditor"))
DEPARTMENTS = (("Geschäftsführung", ("Geschäftsführer",)),
               ("Buchhaltung", ("Buchhalterin", "Finanzbuchhalter", "Controller")),
               ("Personal", ("Personalreferentin", "Lohnbuchhalter")),
               ("Vertrieb", ("Vertriebsmitarbeiter", "Key Account Manager", "Innendienst")),
               ("Einkauf", ("Einkäufer", "Disponentin")),
               ("Lager", ("Lagerist", "Fachkraft für Lagerlogistik", "Lagerleiter")),
               ("IT", ("Systemadministrator", "IT-Support")),
               ("Produktion", ("Maschinenführer", "Mechatroniker", "Schichtleiter")))
TICKET_TITLES = ("Drucker im 2. OG druckt nicht", "Passwort zurücksetzen",
                 "VPN-Verbindung bricht ab", "Neuer Laptop für Mitarbeiterin",
                 "Outlook startet nicht", "Zugang zum Lagerprogramm", "Monitor flackert",
                 "Telefon ohne Freizeichen", "Scanner speichert nicht im Netzlaufwerk",
                 "E-Mail-Postfach voll", "Software-Lizenz verlängern", "WLAN im Lager langsam")


def ensure_demo_users(credentials: Path, fast_hash: bool = False) -> list[tuple[str, str, str]]:
    """Create one user per role if missing; return (email, role, password or note)."""
    known = _read_credentials(credentials)
    logins, new = [], []
    for local, role in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        if User.objects(email=email).first() is None:
            password = known.get(email) or f"Demo-{secrets.token_urlsafe(8)}-{secrets.randbelow(90) + 10}"
            new.append((User(email=email, name=f"Demo {role}", roles=[role]), password))
            known[email] = password
        logins.append((email, role, known.get(email, "(set earlier; reset with create-user)")))
    # Argon2id takes about a second per password on purpose; the hashes are computed side
    # by side (the hashing runs outside the interpreter lock), then saved one by one.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(lambda pair: pair[0].set_password(pair[1], fast=fast_hash), new))
    for user, _password in new:
        user.save()
    _write_credentials(credentials, known)
    return logins


def seed_demo_company(seed: int = 2026) -> dict:
    """Fill an empty database with the demo company; leave a non-empty one alone."""
    if any(doc.objects.first() for doc in (Employee, Supplier, StockItem, Ticket)):
        return {}
    rng, fake = random.Random(seed), Faker("de_DE")
    fake.seed_instance(seed)
    employees = _seed_employees(rng, fake)
    suppliers = _seed_suppliers(rng, fake)
    items = _seed_stock(rng, suppliers)
    tickets = _seed_tickets(rng, employees)
    files = _seed_archive(fake)
    orders = _seed_purchase_orders()
    from seeds.demo_banking import seed_demo_banking
    from seeds.demo_cost_centers import seed_demo_cost_centers
    from seeds.demo_hr import seed_demo_absences
    from seeds.demo_it import seed_demo_it
    from seeds.demo_payables import seed_demo_exchange_rates, seed_demo_payables

    it = seed_demo_it()
    it.update(seed_demo_banking())
    it.update(seed_demo_cost_centers())
    it.update(seed_demo_payables())   # supplier e-invoices through the intake
    it.update(seed_demo_exchange_rates())  # EUR reference rates: USD, GBP, CHF
    it.update(seed_demo_absences())   # vacations, sick leaves (team calendar)
    return {"employees": len(employees), "suppliers": len(suppliers),
            "stock_items": items, "tickets": tickets, "archived_files": files,
            "purchase_orders": orders, **it}


def _seed_employees(rng, fake) -> list[Employee]:
    from models.health_fund import HealthFund

    # every employee needs a fund; taken in turn, so the random stream stays as it was
    funds = list(HealthFund.objects(betriebsnummer__ne="98000006").order_by("name"))
    employees = []
    for n in range(1, 51):
        department, positions = DEPARTMENTS[0] if n == 1 else rng.choice(DEPARTMENTS[1:])
        first, last = fake.first_name(), fake.last_name()
        hire = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 5800))
        employees.append(Employee(
            personnel_no=f"P{n:04d}", first_name=first, last_name=last,
            email=f"{_ascii(first)}.{_ascii(last)}@{DEMO_DOMAIN}".lower(),
            phone=fake.phone_number(), street=fake.street_address(),
            postal_code=fake.postcode(), city=fake.city(),
            birth_date=date(1965, 1, 1) + timedelta(days=rng.randrange(0, 13000)),
            department=department, position=rng.choice(positions), hire_date=hire,
            monthly_gross=Decimal(rng.randrange(2400, 8600, 50)), vacation_days=Decimal(30),
            tax_class=rng.choice((1, 1, 1, 3, 4, 4, 5)),
            child_allowances=Decimal(rng.choice((0, 0, 0.5, 1, 1.5, 2))),
            children_under_25=rng.choice((0, 0, 1, 2)), church_tax=rng.random() < 0.5,
            health_insurance_addon=Decimal(rng.choice(("2.50", "2.90", "3.20"))),
            childless=rng.random() < 0.4, state=rng.choice(("NW", "NW", "BY", "BW", "HE", "SN")),
            iban=str(IBAN.generate("DE", bank_code="37040044",
                                   account_code=str(rng.randrange(10**8, 10**9)))),
            health_fund=funds[n % len(funds)] if funds else None,
        ).save())
    return employees


def _seed_suppliers(rng, fake) -> list[Supplier]:
    from services.ledger.charts import posting_account

    goods = posting_account("goods_purchase")   # they sell the stock articles (Wareneingang)
    suppliers = []
    categories = ("Büromaterial", "Rohstoffe", "IT", "Verpackung", "Dienstleistung")
    for n in range(1, 21):
        vat_base = str(rng.randrange(10**7, 10**8))
        suppliers.append(Supplier(
            supplier_no=f"L{n:04d}", name=fake.company(), street=fake.street_address(),
            postal_code=fake.postcode(), city=fake.city(), country="DE",
            vat_id="DE" + vat_base + mod_11_10.calc_check_digit(vat_base),
            iban=str(IBAN.generate("DE", bank_code="50010517",
                                   account_code=str(rng.randrange(10**8, 10**9)))),
            contact_name=fake.name(), email=f"einkauf{n}@lieferant.example.com",
            phone=fake.phone_number(), payment_terms_days=rng.choice((14, 30, 30, 60)),
            category=categories[(n - 1) % len(categories)],  # every category has suppliers
            default_account=goods,
        ).save())
    return suppliers


def _seed_stock(rng, suppliers) -> int:
    """The catalogue (seeds/catalogue.py): each article from a supplier of its category."""
    from seeds.catalogue import articles

    by_category = {}
    for supplier in suppliers:
        by_category.setdefault(supplier.category, []).append(supplier)
    items = []
    for n, (name, unit, cost, category) in enumerate(articles(), start=1):
        typical = max(10, int(1500 / (float(cost) + 5)))     # cheap articles: more on hand
        item = StockItem(
            sku=f"A-{10000 + n}", name=name, unit=unit,
            quantity=Decimal(rng.randrange(0, typical * 2)),
            reorder_point=Decimal(max(2, typical // 4)), reorder_qty=Decimal(typical),
            unit_cost=cost, supplier=rng.choice(by_category.get(category) or suppliers),
            location=f"Regal {rng.choice('ABCDE')}-{rng.randrange(1, 20):02d}")
        item.validate()
        items.append(item)
    StockItem.objects.insert(items, load_bulk=False)
    return len(items)


# The way each final status is reached, through the workflow (every step an event).
TICKET_PATHS = {"new": (), "in_progress": ("in_progress",),
                "waiting": ("in_progress", "waiting"),
                "resolved": ("in_progress", "resolved"),
                "closed": ("in_progress", "resolved", "closed")}


def _seed_tickets(rng, employees) -> int:
    """100 tickets of the last 90 days whose history follows the workflow, with resolution times."""
    from services.operations.tickets import apply_sla, change_status

    support = User.objects(roles="support").first()
    agent = support.email if support else "support"
    now = utcnow()
    for n in range(100):
        created = now - timedelta(days=rng.randrange(0, 90), hours=rng.randrange(0, 24))
        final = rng.choice(("new", "in_progress", "waiting", "resolved", "closed", "closed"))
        ticket = Ticket(title=rng.choice(TICKET_TITLES), description="Bitte um Unterstützung.",
                        requester=rng.choice(employees),
                        assignee=support if final != "new" else None,
                        priority=rng.choice(("low", "normal", "normal", "high", "critical")),
                        status="new", created_at=created)
        apply_sla(ticket)
        ticket.save()
        at = created
        for step in TICKET_PATHS[final]:
            at = min(at + timedelta(minutes=rng.randrange(15, 60 * 30)), now)
            change_status(ticket.pk, step, agent, now=at)
    return 100


def _seed_purchase_orders() -> int:
    """A draft, a sent and a partly received order from the reorder list (issue 7)."""
    from services.operations.purchasing import on_order_by_item, receive, send_order
    from services.operations.stock_reports import create_reorder_drafts, reorder_list

    suppliers = [s for s in reorder_list(on_order_by_item()) if s][:3]
    orders = [create_reorder_drafts(s, "seed") for s in suppliers]
    if len(orders) > 1:
        send_order(orders[1].pk)
    if len(orders) > 2:
        send_order(orders[2].pk)
        half = [min(line.quantity, max(Decimal(1), (line.quantity / 2).quantize(Decimal(1))))
                for line in orders[2].lines]
        receive(orders[2].pk, half, "seed-receipt-1", "seed")
    return len(orders)


def _seed_archive(fake) -> int:
    files = (("letter", "Angebot_Müller_GmbH.txt", "Sehr geehrte Damen und Herren,\n"
              "anbei unser Angebot über 1.234,56 €.\nMit freundlichen Grüßen\n".encode()),
             ("invoice", "Eingangsrechnung_2026-001.pdf", _tiny_pdf("Rechnung 2026-001")),
             ("delivery_note", "Lieferschein_4711.csv",
              "Artikelnummer;Menge\r\nA-10001;10\r\n".encode("utf-8-sig")),
             ("it", "Netzwerkplan.txt", b"Switch 1: Port 1-24 Buero\n"),
             ("voucher", "Beleg_Bewirtung.pdf", _tiny_pdf("Bewirtungsbeleg")))
    for code, name, data in files:
        archive_file(io.BytesIO(data), name, category=code, document_date=date(2026, 3, 15),
                     uploaded_by="seed", max_bytes=10 * 1024 * 1024)
    return len(files)


def _tiny_pdf(text: str) -> bytes:
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _ascii(name: str) -> str:
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("Ä", "Ae"),
                     ("Ö", "Oe"), ("Ü", "Ue"), (" ", "")):
        name = name.replace(src, dst)
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "-"))


def _read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text().splitlines() if "\t" in line)
    return {email: password for email, password in pairs}


def _write_credentials(path: Path, known: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{e}\t{p}\n" for e, p in sorted(known.items())))
    path.chmod(0o600)

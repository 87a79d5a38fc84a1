"""Payslip PDFs in the archive, the ZIP per run, and the payroll journal (CSV and PDF)."""
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from models.archive import ArchivedFile
from services.archive.store import archive_file
from models.payroll import PayrollRun, Payslip
from services.core.csv_safe import writer as csv_writer
from services.core.errors import BusinessRuleError
from services.core.formatting import format_decimal_de
from services.payroll.render import MONTHS, html_to_pdf, render_html
from services.payroll.runs import STATUS_LABELS, get_run

ISSUABLE = ("approved", "posting", "posted")
JOURNAL_COLUMNS = (
    ("Pers.-Nr.", None), ("Name", None), ("Tage", "days"), ("Brutto", "gross"),
    ("Steuerbrutto", "taxable_gross"), ("Lohnsteuer", "wage_tax"), ("Soli", "solidarity"),
    ("Kirchensteuer", "church_tax"), ("RV AN", "employee_pension"),
    ("AV AN", "employee_unemployment"), ("KV AN", "employee_health"),
    ("PV AN", "employee_care"), ("SV AN", "employee_si"), ("Netto", "net"),
    ("RV AG", "employer_pension"), ("AV AG", "employer_unemployment"),
    ("KV AG", "employer_health"), ("PV AG", "employer_care"), ("U1", "employer_u1"), ("U2", "employer_u2"),
    ("U3", "employer_insolvency"),
    ("Pauschsteuer", "employer_flat_tax"), ("SV AG", "employer_si"),
    ("AG-Kosten", "employer_cost"))


@dataclass(frozen=True)
class Company:
    name: str
    address: str


def payslip_filename(slip: Payslip) -> str:
    snap = slip.employee_data
    return f"Entgeltabrechnung_{slip.year}-{slip.month:02d}_{snap.personnel_no}.pdf"


def payslip_pdf(slip: Payslip, company: Company) -> bytes:
    """Render one payslip as a PDF."""
    return html_to_pdf(render_html("payslip.html", slip=slip, company=company))


def archive_pdf(file_id, data: bytes, filename: str, category: str, document_date: date,
                description: str, user: str) -> ArchivedFile:
    """File a generated PDF in the archive under a given id (the one place payroll stores).

    The id is chosen by the caller (the payslip's own id), so a retry after a crash finds
    the record instead of filing a second copy.
    """
    existing = ArchivedFile.objects(pk=file_id).first()
    if existing is not None:
        return existing
    # Through the archive's own store: deduplicated content and a computed keep-until.
    return archive_file(io.BytesIO(data), filename, category=category,
                        document_date=document_date, uploaded_by=user,
                        max_bytes=max(len(data), 1), description=description,
                        record_id=file_id)


def issue_payslips(run_id, user: str, company: Company, limit: int | None = None) -> int:
    """Create and archive the PDFs of an approved run's payslips that have none yet.

    With `limit`, stop after that many (a web request stays short); calling again
    continues where it stopped. Returns how many were issued.
    """
    run = get_run(run_id)
    if run.status not in ISSUABLE:
        raise BusinessRuleError(
            f"payslips of {run.period} can be issued once the run is approved "
            f"(it is {STATUS_LABELS.get(run.status, run.status)})")
    issued = 0
    pending = Payslip.objects(run=run, pdf=None).order_by("employee_data.personnel_no")
    if limit:
        pending = pending.limit(limit)
    for slip in pending.no_cache():
        record = archive_pdf(slip.pk, payslip_pdf(slip, company), payslip_filename(slip),
                             "payslip", date(slip.year, slip.month, 1),
                             f"Entgeltabrechnung {slip.month:02d}/{slip.year} "
                             f"{slip.employee_data.personnel_no}", user)
        # by _id alone: FerretDB scans the collection for any other filter
        Payslip._get_collection().update_one({"_id": slip.pk}, {"$set": {"pdf": record.pk}})
        issued += 1
    return issued


def pending_payslips(run: PayrollRun) -> int:
    """How many payslips of a run have no PDF yet."""
    return Payslip.objects(run=run, pdf=None).count()


def company_from_config(config) -> Company:
    """The employer on payslips: the company master data, else BACKOFFICE_COMPANY_NAME/_ADDRESS."""
    from models.company import Company as CompanyData

    data = CompanyData.current()
    if data is not None:
        return Company(data.name, f"{data.street}, {data.postal_code} {data.city}")
    return Company(config.get("COMPANY_NAME", ""), config.get("COMPANY_ADDRESS", ""))


def payslip_zip(run: PayrollRun) -> bytes:
    """All archived payslip PDFs of a run in one ZIP."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for slip in Payslip.objects(run=run, pdf__ne=None).order_by(
                "employee_data.personnel_no").no_cache():
            archive.writestr(slip.pdf.filename, slip.pdf.content.read())
    return buf.getvalue()


def journal_rows(run: PayrollRun) -> list[list[str]]:
    """One row per payslip plus a totals row, amounts formatted the German way."""
    rows, totals = [], {field: 0 for _, field in JOURNAL_COLUMNS if field}
    for slip in Payslip.objects(run=run).order_by("employee_data.personnel_no").no_cache():
        snap = slip.employee_data
        row = [snap.personnel_no, f"{snap.last_name}, {snap.first_name}"]
        for _, field in JOURNAL_COLUMNS[2:]:
            value = getattr(slip, field)
            totals[field] += value
            row.append(str(value) if field == "days" else format_decimal_de(value))
        rows.append(row)
    total_row = ["Summe", f"{len(rows)} Mitarbeiter", ""]
    total_row += [format_decimal_de(totals[f]) for _, f in JOURNAL_COLUMNS[3:]]
    return rows + [total_row]


def journal_csv(run: PayrollRun) -> bytes:
    """The payroll journal as German CSV (';', decimal comma, UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv_writer(out)  # neutralises formulas in every text cell
    writer.writerow([label for label, _ in JOURNAL_COLUMNS])
    writer.writerows(journal_rows(run))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def journal_pdf(run: PayrollRun, company: Company) -> bytes:
    """The payroll journal as a landscape PDF."""
    return html_to_pdf(render_html(
        "journal.html", run=run, company=company,
        headers=[label for label, _ in JOURNAL_COLUMNS], rows=journal_rows(run),
        status=STATUS_LABELS.get(run.status, run.status), months=MONTHS))

"""Supplier invoices through the API: upload an e-invoice file into the payables intake, read it."""
from flask import request, url_for
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from models.supplier_invoice import SupplierInvoice
from views.api import schemas as s
from views.api.paging import filtered_page, get_or_404
from views.api.problems import register_problem_handlers
from views.api.security import actor, scope

bp = Blueprint("SupplierInvoices", __name__, url_prefix="/api/v1/supplier-invoices",
               description="Supplier invoices (Eingangsrechnungen): upload XRechnung, ZUGFeRD/"
                           "Factur-X or UBL files (XML or PDF) into the payables intake")
register_problem_handlers(bp)

UPLOAD_TYPES = ("application/xml", "application/pdf", "application/octet-stream")
FILENAME_HEADER = {
    "name": "X-Filename", "in": "header", "required": False,
    "description": "file name the original is archived under (default rechnung.xml or "
                   "rechnung.pdf by content)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255}}


def dump_supplier_invoice(inv: SupplierInvoice) -> dict:
    return {
        "id": str(inv.pk), "kind": inv.kind, "status": inv.status,
        "source_format": inv.source_format, "profile": inv.profile, "number": inv.number,
        "issue_date": inv.issue_date, "due_date": inv.due_date, "currency": inv.currency,
        "supplier_id": str(inv.supplier.pk) if inv.supplier else None,
        "supplier_name": inv.supplier.name if inv.supplier
        else (inv.supplier_data or {}).get("name"),
        "net_total": inv.net_total, "vat_total": inv.vat_total, "gross_total": inv.gross_total,
        "amount_due": inv.amount_due, "manual_lines_required": inv.manual_lines_required,
        "findings": [{"code": f.code, "message": f.message, "severity": f.severity}
                     for f in inv.findings],
        "source_file_id": str(inv.source_file) if inv.source_file else None,
        "source_filename": inv.source_filename, "sha256": inv.sha256,
        "approved_at": inv.approved_at, "created_at": inv.created_at,
        "updated_at": inv.updated_at}


@bp.route("", methods=["POST"])
@scope("supplier_invoices:write")
@bp.response(201, s.SupplierInvoiceSchema)
@bp.alt_response(409, description="The invoice (same file, or same supplier and number) "
                                  "is already captured; `duplicate_of` names it")
@bp.alt_response(413, description="The file is larger than the intake accepts")
@bp.doc(parameters=[FILENAME_HEADER], requestBody={"required": True, "content": {
    ct: {"schema": {"type": "string", "format": "binary"}} for ct in UPLOAD_TYPES}})
def upload_supplier_invoice():
    """Upload one invoice file (raw body): archived unchanged, read, checked, opened as draft."""
    from services.payables.intake import MAX_BYTES, import_invoice_file

    if (request.content_length or 0) > MAX_BYTES:
        abort(413, message=f"Die Datei ist größer als {MAX_BYTES // (1024 * 1024)} MB.")
    data = request.get_data()
    if not data:
        abort(422, message="Die Datei ist leer.", messages={"body": {"file": ["leer"]}})
    if len(data) > MAX_BYTES:
        abort(413, message=f"Die Datei ist größer als {MAX_BYTES // (1024 * 1024)} MB.")
    result = import_invoice_file(data, _filename(data), user=actor())
    if result.status == "duplicate":
        first = result.duplicate_of
        abort(409, message="; ".join(result.errors),
              extensions={"duplicate_of": str(first.pk)} if first else None)
    if result.status != "draft":
        abort(422, message="; ".join(result.errors) or "Die Datei wurde nicht angenommen.",
              messages={"body": {"file": result.errors}})
    stored = SupplierInvoice.objects.get(pk=result.invoice.pk)  # as a GET will show it
    return dump_supplier_invoice(stored), 201, {
        "Location": url_for("SupplierInvoices.get_supplier_invoice",
                            supplier_invoice_id=str(result.invoice.pk))}


def _filename(data: bytes) -> str:
    name = (request.headers.get("X-Filename") or "").strip().replace("/", "_")[:255]
    if name:
        return name
    return "rechnung.pdf" if data.lstrip()[:4] == b"%PDF" else "rechnung.xml"


@bp.route("", methods=["GET"])
@scope("supplier_invoices:read")
@bp.arguments(s.SupplierInvoiceListArgs, location="query", unknown=RAISE)
@bp.response(200, s.SupplierInvoicePageSchema)
def list_supplier_invoices(args):
    """List supplier invoices (filter by status; `updated_since` to follow approvals)."""
    return filtered_page(SupplierInvoice, args, dump_supplier_invoice, status="status")


@bp.route("/<supplier_invoice_id>", methods=["GET"])
@scope("supplier_invoices:read")
@bp.response(200, s.SupplierInvoiceSchema)
def get_supplier_invoice(supplier_invoice_id):
    """Read one supplier invoice: status, totals, the intake's findings."""
    return dump_supplier_invoice(get_or_404(SupplierInvoice, supplier_invoice_id))

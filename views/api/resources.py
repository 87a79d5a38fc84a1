"""The API's resources: thin views that call the same services as the panel."""
from datetime import datetime
from decimal import Decimal

import mongoengine as me
from bson import ObjectId
from flask import Response, url_for
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from models import Customer, Employee, Invoice, StockItem, Supplier, Ticket
from services.core.audit import diff, snapshot
from services.core.errors import BusinessRuleError
from views.api import schemas as s
from views.api.problems import register_problem_handlers
from views.api.paging import filtered_page, get_or_404, page
from views.api.security import actor, audit, scope
from views.i18n import translated

customers = Blueprint("Customers", __name__, url_prefix="/api/v1/customers",
                      description="Customers (Kunden)")
suppliers = Blueprint("Suppliers", __name__, url_prefix="/api/v1/suppliers",
                      description="Suppliers (Lieferanten), read only")
stock = Blueprint("Stock", __name__, url_prefix="/api/v1/stock-items",
                  description="Stock items and levels; movements with stock:write")
invoices = Blueprint("Invoices", __name__, url_prefix="/api/v1/invoices",
                     description="Invoices: drafts, issuing, PDF and XML")
payments = Blueprint("Payments", __name__, url_prefix="/api/v1/payments",
                     description="Payments received on invoices, read only")
tickets = Blueprint("Tickets", __name__, url_prefix="/api/v1/tickets",
                    description="Helpdesk tickets opened by this token")
employees = Blueprint("Employees", __name__, url_prefix="/api/v1/employees",
                      description="Employees (hr scope; never bank details or pay)")

BLUEPRINTS = (customers, suppliers, stock, invoices, payments, tickets, employees)
for _blp in BLUEPRINTS:
    register_problem_handlers(_blp)


def _unprocessable(exc: Exception):
    """A refused write as 422 with the field messages mongoengine or the service gave."""
    fields = _field_messages(exc)
    abort(422, message=str(exc), messages={"json": fields} if fields else {})


def _field_messages(exc) -> dict:
    """{field: [message]} from a mongoengine ValidationError (clean() errors unwrapped)."""
    fields = {}
    for name, err in (getattr(exc, "errors", None) or {}).items():
        inner = getattr(err, "errors", None)
        if name == "__all__" and isinstance(inner, dict) and inner:
            fields.update(_field_messages(err))
        else:
            fields[name] = [translated(err if isinstance(err, str) else
                                       getattr(err, "message", None) or err)]
    return fields


def _iso(value):
    return value.date() if isinstance(value, datetime) else value


# ---------------------------------------------------------------- customers

def dump_customer(c: Customer) -> dict:
    data = {k: getattr(c, k) for k in s.CustomerSchema().fields if k != "id"}
    return {"id": str(c.pk), **data}


@customers.route("", methods=["GET"])
@scope("customers:read")
@customers.arguments(s.CustomerListArgs, location="query", unknown=RAISE)
@customers.response(200, s.CustomerPageSchema)
def list_customers(args):
    """List customers (cursor pagination, filter by customer number)."""
    return filtered_page(Customer, args, dump_customer, customer_no="customer_no")


@customers.route("/<customer_id>", methods=["GET"])
@scope("customers:read")
@customers.response(200, s.CustomerSchema)
def get_customer(customer_id):
    """Read one customer."""
    return dump_customer(get_or_404(Customer, customer_id))


@customers.route("", methods=["POST"])
@scope("customers:write")
@customers.arguments(s.CustomerInSchema)
@customers.response(201, s.CustomerSchema)
def create_customer(data):
    """Create a customer (VAT ID and postal code checked as in the panel)."""
    customer = Customer(**data)
    try:
        customer.save(force_insert=True)
    except me.NotUniqueError:
        abort(409, message=f"Die Kundennummer {data['customer_no']} ist schon vergeben.")
    except me.ValidationError as exc:
        _unprocessable(exc)
    audit("create", customer, changes=diff({}, snapshot(customer)))
    return dump_customer(customer), 201, {
        "Location": url_for("Customers.get_customer", customer_id=str(customer.pk))}


@customers.route("/<customer_id>", methods=["PATCH"])
@scope("customers:write")
@customers.arguments(s.CustomerPatchSchema)
@customers.response(200, s.CustomerSchema)
def update_customer(data, customer_id):
    """Change some fields of a customer."""
    customer = get_or_404(Customer, customer_id)
    before = snapshot(customer)
    for key, value in data.items():
        setattr(customer, key, value)
    try:
        customer.save()
    except me.NotUniqueError:
        abort(409, message=f"Die Kundennummer {data.get('customer_no')} ist schon vergeben.")
    except me.ValidationError as exc:
        _unprocessable(exc)
    audit("update", customer, changes=diff(before, snapshot(customer)))
    return dump_customer(customer)


# ---------------------------------------------------------------- suppliers

def dump_supplier(x: Supplier) -> dict:
    return {"id": str(x.pk), **{k: getattr(x, k) for k in s.SupplierSchema().fields
                                if k != "id"}}


@suppliers.route("", methods=["GET"])
@scope("suppliers:read")
@suppliers.arguments(s.PageArgs, location="query", unknown=RAISE)
@suppliers.response(200, s.SupplierPageSchema)
def list_suppliers(args):
    """List suppliers (no bank details)."""
    return page(Supplier.objects, args, dump_supplier)


@suppliers.route("/<supplier_id>", methods=["GET"])
@scope("suppliers:read")
@suppliers.response(200, s.SupplierSchema)
def get_supplier(supplier_id):
    """Read one supplier (no bank details)."""
    return dump_supplier(get_or_404(Supplier, supplier_id))


# ---------------------------------------------------------------- stock

def dump_item(item: StockItem) -> dict:
    return {"id": str(item.pk), "sku": item.sku, "name": item.name, "unit": item.unit,
            "quantity": item.quantity, "reorder_point": item.reorder_point,
            "location": item.location, "active": item.active, "updated_at": item.updated_at,
            "bins": [{"location": b.location, "quantity": b.quantity} for b in item.bins]}


@stock.route("", methods=["GET"])
@scope("stock:read")
@stock.arguments(s.StockListArgs, location="query", unknown=RAISE)
@stock.response(200, s.StockItemPageSchema)
def list_stock_items(args):
    """List stock items with their quantity on hand per location."""
    return filtered_page(StockItem, args, dump_item, sku="sku")


@stock.route("/<item_id>", methods=["GET"])
@scope("stock:read")
@stock.response(200, s.StockItemSchema)
def get_stock_item(item_id):
    """Read one stock item and its levels."""
    return dump_item(get_or_404(StockItem, item_id))


@stock.route("/<item_id>/movements", methods=["POST"])
@scope("stock:write")
@stock.arguments(s.MovementInSchema)
@stock.response(201, s.MovementSchema)
def post_stock_movement(data, item_id):
    """Book a receipt, issue or adjustment (stock never goes below zero)."""
    from flask import request

    from services.operations.stock import MovementRequest, post_movement

    item = get_or_404(StockItem, item_id)
    key = f"{actor()}:{request.headers.get('Idempotency-Key', '')}"[:120]
    try:
        movement = post_movement(MovementRequest(
            kind=data["kind"], item_id=item.pk, quantity=data["quantity"],
            reason=data["reason"], user=actor(), key=key, reference=data.get("reference"),
            location=data.get("location")))
    except BusinessRuleError as exc:
        abort(422, message=str(exc))
    item.reload()
    audit("create", movement, label=f"{movement.kind} {movement.quantity} {item.sku}")
    from services.api.events import stock_level_changed

    stock_level_changed(item)
    return {"id": str(movement.pk), "kind": movement.kind, "item_id": str(item.pk),
            "quantity": movement.quantity, "state": movement.state, "date": movement.date,
            "quantity_on_hand": item.quantity}, 201


# ---------------------------------------------------------------- invoices

def dump_invoice(inv: Invoice) -> dict:
    from services.invoicing.issuing import totals_of

    frozen = inv.status != "draft"
    totals = None if frozen else totals_of(inv)
    return {
        "id": str(inv.pk), "kind": inv.kind, "number": inv.number, "status": inv.status,
        "customer_id": str(inv.customer.pk), "issue_date": _iso(inv.issue_date),
        "service_date": _iso(inv.service_date), "service_date_end": _iso(inv.service_date_end),
        "due_date": _iso(inv.due_date), "payment_days": inv.payment_days, "notes": inv.notes,
        "lines": [{"description": ln.description, "quantity": ln.quantity, "unit": ln.unit,
                   "unit_price": ln.unit_price, "vat_rate": ln.vat_rate,
                   **({"exemption_reason": ln.exemption_reason}
                      if ln.exemption_reason else {})} for ln in inv.lines],
        "net_total": inv.net_total if frozen else totals.net,
        "vat_total": inv.vat_total if frozen else totals.vat,
        "gross_total": inv.gross_total if frozen else totals.gross,
        "paid_total": inv.paid_total or Decimal("0.00"),
        "payments": [dump_payment(inv, p) for p in inv.payments],
        "updated_at": inv.updated_at,
    }


def dump_payment(inv: Invoice, p) -> dict:
    return {"invoice_id": str(inv.pk), "invoice_number": inv.number, "key": p.key,
            "date": _iso(p.date), "amount": p.amount, "reference": p.reference}


@invoices.route("", methods=["GET"])
@scope("invoices:read")
@invoices.arguments(s.InvoiceListArgs, location="query", unknown=RAISE)
@invoices.response(200, s.InvoicePageSchema)
def list_invoices(args):
    """List invoices and credit notes (filter by status or customer)."""
    return filtered_page(Invoice, args, dump_invoice, status="status",
                         customer_id=("customer", ObjectId))


@invoices.route("/<invoice_id>", methods=["GET"])
@scope("invoices:read")
@invoices.response(200, s.InvoiceSchema)
def get_invoice(invoice_id):
    """Read one invoice with its lines, totals and payments."""
    return dump_invoice(get_or_404(Invoice, invoice_id))


@invoices.route("", methods=["POST"])
@scope("invoices:write")
@invoices.arguments(s.InvoiceInSchema)
@invoices.response(201, s.InvoiceSchema)
def create_invoice(data):
    """Create a draft invoice for a customer (issued separately)."""
    from models.invoice import InvoiceLine

    customer = Customer.objects(pk=ObjectId(data.pop("customer_id"))).first()
    if customer is None:
        abort(422, message="Den Kunden gibt es nicht.",
              messages={"json": {"customer_id": ["Unbekannter Kunde."]}})
    lines = [InvoiceLine(**line) for line in data.pop("lines")]
    inv = Invoice(customer=customer, lines=lines, created_by=actor(), **data)
    try:
        inv.save()
    except me.ValidationError as exc:
        _unprocessable(exc)
    audit("create", inv, changes=diff({}, snapshot(inv)))
    return dump_invoice(inv), 201, {
        "Location": url_for("Invoices.get_invoice", invoice_id=str(inv.pk))}


@invoices.route("/<invoice_id>/issue", methods=["POST"])
@scope("invoices:write")
@invoices.response(200, s.InvoiceSchema)
def issue_invoice(invoice_id):
    """Issue a draft: number, posting, PDF and XML (the same rules as in the panel)."""
    from services.invoicing.issuing import issue_invoice as issue

    inv = get_or_404(Invoice, invoice_id)
    if inv.kind != "invoice":
        abort(409, message=f"{inv} ist eine Gutschrift; sie entsteht beim Stornieren.")
    if inv.status != "draft":
        abort(409, message=f"{inv} ist bereits ausgestellt und unveränderlich.")
    try:
        done = issue(inv, actor())
    except BusinessRuleError as exc:
        abort(422, message=str(exc))
    audit("update", done, changes=[("status", "draft", done.status),
                                   ("number", None, done.number)])
    return dump_invoice(done)


def _document(invoice_id, field: str, mimetype: str, ext: str):
    from services.archive.store import read_file
    from views.archive import content_disposition

    inv = get_or_404(Invoice, invoice_id)
    file_id = getattr(inv, field)
    if not file_id:
        abort(404, message=f"{inv} ist noch nicht ausgestellt; es gibt noch kein Dokument.")
    response = Response(read_file(file_id), mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(f"{inv.number}.{ext}", False)
    return response


@invoices.route("/<invoice_id>/pdf", methods=["GET"])
@scope("invoices:read")
@invoices.response(200, {"type": "string", "format": "binary"},
                   content_type="application/pdf", description="The PDF/A-3 with XML")
def invoice_pdf(invoice_id):
    """Download the issued invoice's PDF (with the embedded e-invoice XML)."""
    return _document(invoice_id, "pdf_file", "application/pdf", "pdf")


@invoices.route("/<invoice_id>/xml", methods=["GET"])
@scope("invoices:read")
@invoices.response(200, {"type": "string"}, content_type="application/xml",
                   description="The EN 16931 CII XML")
def invoice_xml(invoice_id):
    """Download the issued invoice's EN 16931 XML."""
    return _document(invoice_id, "xml_file", "application/xml", "xml")


# ---------------------------------------------------------------- payments

@payments.route("", methods=["GET"])
@scope("payments:read")
@payments.arguments(s.PageArgs, location="query", unknown=RAISE)
@payments.response(200, s.PaymentPageSchema)
def list_payments(args):
    """List payments, grouped by invoice (the cursor pages over invoices with payments)."""
    result = page(Invoice.objects(payments__0__exists=True), args, lambda inv: inv)
    items = [dump_payment(inv, p) for inv in result["items"] for p in inv.payments]
    return {"items": items, "next_cursor": result["next_cursor"]}


# ---------------------------------------------------------------- tickets

def dump_ticket(t: Ticket) -> dict:
    return {"id": str(t.pk), "number": t.number, "title": t.title,
            "description": t.description, "priority": t.priority, "status": t.status,
            "created_at": t.created_at, "updated_at": t.updated_at,
            "comments": [{"author": c.author, "at": c.at, "text": c.text}
                         for c in t.comments if not c.internal]}


def _own_ticket(ticket_id) -> Ticket:
    from flask import g

    return get_or_404(Ticket, ticket_id, opened_via=g.api_token.name)


@tickets.route("", methods=["GET"])
@scope("tickets:read")
@tickets.arguments(s.PageArgs, location="query", unknown=RAISE)
@tickets.response(200, s.TicketPageSchema)
def list_tickets(args):
    """List the tickets this token opened."""
    from flask import g

    return page(Ticket.objects(opened_via=g.api_token.name), args, dump_ticket)


@tickets.route("/<ticket_id>", methods=["GET"])
@scope("tickets:read")
@tickets.response(200, s.TicketSchema)
def get_ticket(ticket_id):
    """Read one ticket this token opened (internal comments are not shown)."""
    return dump_ticket(_own_ticket(ticket_id))


@tickets.route("", methods=["POST"])
@scope("tickets:write")
@tickets.arguments(s.TicketInSchema)
@tickets.response(201, s.TicketSchema)
def create_ticket(data):
    """Open a ticket; its SLA due times come from its priority."""
    from flask import g

    from services.operations.tickets import apply_sla

    ticket = Ticket(opened_via=g.api_token.name, **data)
    try:
        apply_sla(ticket)
        ticket.save(force_insert=True)
    except BusinessRuleError as exc:
        abort(422, message=str(exc))
    except me.ValidationError as exc:
        _unprocessable(exc)
    audit("create", ticket)
    return dump_ticket(ticket), 201, {
        "Location": url_for("Tickets.get_ticket", ticket_id=str(ticket.pk))}


@tickets.route("/<ticket_id>/comments", methods=["POST"])
@scope("tickets:write")
@tickets.arguments(s.CommentInSchema)
@tickets.response(201, s.TicketSchema)
def comment_ticket(data, ticket_id):
    """Add a comment (visible to support) to a ticket this token opened."""
    from services.operations.tickets import add_comment

    ticket = _own_ticket(ticket_id)
    try:
        ticket = add_comment(ticket.pk, data["text"], actor(), internal=False)
    except BusinessRuleError as exc:
        abort(422, message=str(exc))
    audit("update", ticket, changes=[("comments", None, data["text"][:200])])
    return dump_ticket(ticket), 201


# ---------------------------------------------------------------- employees

def dump_employee(e: Employee) -> dict:
    return {"id": str(e.pk), **{k: getattr(e, k) for k in s.EmployeeSchema().fields
                                if k != "id"}}


@employees.route("", methods=["GET"])
@scope("employees:read")
@employees.arguments(s.PageArgs, location="query", unknown=RAISE)
@employees.response(200, s.EmployeePageSchema)
def list_employees(args):
    """List employees (master data only; no bank details, no pay)."""
    from services.privacy.restriction import NOT_RESTRICTED

    # restricted records (Art. 18) are kept for retention only, never handed out
    return page(Employee.objects(__raw__=NOT_RESTRICTED), args, dump_employee)


@employees.route("/<employee_id>", methods=["GET"])
@scope("employees:read")
@employees.response(200, s.EmployeeSchema)
def get_employee(employee_id):
    """Read one employee (no bank details, no pay)."""
    from services.privacy.restriction import NOT_RESTRICTED

    return dump_employee(get_or_404(Employee, employee_id, __raw__=NOT_RESTRICTED))

"""Marshmallow schemas of the API: the product's vocabulary, decimals as strings, ISO dates."""
from decimal import Decimal

import marshmallow as ma
from marshmallow import validate


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class DecimalString(ma.fields.Decimal):
    """A decimal written as a string ("12.50") both ways, never a JSON number (no float
    on the way); documented as a string (views.api.init_api registers the type)."""

    def __init__(self, places=None, **kw):
        super().__init__(places=places, as_string=True, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError('als Zeichenkette angeben, z. B. "12.50"')
        return super()._deserialize(value, attr, data, **kwargs)


def money(**kw):
    return DecimalString(places=2, **kw)


def decimal_in(places: int, minimum, maximum, signed: bool = False, **kw):
    """A decimal given as a string (or number) with at most `places` decimals, in a range."""
    low, high = Decimal(str(minimum)), Decimal(str(maximum))

    def in_range(value):
        if value.as_tuple().exponent < -places:
            raise ma.ValidationError(f"höchstens {places} Nachkommastellen")
        if not low <= value <= high:
            raise ma.ValidationError(f"muss zwischen {low} und {high} liegen")

    sign = "-?" if signed else ""
    return DecimalString(validate=in_range, metadata={
        "pattern": rf"^{sign}[0-9]{{1,9}}(\.[0-9]{{1,{places}}})?$",
        "description": f"decimal string, at most {places} decimals, {low} to {high}"}, **kw)


class ProblemFieldSchema(ma.Schema):
    field = ma.fields.String(required=True)
    detail = ma.fields.String(required=True)
    in_ = ma.fields.String(data_key="in")


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(ProblemFieldSchema))
    duplicate_of = ma.fields.String(metadata={
        "description": "409 of an upload: the id of the supplier invoice already captured"})


class PageArgs(StrictSchema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{24}$"),
                              metadata={"description": "next_cursor of the previous page"})
    updated_since = ma.fields.AwareDateTime(
        default_timezone=None,
        metadata={"description": "only objects changed at or after this time (ISO 8601)"})


class PageSchema(ma.Schema):
    next_cursor = ma.fields.String(allow_none=True, required=True)


# ---------------------------------------------------------------- customers

class CustomerSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    customer_no = ma.fields.String()
    name = ma.fields.String()
    street = ma.fields.String(allow_none=True)
    postal_code = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    country = ma.fields.String()
    vat_id = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime(default_timezone=None)
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class CustomerInSchema(StrictSchema):
    customer_no = ma.fields.String(required=True, validate=validate.Length(1, 20))
    name = ma.fields.String(required=True, validate=validate.Length(1, 120))
    street = ma.fields.String(validate=validate.Length(max=120))
    postal_code = ma.fields.String(validate=validate.Length(max=10))
    city = ma.fields.String(validate=validate.Length(max=80))
    country = ma.fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))
    vat_id = ma.fields.String(validate=validate.Length(max=20))
    email = ma.fields.Email()
    active = ma.fields.Boolean()


class CustomerPatchSchema(CustomerInSchema):
    customer_no = ma.fields.String(validate=validate.Length(1, 20))
    name = ma.fields.String(validate=validate.Length(1, 120))


class CustomerPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(CustomerSchema), required=True)


class CustomerListArgs(PageArgs):
    customer_no = ma.fields.String()


# ---------------------------------------------------------------- suppliers

class SupplierSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    supplier_no = ma.fields.String()
    name = ma.fields.String()
    street = ma.fields.String(allow_none=True)
    postal_code = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    vat_id = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    payment_terms_days = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class SupplierPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(SupplierSchema), required=True)


# ---------------------------------------------------------------- stock

class StockBinSchema(ma.Schema):
    location = ma.fields.String(allow_none=True)
    quantity = DecimalString()


class StockItemSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    sku = ma.fields.String()
    name = ma.fields.String()
    unit = ma.fields.String()
    quantity = DecimalString()
    reorder_point = DecimalString()
    location = ma.fields.String(allow_none=True)
    bins = ma.fields.List(ma.fields.Nested(StockBinSchema))
    active = ma.fields.Boolean()
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class StockItemPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(StockItemSchema), required=True)


class StockListArgs(PageArgs):
    sku = ma.fields.String()


class MovementInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(
        ("receipt", "issue", "adjustment")))
    quantity = decimal_in(3, -1_000_000, 1_000_000, signed=True, required=True)
    reason = ma.fields.String(required=True, validate=validate.Length(1, 200))
    reference = ma.fields.String(validate=validate.Length(max=80))
    location = ma.fields.String(validate=validate.Length(max=40))


class MovementSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    item_id = ma.fields.String()
    quantity = DecimalString()
    state = ma.fields.String()
    date = ma.fields.Date()
    quantity_on_hand = DecimalString()


# ---------------------------------------------------------------- invoices

class InvoiceLineSchema(StrictSchema):
    description = ma.fields.String(required=True, validate=validate.Length(1, 500))
    quantity = decimal_in(3, "0.001", 1_000_000, required=True)
    unit = ma.fields.String(load_default="Stk", validate=validate.Length(1, 20))
    unit_price = decimal_in(4, 0, 10_000_000, required=True)
    vat_rate = ma.fields.String(load_default="19", validate=validate.Length(1, 10))
    exemption_reason = ma.fields.String(validate=validate.Length(max=200))


class InvoiceInSchema(StrictSchema):
    customer_id = ma.fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{24}$"))
    service_date = ma.fields.Date()
    service_date_end = ma.fields.Date()
    issue_date = ma.fields.Date()
    payment_days = ma.fields.Integer(validate=validate.Range(0, 365))
    notes = ma.fields.String(validate=validate.Length(max=2000))
    lines = ma.fields.List(ma.fields.Nested(InvoiceLineSchema), required=True,
                           validate=validate.Length(1, 500))


class PaymentSchema(ma.Schema):
    invoice_id = ma.fields.String()
    invoice_number = ma.fields.String(allow_none=True)
    key = ma.fields.String()
    date = ma.fields.Date()
    amount = money()
    reference = ma.fields.String(allow_none=True)


class InvoiceSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    customer_id = ma.fields.String()
    issue_date = ma.fields.Date(allow_none=True)
    service_date = ma.fields.Date(allow_none=True)
    service_date_end = ma.fields.Date(allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    payment_days = ma.fields.Integer(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(InvoiceLineSchema))
    net_total = money(allow_none=True)
    vat_total = money(allow_none=True)
    gross_total = money(allow_none=True)
    paid_total = money(allow_none=True)
    payments = ma.fields.List(ma.fields.Nested(PaymentSchema))
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class InvoicePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(InvoiceSchema), required=True)


class InvoiceListArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf(
        ("draft", "issuing", "issued", "paid", "cancelled")))
    customer_id = ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{24}$"))


class PaymentPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(PaymentSchema), required=True)


# ---------------------------------------------------------------- tickets

class TicketInSchema(StrictSchema):
    title = ma.fields.String(required=True, validate=validate.Length(1, 200))
    description = ma.fields.String(validate=validate.Length(max=20000))
    priority = ma.fields.String(load_default="normal", validate=validate.OneOf(
        ("low", "normal", "high", "critical")))


class CommentInSchema(StrictSchema):
    text = ma.fields.String(required=True, validate=validate.Length(1, 5000))


class TicketCommentSchema(ma.Schema):
    author = ma.fields.String()
    at = ma.fields.AwareDateTime(default_timezone=None)
    text = ma.fields.String()


class TicketSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    priority = ma.fields.String()
    status = ma.fields.String()
    comments = ma.fields.List(ma.fields.Nested(TicketCommentSchema))
    created_at = ma.fields.AwareDateTime(default_timezone=None)
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class TicketPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(TicketSchema), required=True)


# ---------------------------------------------------------------- employees (hr scope)

class EmployeeSchema(ma.Schema):
    """Master data without bank details and without pay."""

    id = ma.fields.String()
    personnel_no = ma.fields.String()
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    position = ma.fields.String(allow_none=True)
    hire_date = ma.fields.Date(allow_none=True)
    exit_date = ma.fields.Date(allow_none=True)
    status = ma.fields.String()
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class EmployeePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(EmployeeSchema), required=True)


# ---------------------------------------------------------------- archive

class ArchiveUploadArgs(StrictSchema):
    category = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+$"))
    document_date = ma.fields.Date(required=True)
    description = ma.fields.String(validate=validate.Length(max=500))


class ArchiveDocumentSchema(ma.Schema):
    id = ma.fields.String()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    category = ma.fields.String()
    document_date = ma.fields.Date()
    description = ma.fields.String(allow_none=True)
    uploaded_at = ma.fields.AwareDateTime(default_timezone=None)


# ---------------------------------------------------------------- supplier invoices

class SupplierInvoiceFindingSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    severity = ma.fields.String(required=True, validate=validate.OneOf(["error", "warning"]))


class SupplierInvoiceSchema(ma.Schema):
    id = ma.fields.String(required=True)
    kind = ma.fields.String(metadata={"description": "invoice or credit_note"})
    status = ma.fields.String(metadata={
        "description": "draft, checked, approved, posted, rejected or cancelled"})
    source_format = ma.fields.String(metadata={
        "description": "cii (XRechnung/ZUGFeRD/Factur-X), ubl, zugferd1 or document (no XML)"})
    profile = ma.fields.String(allow_none=True)
    number = ma.fields.String(allow_none=True)
    issue_date = ma.fields.Date(allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    currency = ma.fields.String()
    supplier_id = ma.fields.String(allow_none=True)
    supplier_name = ma.fields.String(allow_none=True)
    net_total = money(allow_none=True)
    vat_total = money(allow_none=True)
    gross_total = money(allow_none=True)
    amount_due = money(allow_none=True)
    manual_lines_required = ma.fields.Boolean()
    findings = ma.fields.List(ma.fields.Nested(SupplierInvoiceFindingSchema))
    source_file_id = ma.fields.String(allow_none=True, metadata={
        "description": "the archived original (archive category invoice_in)"})
    source_filename = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
    approved_at = ma.fields.AwareDateTime(default_timezone=None, allow_none=True)
    created_at = ma.fields.AwareDateTime(default_timezone=None)
    updated_at = ma.fields.AwareDateTime(default_timezone=None)


class SupplierInvoicePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(SupplierInvoiceSchema), required=True)


class SupplierInvoiceListArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf(
        ["draft", "checked", "approved", "posted", "rejected", "cancelled"]))

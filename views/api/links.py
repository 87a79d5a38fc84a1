"""OpenAPI operation ids, and links from operations that create or list objects to those that
read or change them (clients and Schemathesis's stateful tests follow them)."""

BODY_ID = "$response.body#/id"
FIRST_ITEM = "$response.body#/items/0/id"

# (operation, status) -> {link name: (target operation, {parameter: runtime expression}[,
# request body fields taken from the response])}
LINKS = {
    ("create_customer", 201): {"GetCustomer": ("get_customer", {"customer_id": BODY_ID}),
                               "UpdateCustomer": ("update_customer", {"customer_id": BODY_ID}),
                               "CreateInvoiceForCustomer": ("create_invoice", {},
                                                            {"customer_id": BODY_ID})},
    ("list_customers", 200): {"GetFirstCustomer": ("get_customer", {"customer_id": FIRST_ITEM})},
    ("list_suppliers", 200): {"GetFirstSupplier": ("get_supplier", {"supplier_id": FIRST_ITEM})},
    ("list_stock_items", 200): {
        "GetFirstStockItem": ("get_stock_item", {"item_id": FIRST_ITEM}),
        "PostMovementOfFirst": ("post_stock_movement", {"item_id": FIRST_ITEM})},
    ("post_stock_movement", 201): {
        "GetStockItem": ("get_stock_item", {"item_id": "$response.body#/item_id"})},
    ("create_invoice", 201): {"GetInvoice": ("get_invoice", {"invoice_id": BODY_ID}),
                              "IssueInvoice": ("issue_invoice", {"invoice_id": BODY_ID})},
    ("issue_invoice", 200): {"GetInvoicePdf": ("invoice_pdf", {"invoice_id": BODY_ID}),
                             "GetInvoiceXml": ("invoice_xml", {"invoice_id": BODY_ID}),
                             "GetIssuedInvoice": ("get_invoice", {"invoice_id": BODY_ID})},
    ("list_invoices", 200): {"GetFirstInvoice": ("get_invoice", {"invoice_id": FIRST_ITEM})},
    ("create_ticket", 201): {"GetTicket": ("get_ticket", {"ticket_id": BODY_ID}),
                             "CommentTicket": ("comment_ticket", {"ticket_id": BODY_ID})},
    ("comment_ticket", 201): {"GetCommentedTicket": ("get_ticket", {"ticket_id": BODY_ID})},
    ("list_employees", 200): {"GetFirstEmployee": ("get_employee", {"employee_id": FIRST_ITEM})},
    ("upload_document", 201): {"GetDocument": ("get_document", {"document_id": BODY_ID})},
    ("upload_supplier_invoice", 201): {
        "GetSupplierInvoice": ("get_supplier_invoice", {"supplier_invoice_id": BODY_ID})},
    ("list_supplier_invoices", 200): {
        "GetFirstSupplierInvoice": ("get_supplier_invoice", {"supplier_invoice_id": FIRST_ITEM})},
}


def document_operations(blp) -> None:
    """Name each operation of the blueprint after its view and attach its links."""
    for endpoint, doc in blp._docs.items():
        for method, method_doc in doc.items():
            if method == "parameters":  # the route's own parameters, not an operation
                continue
            manual = method_doc.setdefault("manual_doc", {})
            manual.setdefault("operationId", endpoint)
            for (source, status), links in LINKS.items():
                if source != endpoint:
                    continue
                response = manual.setdefault("responses", {}).setdefault(status, {})
                response["links"] = {name: _link(*link) for name, link in links.items()}


def _link(target: str, parameters: dict, body: dict | None = None) -> dict:
    return {"operationId": target, "parameters": parameters,
            **({"requestBody": body} if body else {})}

"""Create the supplier an invoice proposes (unknown sender) from the invoice's data."""
import mongoengine as me

from models.supplier import Supplier
from models.supplier_invoice import SupplierInvoice
from services.core.messages import N_, RuleError
from services.payables.history import audit, step

FIELDS = ("name", "street", "postal_code", "city", "country", "vat_id", "tax_number",
          "contact_name", "email", "phone")


def create_supplier_from_invoice(inv: SupplierInvoice, user: str) -> Supplier:
    """Create the proposed supplier (number `L-<n>`) and link the invoice to it."""
    if inv.supplier is not None:
        raise RuleError(N_("Die Rechnung ist bereits dem Lieferanten %(name)s zugeordnet"),
                        name=inv.supplier.name)
    data = {k: v for k, v in (inv.supplier_data or {}).items() if k in FIELDS and v}
    if not data.get("name"):
        raise RuleError(N_("Die Rechnung nennt keinen Lieferantennamen; bitte von Hand anlegen"))
    supplier = Supplier(supplier_no=f"L-{Supplier.objects.count() + 1:05d}", iban=inv.iban, **data)
    try:
        supplier.save()
    except me.ValidationError as exc:
        raise RuleError(N_("Lieferant kann nicht angelegt werden: %(error)s"), error=str(exc)) from None
    except me.NotUniqueError:
        supplier.supplier_no = f"L-{Supplier.objects.count() + 2:05d}"
        supplier.save()
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "frozen": False, "supplier": None},
        {"$set": {"supplier": supplier.pk, "supplier_proposed": False},
         "$push": {"history": step(user, "supplier_created", supplier.supplier_no)}})
    audit(inv, user, "update", {"supplier": (None, supplier.supplier_no)})
    return supplier

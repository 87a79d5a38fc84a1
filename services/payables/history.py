"""The steps of a supplier invoice: its own history and the audit log."""
from models.audit import AuditEntry, FieldChange
from models.supplier_invoice import HistoryStep, SupplierInvoice


def audit(doc: SupplierInvoice, user: str, action: str, changes: dict) -> None:
    """Write one audit-log entry for the invoice; `changes` maps field -> (old, new)."""
    AuditEntry(user=user, action=action, collection="supplier_invoices", document_id=str(doc.pk),
               label=str(doc)[:200],
               changes=[FieldChange(field=name, old=None if old is None else str(old),
                                    new=None if new is None else str(new))
                        for name, (old, new) in changes.items()]).save()


def step(user: str, action: str, note: str | None = None) -> dict:
    """A history step as stored (for $push through the raw collection)."""
    return HistoryStep(user=user, action=action, note=note).to_mongo().to_dict()

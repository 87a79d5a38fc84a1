"""mongoengine documents, one module per collection, and the database connection."""
import mongoengine as me

from models import compat

from models.archive import ArchivedFile, DocumentCategory
from models.audit import AuditEntry
from models.company import Company
from models.counter import Counter, CounterOwner, CounterSlot
from models.customer import Customer
from models.invoice import Invoice, VatRate
from models.employee import Employee
from models.ledger import Account, JournalEntry
from models.posting import ChainSlot, FiscalYear, PostingKey
from models.stock import StockItem
from models.supplier import Supplier
from models.ticket import Ticket
from models.user import User

ALL_DOCUMENTS = (User, AuditEntry, Counter, Account, JournalEntry, Employee, Supplier,
                 StockItem, Ticket, DocumentCategory, ArchivedFile,
                 FiscalYear, ChainSlot, PostingKey, CounterSlot, CounterOwner, Company,
                 Customer, Invoice, VatRate)


def connect_db(uri: str, db_name: str) -> None:
    """(Re)connect mongoengine's default alias to the given server and database."""
    compat.install()
    me.disconnect_all()
    me.connect(host=uri, db=db_name, uuidRepresentation="standard", tz_aware=True,
               serverSelectionTimeoutMS=5000)
    ensure_indexes()


def ensure_indexes() -> None:
    """Create the declared indexes of every collection (idempotent)."""
    for document in ALL_DOCUMENTS:
        document.ensure_indexes()

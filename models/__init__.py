"""mongoengine documents, one module per collection, and the database connection."""
import mongoengine as me

from models import compat

from models.archive import (ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory,
                            PurgeBatch, RetentionRule)
from models.audit import AuditEntry
from models.counter import Counter
from models.employee import Employee
from models.jobs import JobLease, JobRun
from models.ledger import Account, JournalEntry
from models.stock import StockItem
from models.supplier import Supplier
from models.ticket import Ticket
from models.user import User

ALL_DOCUMENTS = (User, AuditEntry, Counter, Account, JournalEntry, Employee, Supplier,
                 StockItem, Ticket, DocumentCategory, ArchivedFile,
                 RetentionRule, ArchiveContent, DeletionLogEntry, PurgeBatch, JobRun,
                 JobLease)


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

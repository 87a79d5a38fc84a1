"""mongoengine documents, one module per collection, and the database connection."""
import mongoengine as me

from models import compat

from models.absence import Absence, AbsenceType, LeavePolicy
from models.self_service import ChangeRequest, Invitation
from models.recruiting import Applicant, JobOpening
from models.checklist import ChecklistTask, ChecklistTemplate
from models.training import Instruction, Review, ReviewCycle, Training
from models.pay_input import PayInput
from models.personnel_file import PersonnelDocument
from models.api import (ApiEvent, ApiToken, IdempotencyRecord, RateCounter, WebhookDelivery,
                        WebhookSubscription)
from models.archive import (ArchiveContent, ArchivedFile, DeletionLogEntry, DocumentCategory,
                            PurgeBatch, RetentionRule)
from models.audit import AuditEntry
from models.backup import BackupRun
from models.bank_account import BankAccount
from models.bank_csv_mapping import BankCsvMapping
from models.bank_rule import BankRule
from models.bank_statement import BankCounterparty, BankStatement, BankTransaction
from models.balance import BalanceHead, PeriodBalance
from models.company import Company
from models.cost_center import CostCenter
from models.counter import Counter, CounterOwner, CounterSlot
from models.customer import Customer
from models.datev_export import DatevExport
from models.fixed_asset import AssetClass, FixedAsset
from models.budget import Budget
from models.invoice import Invoice, VatRate
from models.employee import Employee
from models.health_fund import HealthFund
from models.jobs import JobLease, JobRun
from models.import_run import ImportRun
from models.ledger import Account, JournalEntry
from models.login_attempt import LoginThrottle
from models.mail import OutgoingMail
from models.dunning import BaseRate, DunningBlock, DunningLevel, DunningRun
from models.payment_run import PaymentClaim, PaymentPayee, PaymentRun
from models.payroll import PayrollLock, PayrollParameters, PayrollRun, Payslip
from models.privacy import DataBreach, ProcessingActivity
from models.privacy_log import ErasureLogEntry
from models.posting import ChainSlot, FiscalYear, PostingKey
from models.stock import StockItem
from models.stock_summary import StockSummary
from models.purchase_order import PurchaseOrder, PurchaseReceipt
from models.sla import SlaPolicy
from models.sequence import StockLedgerEntry
from models.stock_movement import StockMovement
from models.supplier import Supplier
from models.supplier_invoice import ApprovalRule, SupplierInvoice
from models.exchange_rate import ExchangeRate
from models.sepa_mandate import SepaMandate
from models.direct_debit import DirectDebitRun
from models.ticket import Ticket, TicketEvent
from models.user import User
from models.it_asset import Asset, AssetHandover, Licence
from models.contract import Contract
from models.compliance import CalendarFeed, ComplianceDone, ComplianceSettings

ALL_DOCUMENTS = (
    User, AuditEntry, Counter, CounterSlot, CounterOwner, LoginThrottle,
    Account, JournalEntry, FiscalYear, ChainSlot, PostingKey,
    Employee,
    Supplier, StockItem, StockMovement, StockLedgerEntry,
    PurchaseOrder, PurchaseReceipt,
    Ticket, SlaPolicy, TicketEvent,
    DocumentCategory, ArchivedFile, RetentionRule, ArchiveContent, DeletionLogEntry, PurgeBatch,
    JobRun, JobLease,
)
ALL_DOCUMENTS += (ImportRun,)
ALL_DOCUMENTS += (PayrollParameters, PayrollRun, Payslip, PayrollLock)
ALL_DOCUMENTS += (Company, Customer, Invoice, VatRate)
ALL_DOCUMENTS += (HealthFund,)
ALL_DOCUMENTS += (BackupRun, ProcessingActivity, DataBreach, ErasureLogEntry)
ALL_DOCUMENTS += (BankAccount, BankStatement, BankTransaction, BankRule, BankCsvMapping,
                  BankCounterparty)
ALL_DOCUMENTS += (AbsenceType, LeavePolicy, Absence, ChangeRequest, Invitation,
                  JobOpening, Applicant, ChecklistTemplate, ChecklistTask,
                  Training, Instruction, Review, ReviewCycle, PersonnelDocument)
ALL_DOCUMENTS += (PaymentRun, PaymentClaim, PaymentPayee)
ALL_DOCUMENTS += (DunningLevel, BaseRate, DunningBlock, DunningRun)
ALL_DOCUMENTS += (PeriodBalance, BalanceHead, CostCenter)
ALL_DOCUMENTS += (DatevExport, AssetClass, FixedAsset, Budget)
ALL_DOCUMENTS += (Asset, AssetHandover, Licence, Contract, ComplianceSettings, ComplianceDone,
                 CalendarFeed)
ALL_DOCUMENTS += (ApiToken, IdempotencyRecord, RateCounter, ApiEvent, WebhookSubscription,
                  WebhookDelivery)
ALL_DOCUMENTS += (OutgoingMail,)
ALL_DOCUMENTS += (SupplierInvoice, ApprovalRule)
ALL_DOCUMENTS += (ExchangeRate,)
ALL_DOCUMENTS += (SepaMandate, DirectDebitRun)
ALL_DOCUMENTS += (PayInput,)
ALL_DOCUMENTS += (StockSummary,)


def connect_db(uri: str, db_name: str, timeout_ms: int = 5000) -> None:
    """(Re)connect mongoengine's default alias; lazy, so the app starts with the database down."""
    compat.install()
    me.disconnect_all()
    # Every write waits for a majority of a replica set and its journal: the books and
    # payroll must not lose an acknowledged write in a fail-over.
    me.connect(host=uri, db=db_name, uuidRepresentation="standard", tz_aware=True,
               serverSelectionTimeoutMS=timeout_ms, w="majority", journal=True,
               readConcernLevel="majority")


def ensure_indexes() -> None:
    """Create the declared indexes of every collection (idempotent)."""
    for document in ALL_DOCUMENTS:
        document.ensure_indexes()

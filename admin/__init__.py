"""Flask-Admin: one Admin per app, built in init_admin (never at import time)."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from admin.absences import AbsenceTypeView, AbsenceView, LeavePolicyView
from admin.recruiting import ApplicantView, JobOpeningView
from admin.api import ApiTokenView, WebhookDeliveryView, WebhookSubscriptionView
from admin.banking import (BankAccountView, BankCsvMappingView, BankRuleView,
                           BankStatementView, BankTransactionView)
from admin.archive import ArchivedFileView, DeletionLogView, RetentionRuleView
from admin.backup import BackupRunView
from admin.payment_runs import (BaseRateView, DunningBlockView, DunningLevelView, PaymentPayeeView,
                                SepaMandateView, direct_debit_menu_link, dunning_menu_link,
                                sepa_menu_link)
from admin.base import HomeView
from views.errors import csp_nonce
from admin.budgets import BudgetView
from admin.fixed_assets import AssetClassView, FixedAssetView
from admin.holds import LegalHoldView
from admin.hr import (ChecklistTaskView, ChecklistTemplateView, EmployeeView, InstructionView,
                      PayInputView, ReviewView, TrainingView)
from admin.jobs import JobRunView, JobsView
from admin.imports import ImportMenuLink, ImportRunView
from admin.payables import ApprovalRuleView, ExchangeRateView, payables_menu_link
from admin.payroll import HealthFundView, PayrollParametersView, payroll_menu_link
from admin.invoicing import CompanyView, CustomerView, InvoiceView
from admin.ledger import AccountView, CostCenterView, JournalEntryView, add_ledger_links
from admin.privacy import (DataBreachView, ProcessingActivityView, erasure_menu_link,
                           subject_access_menu_link)
from admin.procurement import StockItemView, SupplierView
from admin.labels import menu_label
from admin.operations import OPERATIONS_PAGES, OPERATIONS_VIEWS
from admin.support import TicketView
from admin.it import AssetView, ItOpsView, LicenceView
from admin.compliance import ComplianceCalendarView, ComplianceSettingsView
from admin.contracts import ContractBudgetView, ContractView
from models.it_asset import Asset, Licence
from models.contract import Contract
from models.compliance import ComplianceSettings
from admin.system import AuditLogView, UserView
from models import (Account, ArchivedFile, AuditEntry, DeletionLogEntry, Employee, JobRun,
                    JournalEntry, RetentionRule, StockItem, Supplier, Ticket, User)
from models.import_run import ImportRun
from models.health_fund import HealthFund
from models.payroll import PayrollParameters
from models import Company, Customer, Invoice
from models.absence import Absence, AbsenceType, LeavePolicy
from models.recruiting import Applicant, JobOpening
from models.checklist import ChecklistTask, ChecklistTemplate
from models.training import Instruction, Review, Training
from models.pay_input import PayInput
from models import Company, CostCenter, Customer, Invoice
from models.api import ApiToken, WebhookDelivery, WebhookSubscription
from models.mail import OutgoingMail
from admin.mail import OutgoingMailView
from models.backup import BackupRun
from models.privacy import DataBreach, ProcessingActivity
from models.bank_account import BankAccount
from models.bank_csv_mapping import BankCsvMapping
from models.bank_rule import BankRule
from models.bank_statement import BankStatement, BankTransaction
from models.supplier_invoice import ApprovalRule
from models.exchange_rate import ExchangeRate
from models.dunning import BaseRate, DunningBlock, DunningLevel
from models.payment_run import PaymentPayee
from models.sepa_mandate import SepaMandate
from models.budget import Budget
from models.fixed_asset import AssetClass, FixedAsset

# (view class, document, label, menu category, endpoint)
VIEWS = (
    (AccountView, Account, "Chart of accounts", "Finance", "accounts"),
    (JournalEntryView, JournalEntry, "Journal entries", "Finance", "journal"),
    (CostCenterView, CostCenter, "Cost centres", "Finance", "cost_centers"),
    (InvoiceView, Invoice, "Invoices", "Finance", "invoice"),
    (CustomerView, Customer, "Customers", "Finance", "customers"),
    (CompanyView, Company, "Company", "Finance", "company"),
    (PaymentPayeeView, PaymentPayee, "Payment payees", "Finance", "payment_payees"),
    (DunningLevelView, DunningLevel, "Dunning levels", "Finance", "dunning_levels"),
    (BaseRateView, BaseRate, "Base rate", "Finance", "base_rates"),
    (DunningBlockView, DunningBlock, "Dunning blocks", "Finance", "dunning_blocks"),
    (SepaMandateView, SepaMandate, "Direct-debit mandates", "Finance", "sepa_mandates"),
    (EmployeeView, Employee, "Employees", "HR", "employees"),
    (PayrollParametersView, PayrollParameters, "Payroll parameters", "HR",
     "payroll_parameters"),
    (HealthFundView, HealthFund, "Health funds", "HR", "health_funds"),
    (SupplierView, Supplier, "Suppliers", "Procurement", "suppliers"),
    (StockItemView, StockItem, "Stock items", "Procurement", "stock"),
    (TicketView, Ticket, "Tickets", "Support", "tickets"),
    (ArchivedFileView, ArchivedFile, "Archived files", "Archive", "archive_files"),
    (RetentionRuleView, RetentionRule, "Retention rules", "Archive", "retention_rules"),
    (DeletionLogView, DeletionLogEntry, "Deletion log", "Archive", "deletion_log"),
    (JobRunView, JobRun, "Job runs", "System", "job_runs"),
    (UserView, User, "Users", "System", "users"),
    (AuditLogView, AuditEntry, "Audit log", "System", "audit"),
) + OPERATIONS_VIEWS

# (page class, label, menu category, endpoint, url)
IT_PAGES = (
    (ItOpsView, "IT actions", None, "it_ops", "/admin/it-ops"),
    (ContractBudgetView, "Contract costs", "Contracts", "contract_budget", "/admin/contract-budget"),
    (ComplianceCalendarView, "Compliance calendar", "Contracts", "compliance",
     "/admin/compliance"),
)

# Admin pages that are not CRUD: (view class, label, menu category, endpoint)
PAGES = (
    (LegalHoldView, "Legal holds", "Archive", "legal_holds"),
    (JobsView, "Jobs", "System", "jobs"),
)
VIEWS += ((BankAccountView, BankAccount, "Bank accounts", "Bank", "bank_accounts"),
          (BankStatementView, BankStatement, "Bank statements", "Bank", "bank_statements"),
          (BankTransactionView, BankTransaction, "Bank transactions", "Bank",
           "bank_transactions"),
          (BankRuleView, BankRule, "Booking rules", "Bank", "bank_rules"),
          (BankCsvMappingView, BankCsvMapping, "Bank CSV mappings", "Bank", "bank_csv_mappings"))
VIEWS += ((AbsenceView, Absence, "Absences", "HR", "absences"),
          (AbsenceTypeView, AbsenceType, "Absence types", "HR", "absence_types"),
          (LeavePolicyView, LeavePolicy, "Leave policy", "HR", "leave_policy"),
          (JobOpeningView, JobOpening, "Job openings", "HR", "job_openings"),
          (ApplicantView, Applicant, "Applicants", "HR", "applicants"),
          (ChecklistTemplateView, ChecklistTemplate, "Checklist templates", "HR",
           "checklist_templates"),
          (ChecklistTaskView, ChecklistTask, "Checklist tasks", "HR", "checklist_tasks"),
          (TrainingView, Training, "Trainings", "HR", "trainings"),
          (PayInputView, PayInput, "Pay inputs", "HR", "pay_inputs"),
          (InstructionView, Instruction, "Mandatory instructions", "HR", "instructions"),
          (ReviewView, Review, "Performance reviews", "HR", "reviews"))
VIEWS += ((AssetView, Asset, "Hardware", "IT", "assets"),
          (LicenceView, Licence, "Licences", "IT", "licences"),
          (ContractView, Contract, "Contracts", "Contracts", "contracts"),
          (ComplianceSettingsView, ComplianceSettings, "Filing settings", "Contracts",
           "compliance_settings"))
VIEWS += ((ImportRunView, ImportRun, "CSV imports", "Import", "import_runs"),)
VIEWS += ((ApprovalRuleView, ApprovalRule, "Approval rules", "Finance", "approval_rules"),)
VIEWS += ((ExchangeRateView, ExchangeRate, "Exchange rates", "Finance", "exchange_rates"),)
VIEWS += ((FixedAssetView, FixedAsset, "Fixed assets", "Finance", "fixed_assets"),
          (AssetClassView, AssetClass, "Asset classes", "Finance", "asset_classes"),
          (BudgetView, Budget, "Budgets", "Finance", "budgets_admin"))
VIEWS += ((ApiTokenView, ApiToken, "API tokens", "System", "api_tokens"),
          (WebhookSubscriptionView, WebhookSubscription, "Webhooks", "System", "webhooks"),
          (WebhookDeliveryView, WebhookDelivery, "Webhook deliveries", "System",
           "webhook_deliveries"))
VIEWS += ((OutgoingMailView, OutgoingMail, "Sent mail", "System", "outgoing_mail"),)
VIEWS += ((BackupRunView, BackupRun, "Backups", "System", "backup_runs"),
          (ProcessingActivityView, ProcessingActivity, "Processing activities",
           "Data protection", "processing_activities"),
          (DataBreachView, DataBreach, "Data breaches", "Data protection", "data_breaches"))


def init_admin(app) -> Admin:
    """Create the admin panel with every CRUD view and attach it to the app."""
    from admin.labels import (category_label, code_label, field_label, job_description,
                              job_title, schedule_label)

    # the labels of codes and jobs, for the panel's templates (admin.labels imports views.i18n)
    app.jinja_env.globals.update(code_label=code_label, job_title=job_title,
                                 job_description=job_description, schedule_label=schedule_label,
                                 category_label=category_label, field_label=field_label)
    admin = Admin(
        app, name="Backoffice", url="/admin",
        index_view=HomeView(name=menu_label("Home"), url="/admin"),
        csp_nonce_generator=csp_nonce,
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/backoffice_base.html"),
    )
    for view, document, label, category, endpoint in VIEWS:
        admin.add_view(view(document, name=menu_label(label), category=menu_label(category),
                            endpoint=endpoint))
    for view, label, category, endpoint in PAGES:
        admin.add_view(view(name=menu_label(label), category=menu_label(category),
                            endpoint=endpoint))
    for page, label, category, endpoint, url in IT_PAGES + OPERATIONS_PAGES:
        admin.add_view(page(name=menu_label(label), category=menu_label(category),
                            endpoint=endpoint, url=url))
    admin.add_link(ImportMenuLink(name=menu_label("CSV import"), url="/import/",
                                  category=menu_label("Import")))
    admin.add_link(payroll_menu_link())
    admin.add_link(subject_access_menu_link())
    admin.add_link(erasure_menu_link())
    admin.add_link(payables_menu_link())
    from admin.hr import absence_menu_links
    for link in absence_menu_links():
        admin.add_link(link)
    add_ledger_links(admin)
    from admin.banking import bank_menu_link

    admin.add_link(bank_menu_link())
    admin.add_link(sepa_menu_link(menu_label("Finance")))
    admin.add_link(dunning_menu_link(menu_label("Finance")))
    admin.add_link(direct_debit_menu_link(menu_label("Finance")))
    return admin

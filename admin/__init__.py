"""Flask-Admin: one Admin per app, built in init_admin (never at import time)."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from admin.archive import ArchivedFileView
from admin.base import HomeView
from admin.hr import EmployeeView
from admin.invoicing import CompanyView, CustomerView, InvoiceView
from admin.ledger import AccountView, JournalEntryView, add_ledger_links
from admin.procurement import StockItemView, SupplierView
from admin.support import TicketView
from admin.system import AuditLogView, UserView
from models import (Account, ArchivedFile, AuditEntry, Employee, JournalEntry, StockItem,
                    Supplier, Ticket, User)
from models import Company, Customer, Invoice

# (view class, document, label, menu category, endpoint)
VIEWS = (
    (AccountView, Account, "Chart of accounts", "Finance", "accounts"),
    (JournalEntryView, JournalEntry, "Journal entries", "Finance", "journal"),
    (InvoiceView, Invoice, "Invoices", "Finance", "invoice"),
    (CustomerView, Customer, "Customers", "Finance", "customers"),
    (CompanyView, Company, "Company", "Finance", "company"),
    (EmployeeView, Employee, "Employees", "HR", "employees"),
    (SupplierView, Supplier, "Suppliers", "Procurement", "suppliers"),
    (StockItemView, StockItem, "Stock items", "Procurement", "stock"),
    (TicketView, Ticket, "Tickets", "Support", "tickets"),
    (ArchivedFileView, ArchivedFile, "Archived files", "Archive", "archive_files"),
    (UserView, User, "Users", "System", "users"),
    (AuditLogView, AuditEntry, "Audit log", "System", "audit"),
)


def init_admin(app) -> Admin:
    """Create the admin panel with every CRUD view and attach it to the app."""
    admin = Admin(
        app, name="Backoffice", url="/admin",
        index_view=HomeView(name="Home", url="/admin"),
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/backoffice_base.html"),
    )
    for view, document, label, category, endpoint in VIEWS:
        admin.add_view(view(document, name=label, category=category, endpoint=endpoint))
    add_ledger_links(admin)
    return admin

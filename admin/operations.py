"""Issue 7's admin screens, registered by admin.init_admin."""
from admin.purchasing import PurchaseOpsView, PurchaseOrderView
from admin.stock_ops import StockMovementView, StockOpsView
from admin.support import MyTicketView, SlaPolicyView, TicketOpsView
from models.purchase_order import PurchaseOrder
from models.sla import SlaPolicy
from models.stock_movement import StockMovement
from models.ticket import Ticket

# (view class, document, label, menu category, endpoint) — as admin.VIEWS
OPERATIONS_VIEWS = (
    (StockMovementView, StockMovement, "Stock movements", "Procurement", "stock_movements"),
    (PurchaseOrderView, PurchaseOrder, "Purchase orders", "Procurement", "purchase_orders"),
    (MyTicketView, Ticket, "My tickets", "Support", "my_tickets"),
    (SlaPolicyView, SlaPolicy, "SLA targets", "Support", "sla_policies"),
)
# (page class, label, menu category, endpoint, url) — screens that are not CRUD
OPERATIONS_PAGES = (
    (StockOpsView, "Warehouse", "Procurement", "stock_ops", "/admin/stock-ops"),
    (PurchaseOpsView, "Order actions", None, "purchase_ops", "/admin/purchase-ops"),
    (TicketOpsView, "Ticket actions", None, "ticket_ops", "/admin/ticket-ops"),
)

"""The record of bulk CSV imports: read-only, each role sees the collections it imports."""
from flask_admin.menu import MenuLink
from flask_login import current_user

from admin.base import SecuredModelView
from services.imports.csv_import import SPECS

# Auditors read every area but HR (see EXPECTED_READERS in tests/admin/test_access.py).
AUDITOR_COLLECTIONS = ("suppliers", "stock_items", "tickets", "journal_entries", "it_assets")


def visible_collections(user) -> tuple[str, ...]:
    """Return the collections whose import runs a user may see."""
    if user.has_role("admin"):
        return tuple(SPECS)
    mine = {name for name, spec in SPECS.items() if user.has_role(*spec.write_roles)}
    if user.has_role("auditor"):
        mine.update(AUDITOR_COLLECTIONS)
    return tuple(sorted(mine))


class ImportRunView(SecuredModelView):
    read_roles = tuple(sorted({"admin", "auditor"} | {r for s in SPECS.values() for r in s.write_roles}))
    write_roles = ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("started_at", "user", "collection", "filename", "mode", "dry_run", "status",
                   "inserted", "updated", "unchanged", "rejected")
    column_searchable_list = ("filename", "user", "sha256")
    column_filters = ("collection", "status", "mode", "user", "started_at")
    column_default_sort = ("started_at", True)
    column_details_list = ("started_at", "finished_at", "user", "collection", "filename", "size",
                           "sha256", "mode", "dry_run", "skip_invalid", "status", "phase",
                           "encoding", "delimiter", "rows_total", "rows_done", "inserted",
                           "updated", "unchanged", "rejected", "error_count", "errors",
                           "message", "resumed_run", "host", "pid")

    def get_query(self):
        """Show only the runs of collections the user may import or audit."""
        return super().get_query().filter(collection__in=list(visible_collections(current_user)))


class ImportMenuLink(MenuLink):
    """The menu entry of the import wizard, shown to roles that may import something."""

    def is_accessible(self):
        return current_user.is_authenticated and any(
            current_user.has_role(*spec.write_roles) for spec in SPECS.values())

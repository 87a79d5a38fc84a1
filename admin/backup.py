"""Backup runs (admin): when each backup ran, where it went, and whether it succeeded."""
from admin.base import SecuredModelView


class BackupRunView(SecuredModelView):
    read_roles = ("admin",)
    write_roles = ()
    allow_create = allow_edit = allow_delete = False
    column_list = ("started_at", "status", "path", "size", "collections", "documents",
                   "method", "encrypted", "requested_by")
    column_filters = ("status", "started_at")
    column_default_sort = ("started_at", True)
    column_details_list = ("started_at", "finished_at", "status", "path", "size", "sha256",
                           "collections", "documents", "method", "encrypted", "requested_by",
                           "error")

"""Base for non-CRUD admin screens: the same role rules as SecuredModelView."""
from flask import abort, request
from flask_admin import BaseView
from flask_login import current_user

from admin.base import deny_or_login


class SecuredBaseView(BaseView):
    """A screen readable by `read_roles`; POSTs need one of `write_roles`."""

    read_roles: tuple[str, ...] = ("admin",)
    write_roles: tuple[str, ...] = ("admin",)

    def may_read(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.read_roles)

    def may_write(self) -> bool:
        return current_user.is_authenticated and current_user.has_role(*self.write_roles)

    def is_accessible(self):
        return self.may_read()

    def inaccessible_callback(self, name, **kwargs):
        return deny_or_login()

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method == "POST" and not self.may_write():
            abort(403)
        return None

"""Legal holds (admin): set or lift a hold on a file or a whole category, with a reason."""
from flask import flash, redirect, request, url_for

from flask_admin import expose

from admin.base import current_user_label
from admin.jobs import AdminOnlyView
from models.archive import ArchivedFile, DocumentCategory
from services.archive import holds as legal_hold
from services.core.errors import BusinessRuleError
from views.i18n import _

ACTIONS = {("file", "set"): legal_hold.set_file_hold,
           ("file", "lift"): legal_hold.lift_file_hold,
           ("category", "set"): legal_hold.set_category_hold,
           ("category", "lift"): legal_hold.lift_category_hold}


class LegalHoldView(AdminOnlyView):
    @expose("/")
    def index(self):
        return self.render(
            "admin/legal_holds.html", categories=DocumentCategory.objects.order_by("name"),
            held_files=ArchivedFile.objects(hold_reason__nin=[None, ""]).limit(500),
            file_id=request.args.get("file", ""))

    @expose("/change", methods=("POST",))
    def change(self):
        form = request.form
        action = ACTIONS.get((form.get("target"), form.get("action")))
        if action is None:
            flash(_("Unbekannte Aktion."), "error")
            return redirect(url_for(".index"))
        try:
            action(form.get("key", "").strip(), form.get("reason", ""), current_user_label())
        except BusinessRuleError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Sperrvermerk gesetzt.") if form["action"] == "set" else
                  _("Sperrvermerk aufgehoben."), "success")
        return redirect(url_for(".index"))

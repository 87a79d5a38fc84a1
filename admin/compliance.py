"""The compliance calendar screen (with iCal export and done marks) and the filing settings."""
from datetime import timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin.base import SecuredModelView, current_user_label
from admin.secured import SecuredBaseView
from services.compliance.calendar import berlin_today, calendar_for, mark_done
from services.compliance.ical import to_ical
from views.i18n import _, gettext

SETTINGS_READ = ("admin", "finance", "auditor")
SETTINGS_WRITE = ("admin", "finance")
CALENDAR_READ = ("admin", "finance", "hr", "support", "auditor")
CALENDAR_WRITE = ("admin", "finance", "hr", "support")


class ComplianceSettingsView(SecuredModelView):
    read_roles, write_roles = SETTINGS_READ, SETTINGS_WRITE
    allow_delete = False
    column_list = ("vat_return_interval", "permanent_extension", "wage_tax_interval",
                   "ec_sales_list_interval", "holiday_subdivision", "annual_statements")
    form_columns = column_list


def _range():
    today = berlin_today()
    try:
        days = int(request.args.get("days", 120))
    except ValueError:
        abort(400)
    return today - timedelta(days=31), today + timedelta(days=max(1, min(days, 800)))


class ComplianceCalendarView(SecuredBaseView):
    """The user's deadlines (auditors see all), overdue first; iCal export; mark as done."""

    read_roles, write_roles = CALENDAR_READ, CALENDAR_WRITE

    def _items(self, start, end):
        return calendar_for(current_user, start, end)

    @expose("/")
    def index(self, feed_url=None):
        from services.compliance.feed import active_feed

        start, end = _range()
        today = berlin_today()
        items = self._items(start, end)
        return self.render("admin/compliance_calendar.html", items=items, today=today,
                           may_write=self.may_write(), feed=active_feed(current_user),
                           feed_url=feed_url)

    @expose("/feed", methods=("POST",))
    def feed_create(self):
        """A new secret feed URL, shown once on this page (the previous one stops working)."""
        from services.compliance.feed import create_feed

        token = create_feed(current_user)
        return self.index(feed_url=url_for("calendar_feed.feed", token=token, _external=True))

    @expose("/feed/revoke", methods=("POST",))
    def feed_revoke(self):
        from services.compliance.feed import revoke_feed

        if revoke_feed(current_user):
            flash(_("Das Kalender-Abonnement ist widerrufen; die Adresse liefert nichts mehr."),
                  "success")
        return redirect(url_for(".index"))

    @expose("/calendar.ics")
    def ical(self):
        start, end = _range()
        body = to_ical(self._items(start, end),
                       lambda item: gettext(item.title, **item.params),
                       name=_("Fristenkalender"))
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": "attachment; filename=fristen.ics"})

    @expose("/done", methods=("POST",))
    def done(self):
        key = request.form.get("key", "")
        start, end = _range()
        if key not in {i.key for i in self._items(start - timedelta(days=365), end)}:
            abort(404)
        mark_done(key, current_user_label())
        flash(_("Als erledigt markiert."), "success")
        return redirect(url_for(".index"))

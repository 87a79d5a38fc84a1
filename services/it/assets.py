"""Asset status workflow: issue to an employee (handover PDF archived), return, repair, retire.

Every change is a compare-and-set on the asset's current status (and handover), so two
clerks acting at once cannot both issue the same notebook.
"""
from datetime import date

from bson import ObjectId

from models.base import utcnow
from models.employee import Employee
from models.it_asset import Asset, AssetEvent, AssetHandover
from models.ticket import Ticket
from services.core.messages import N_, RuleError

# status -> statuses a plain status change may lead to; "handed_out" is entered only by
# issue_asset and left only by return_asset.
TRANSITIONS = {
    "in_stock": ("in_repair", "retired"),
    "handed_out": (),
    "in_repair": ("in_stock", "retired"),
    "retired": ("in_stock", "disposed"),
    "disposed": (),
}
RETURN_TO = ("in_stock", "in_repair")
STATUS_LABELS = {"in_stock": N_("im Lager"), "handed_out": N_("ausgegeben"),
                 "in_repair": N_("in Reparatur"), "retired": N_("ausgemustert"),
                 "disposed": N_("entsorgt")}


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses a plain change may lead to from `status`."""
    return TRANSITIONS.get(status, ())


def _asset(asset_id) -> Asset:
    asset = Asset.objects(pk=asset_id).first()
    if asset is None:
        raise RuleError(N_("Das Gerät gibt es nicht (mehr)."))
    return asset


def _event(user, action, old, new, employee=None, note=None) -> dict:
    return AssetEvent(at=utcnow(), user=user, action=action, from_status=old, to_status=new,
                      employee=employee, note=note).to_mongo()


def _name(employee) -> str:
    return f"{employee.personnel_no} {employee.first_name} {employee.last_name}"


def change_status(asset_id, to: str, user: str, note: str | None = None) -> Asset:
    """Move an asset to `to` if the workflow allows it (not for issue and return)."""
    asset = _asset(asset_id)
    if to not in allowed_transitions(asset.status):
        raise RuleError(N_("Statuswechsel von %(old)s nach %(new)s ist nicht erlaubt."),
                        old=STATUS_LABELS[asset.status], new=STATUS_LABELS.get(to, to))
    done = Asset._get_collection().update_one(
        {"_id": asset.pk, "status": asset.status},
        {"$set": {"status": to, "updated_at": utcnow()},
         "$push": {"history": _event(user, "status", asset.status, to, note=note)}})
    if not done.modified_count:
        raise RuleError(N_("Das Gerät wurde gerade geändert; bitte neu laden."))
    return Asset.objects.get(pk=asset.pk)


def issue_asset(asset_id, employee_id, on: date, user: str, note: str | None = None) -> AssetHandover:
    """Hand an in-stock asset to an employee: handover record, history, handover PDF archived."""
    asset = _asset(asset_id)
    employee = Employee.objects(pk=employee_id).first()
    if employee is None:
        raise RuleError(N_("Bitte eine Mitarbeiterin oder einen Mitarbeiter wählen."))
    if employee.status == "left":
        raise RuleError(N_("%(name)s ist ausgeschieden und kann kein Gerät erhalten."),
                        name=_name(employee))
    if asset.status != "in_stock":
        raise RuleError(N_("Nur Geräte im Lager können ausgegeben werden (Status: %(status)s)."),
                        status=STATUS_LABELS[asset.status])
    handover = AssetHandover(id=ObjectId(), asset=asset.pk, asset_tag=asset.asset_tag,
                             employee=employee, issued_on=on, issued_by=user, note=note)
    # The record first: a crash before the asset points to it leaves an unused record only.
    handover.save(force_insert=True)
    done = Asset._get_collection().update_one(
        {"_id": asset.pk, "status": "in_stock"},
        {"$set": {"status": "handed_out", "employee": employee.pk, "handover": handover.pk,
                  "updated_at": utcnow()},
         "$push": {"history": _event(user, "issue", "in_stock", "handed_out", _name(employee), note)}})
    if not done.modified_count:
        handover.delete()
        raise RuleError(N_("Das Gerät wurde gerade geändert; bitte neu laden."))
    archive_handover_pdf(handover.pk)
    return AssetHandover.objects.get(pk=handover.pk)


def archive_handover_pdf(handover_id) -> AssetHandover:
    """Render the handover protocol and file it in the archive (once; a retry finds it)."""
    from services.archive.store import store_generated
    from services.it.handover_pdf import render_handover_pdf

    handover = AssetHandover.objects.get(pk=handover_id)
    if handover.pdf_file is not None:
        return handover
    asset = Asset.objects.get(pk=handover.asset)
    pdf = render_handover_pdf(asset, handover)
    record = store_generated(pdf, f"Uebergabe-{asset.asset_tag}-{handover.issued_on}.pdf",
                             "application/pdf", handover.issued_on, handover.issued_by,
                             key=f"asset-handover:{handover.pk}", category="it")
    AssetHandover._get_collection().update_one({"_id": handover.pk},
                                               {"$set": {"pdf_file": record.pk}})
    handover.pdf_file = record
    return handover


def return_asset(asset_id, on: date, user: str, to: str = "in_stock",
                 note: str | None = None) -> Asset:
    """Take an issued asset back (to stock or straight to repair) and close its handover."""
    if to not in RETURN_TO:
        raise RuleError(N_("Ein zurückgegebenes Gerät geht ins Lager oder in Reparatur."))
    asset = _asset(asset_id)
    if asset.status != "handed_out" or asset.handover is None:
        raise RuleError(N_("Das Gerät ist nicht ausgegeben."))
    handover = AssetHandover.objects.get(pk=asset.handover)
    if on < handover.issued_on:
        raise RuleError(N_("Die Rückgabe kann nicht vor der Ausgabe (%(date)s) liegen."),
                        date=handover.issued_on.strftime("%d.%m.%Y"))
    # The handover first: a crash between the two steps is completed by a retry.
    AssetHandover._get_collection().update_one(
        {"_id": handover.pk, "returned_on": None},
        {"$set": {"returned_on": _as_datetime(on), "returned_by": user}})
    done = Asset._get_collection().update_one(
        {"_id": asset.pk, "status": "handed_out", "handover": handover.pk},
        {"$set": {"status": to, "updated_at": utcnow()},
         "$unset": {"employee": "", "handover": ""},
         "$push": {"history": _event(user, "return", "handed_out", to,
                                     _name(handover.employee), note)}})
    if not done.modified_count:
        raise RuleError(N_("Das Gerät wurde gerade geändert; bitte neu laden."))
    tick_offboarding({"handover": handover.pk}, user)
    return Asset.objects.get(pk=asset.pk)


def tick_offboarding(match: dict, user: str) -> int:
    """Tick the open offboarding tasks of a returned asset or released seat (issue 18)."""
    from models.checklist import ChecklistTask

    done = ChecklistTask._get_collection().update_many(
        {**match, "status": "open"},
        {"$set": {"status": "done", "done_by": user, "done_at": utcnow(),
                  "updated_at": utcnow()}})
    return done.modified_count


def _as_datetime(day: date):
    from datetime import datetime, timezone

    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def handovers_of_asset(asset_id) -> list[AssetHandover]:
    """The asset's handovers, newest first."""
    return list(AssetHandover.objects(asset=asset_id).order_by("-issued_on"))


def tickets_of_asset(asset_id) -> list[Ticket]:
    """The tickets that name this asset, newest first."""
    return list(Ticket.objects(asset=asset_id).order_by("-created_at"))


def assets_of_employee(employee_id) -> list[Asset]:
    """The assets an employee holds now (for offboarding: to be returned)."""
    return list(Asset.objects(employee=employee_id, status="handed_out").order_by("asset_tag"))

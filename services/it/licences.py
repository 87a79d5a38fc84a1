"""Licence seats: assign to an employee or a device, release; the key revealed only audited.

Seat changes are a compare-and-set on the licence's `revision`: a read decides whether a
seat is free, the write succeeds only if nobody changed the licence in between (else it
reads again). So parallel assignments never take more seats than the licence has, unless
the licence explicitly allows over-assignment (then `over_assigned` flags it).
"""
from datetime import date

from bson import ObjectId

from models.audit import AuditEntry
from models.base import utcnow
from models.employee import Employee
from models.it_asset import Asset, Licence, LicenceSeat
from services.core.field_crypto import UnreadableSecret
from services.core.messages import N_, RuleError

ATTEMPTS = 20
REVEAL_ROLES = ("admin", "support")


def _licence(licence_id) -> Licence:
    licence = Licence.objects(pk=licence_id).first()
    if licence is None:
        raise RuleError(N_("Die Lizenz gibt es nicht (mehr)."))
    return licence


def _holder(licence: Licence, employee_id, asset_id):
    if bool(employee_id) == bool(asset_id):
        raise RuleError(N_("Bitte entweder eine Person oder ein Gerät wählen."))
    if licence.licence_type == "per_device" and not asset_id:
        raise RuleError(N_("Eine Gerätelizenz wird einem Gerät zugewiesen."))
    if licence.licence_type == "per_user" and not employee_id:
        raise RuleError(N_("Eine Benutzerlizenz wird einer Person zugewiesen."))
    if employee_id:
        employee = Employee.objects(pk=employee_id).first()
        if employee is None:
            raise RuleError(N_("Die Person gibt es nicht (mehr)."))
        return employee, None
    asset = Asset.objects(pk=asset_id).first()
    if asset is None:
        raise RuleError(N_("Das Gerät gibt es nicht (mehr)."))
    return None, asset


def assign_seat(licence_id, on: date, user: str, employee_id=None, asset_id=None) -> Licence:
    """Give one seat to an employee or a device; refuse when all seats are taken."""
    for _ in range(ATTEMPTS):
        licence = _licence(licence_id)
        employee, asset = _holder(licence, employee_id, asset_id)
        for seat in licence.assignments:
            if (employee and seat.employee and seat.employee.pk == employee.pk) or \
                    (asset and seat.asset and seat.asset.pk == asset.pk):
                raise RuleError(N_("Diese Zuweisung besteht schon."))
        if licence.seats is not None and licence.assigned >= licence.seats \
                and not licence.allow_overassignment:
            raise RuleError(N_("Alle %(seats)s Plätze der Lizenz %(product)s sind vergeben."),
                            seats=licence.seats, product=licence.product)
        seat = LicenceSeat(seat_id=ObjectId(), employee=employee, asset=asset,
                           assigned_on=on, assigned_by=user)
        done = Licence._get_collection().update_one(
            {"_id": licence.pk, "revision": licence.revision},
            {"$set": {"revision": licence.revision + 1, "assigned": licence.assigned + 1,
                      "updated_at": utcnow()},
             "$push": {"assignments": seat.to_mongo()}})
        if done.modified_count:
            return Licence.objects.get(pk=licence.pk)
    raise RuleError(N_("Die Lizenz wird gerade stark geändert; bitte erneut versuchen."))


def release_seat(licence_id, seat_id, user: str = "system") -> Licence:
    """Take one assignment back (revoke the seat); ticks the seat's offboarding task."""
    from services.it.assets import tick_offboarding

    seat_id = ObjectId(seat_id)
    for _ in range(ATTEMPTS):
        licence = _licence(licence_id)
        keep = [s for s in licence.assignments if s.seat_id != seat_id]
        if len(keep) == len(licence.assignments):
            raise RuleError(N_("Diese Zuweisung gibt es nicht (mehr)."))
        done = Licence._get_collection().update_one(
            {"_id": licence.pk, "revision": licence.revision},
            {"$set": {"revision": licence.revision + 1, "assigned": len(keep),
                      "assignments": [s.to_mongo() for s in keep], "updated_at": utcnow()}})
        if done.modified_count:
            tick_offboarding({"seat": seat_id}, user)
            return Licence.objects.get(pk=licence.pk)
    raise RuleError(N_("Die Lizenz wird gerade stark geändert; bitte erneut versuchen."))


def masked_key(key: str | None) -> str:
    """The key as shown everywhere: dots and at most its last four characters."""
    if not key:
        return ""
    if isinstance(key, UnreadableSecret):
        return "••••••••"
    tail = key[-4:] if len(key) >= 12 else ""
    return "••••••••" + tail


def reveal_key(licence_id, user) -> str:
    """Return the licence key in clear for admin/support and write the reveal to the audit log."""
    if not user.has_role(*REVEAL_ROLES):
        raise RuleError(N_("Nur Administration und Support dürfen Lizenzschlüssel anzeigen."))
    licence = _licence(licence_id)
    if not licence.licence_key:
        raise RuleError(N_("Für diese Lizenz ist kein Schlüssel hinterlegt."))
    if isinstance(licence.licence_key, UnreadableSecret):
        raise RuleError(N_("Der Lizenzschlüssel ist mit einem anderen Schlüssel verschlüsselt: "
                           "BACKOFFICE_FIELD_KEYS bzw. die Datei field_key des Datenverzeichnisses "
                           "prüfen."))
    AuditEntry(user=user.email, action="reveal", collection="it_licences",
               document_id=str(licence.pk), label=str(licence)).save()
    return licence.licence_key


def licences_of_employee(employee_id) -> list[Licence]:
    """The licences with a seat assigned to the employee (for offboarding: to be revoked)."""
    return list(Licence.objects(assignments__employee=employee_id).order_by("product"))


def over_assigned_licences() -> list[Licence]:
    """Licences with more assignments than seats."""
    return [lic for lic in Licence.objects(seats__ne=None).only(
        "product", "vendor", "seats", "assigned") if lic.over_assigned]


def reencrypt_keys() -> int:
    """Encrypt keys stored before encryption and re-encrypt the others with the first key.

    Run daily by `it_watch`: after a new key was put first in BACKOFFICE_FIELD_KEYS, the
    old one can go once this ran. Compare-and-set: a key changed meanwhile is left alone.
    """
    from services.core import field_crypto

    done = 0
    collection = Licence._get_collection()
    for doc in collection.find({"licence_key": {"$type": "string"}}, {"licence_key": 1}):
        fresh = field_crypto.rotate(doc["licence_key"])
        if fresh is not None:
            done += collection.update_one({"_id": doc["_id"], "licence_key": doc["licence_key"]},
                                          {"$set": {"licence_key": fresh}}).modified_count
    return done

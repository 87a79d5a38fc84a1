"""Restricted processing (Art. 18 DSGVO): who may still see a record kept only for retention.

A record that erasure restricted (`restricted_until` set, not yet anonymised) is kept only
because tax and commercial law demand it; it is processed for that purpose alone. It
leaves every ordinary list, search and picker; admins (who carry out erasure) and
auditors (the tax audit is the purpose it is kept for) still read it.
"""
RESTRICTED_READERS = ("admin", "auditor")
# not restricted, or restricted and already anonymised (then nothing personal is left)
NOT_RESTRICTED = {"$or": [{"restricted_until": None}, {"erased_at": {"$ne": None}}]}


def may_see_restricted(user) -> bool:
    """Whether this user reads restricted records (admin, auditor)."""
    return bool(set(getattr(user, "roles", None) or ()) & set(RESTRICTED_READERS))


def visible_to(queryset, user):
    """The queryset without restricted records, unless the user may see them."""
    return queryset if may_see_restricted(user) else queryset.filter(__raw__=NOT_RESTRICTED)


def is_restricted(record) -> bool:
    """Whether a record is restricted and not yet anonymised."""
    return record.restricted_until is not None and record.erased_at is None

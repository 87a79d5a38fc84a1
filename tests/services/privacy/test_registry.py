"""Every collection with personal data is known to subject access, or exempt with a reason.

The walk below looks at every mongoengine Document class (not a hand-kept list), so a
collection added by another area with a person-like field fails here until it is
registered in services/privacy/registry.py.
"""
import re

import mongoengine as me
import pytest
from mongoengine.base import _document_registry

import models  # noqa: F401  (imports every document class)
from services.privacy.registry import EXEMPT, PERSONAL_DATA, SUBJECTS

# Field names that point at, or describe, a person (whole words of snake_case names).
PERSON_LIKE = re.compile(
    r"(^|_)(name|first|last|email|mail|iban|bic|street|address|phone|birth|"
    r"employee|customer|supplier|applicant|requester|assignee|recipient|user|author|"
    r"contact|person|social|tax_id|by|to|cc|bcc)(_|$)")


def _person_fields(document) -> set[str]:
    names = set()
    for name, fld in document._fields.items():
        if PERSON_LIKE.search(name):
            names.add(name)
        inner = getattr(fld, "field", fld)
        embedded = getattr(inner, "document_type_obj", None)
        if isinstance(embedded, type) and issubclass(embedded, me.EmbeddedDocument):
            names |= {f"{name}.{sub}" for sub in embedded._fields if PERSON_LIKE.search(sub)}
    return names


def _documents():
    return [cls for cls in set(_document_registry.values())
            if issubclass(cls, me.Document) and not cls._meta.get("abstract")]


def unregistered(documents) -> dict[str, set[str]]:
    """Collections with person-like fields in neither PERSONAL_DATA nor EXEMPT."""
    missing = {}
    for cls in documents:
        coll = cls._get_collection_name()
        fields = _person_fields(cls)
        if fields and coll not in PERSONAL_DATA and coll not in EXEMPT:
            missing[coll] = fields
    return missing


def test_every_collection_with_person_like_fields_is_registered_or_exempt():
    missing = unregistered(_documents())
    assert not missing, (
        "collections with personal data unknown to subject access; add them to "
        f"services/privacy/registry.py (PERSONAL_DATA or EXEMPT with a reason): {missing}")


def test_a_new_collection_with_an_applicants_name_is_caught():
    class Bewerbung(me.Document):
        applicant_name = me.StringField()
        birth_date = me.DateField()
        meta = {"collection": "test_applications_not_registered"}

    class Zaehler(me.Document):
        value = me.IntField()
        meta = {"collection": "test_counters_not_registered"}

    try:
        assert unregistered([Bewerbung, Zaehler]) == {
            "test_applications_not_registered": {"applicant_name", "birth_date"}}
    finally:
        _document_registry.pop("Bewerbung", None)
        _document_registry.pop("Zaehler", None)


def test_the_registry_names_real_collections_and_fields():
    by_collection = {cls._get_collection_name(): cls for cls in _documents()}
    assert not set(PERSONAL_DATA) & set(EXEMPT)
    assert set(PERSONAL_DATA) | set(EXEMPT) <= set(by_collection), \
        (set(PERSONAL_DATA) | set(EXEMPT)) - set(by_collection)
    for coll, reason in EXEMPT.items():
        assert len(reason) > 10, coll
    for coll, refs in PERSONAL_DATA.items():
        db_fields = {f.db_field for f in by_collection[coll]._fields.values()} | {"_id"}
        for ref in refs:
            assert ref.subject in SUBJECTS and ref.by in ("self", "id", "id_str", "email",
                                                          "contains", "iban"), ref
            assert ref.field.split(".")[0] in db_fields, (coll, ref)


@pytest.mark.parametrize("kind", ["employee", "customer", "supplier", "user"])
def test_each_kind_of_person_has_its_own_collection_registered_as_self(kind):
    assert any(r.subject == kind and r.by == "self"
               for refs in PERSONAL_DATA.values() for r in refs)

"""Every stored document class is in models.ALL_DOCUMENTS, so `ensure_indexes` creates its
unique indexes (a mandate reference or a run's idempotency key without its index is a
check-then-write race) and every registry built from the package sees it."""
import importlib
import pkgutil

import mongoengine as me
from mongoengine.base import _document_registry

import models


def test_every_document_class_of_the_models_package_is_listed():
    for module in pkgutil.iter_modules(models.__path__):
        importlib.import_module(f"models.{module.name}")
    stored = {cls for cls in _document_registry.values()
              if issubclass(cls, me.Document) and not cls._meta.get("abstract")
              and cls.__module__.startswith("models.")}
    missing = sorted(cls.__name__ for cls in stored - set(models.ALL_DOCUMENTS))
    assert not missing, f"add to models.ALL_DOCUMENTS: {missing}"


def test_the_mandate_reference_index_exists_after_ensure_indexes(app):
    models.ensure_indexes()
    from models.sepa_mandate import SepaMandate
    info = SepaMandate._get_collection().index_information()
    assert any(spec.get("unique") for name, spec in info.items() if name != "_id_"), info

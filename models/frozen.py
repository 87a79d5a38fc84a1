"""Querysets whose bulk writes never touch frozen documents (GoBD immutability).

`FrozenDocument` guards `Document.save` of one document (its `delete` goes through the
queryset); the querysets guard `update`, `update_one`,
`upsert_one`, `modify`, `delete` and `insert` on a queryset, which would otherwise
bypass them. The services that legitimately change a frozen document (issuing, paying,
cancelling) write through the raw collection with the precondition in the filter.
"""
from mongoengine.errors import SaveConditionError
from mongoengine.queryset import QuerySet

from services.core.errors import BusinessRuleError


def service_fields_touched(document, fields, kwargs, error) -> list[str]:
    """The keys of an update that set one of `fields` (only a service sets them):
    mongoengine's keywords (`set__totals__net`) or the paths of a raw update document
    (`__raw__={"$set": {"totals.net": ...}}`, by the stored field names). A raw
    replacement document or pipeline may set anything: refused with `error`."""
    touched = [key for key in kwargs if key != "__raw__"
               and any(name in key.split("__") for name in fields)]
    if "__raw__" in kwargs:
        raw = kwargs["__raw__"]
        if not isinstance(raw, dict) or not raw or \
                not all(isinstance(op, str) and op.startswith("$") and isinstance(v, dict)
                        for op, v in raw.items()):
            raise error("only update operators may change such a document")
        stored = {document._fields[name].db_field for name in fields
                  if name in document._fields}
        touched += [path for paths in raw.values() for path in paths
                    if str(path).split(".")[0] in stored]
    return touched


class FrozenQuerySet(QuerySet):
    """Bulk writes reach only the documents matching `open_filter`; others are refused.

    Subclasses set `open_filter` (one field and its value, or a tuple of values, of the
    still changeable documents; None: none is ever changeable), `frozen_fields` (fields only the services may set),
    `error` and `message` (formatted with `doc`, the first frozen document found).
    """

    open_filter: dict | None = None
    frozen_fields: tuple[str, ...] = ()
    error: type[Exception] = BusinessRuleError
    message = "{doc} cannot be changed or deleted"

    def _open_values(self) -> tuple[str, tuple]:
        """The field of `open_filter` and its open value(s) (one value or a tuple)."""
        (key, value), = self.open_filter.items()
        return key, value if isinstance(value, tuple) else (value,)

    def _frozen(self):
        """The frozen documents among those this queryset selects."""
        if self.open_filter is None:
            return self.clone()
        key, values = self._open_values()
        return self.clone().filter(**{f"{key}__nin": list(values)})

    def _refuse_frozen(self) -> None:
        hit = self._frozen().first()
        if hit is not None:
            raise self.error(self.message.format(doc=hit))

    def _open(self):
        if self.open_filter is None:
            return self.clone().filter(pk__in=[])
        key, values = self._open_values()
        return self.clone().filter(**{f"{key}__in": list(values)})

    def delete(self, *args, **kwargs):
        self._refuse_frozen()
        return QuerySet.delete(self._open(), *args, **kwargs)

    def _refuse_service_fields(self, kwargs) -> None:
        touched = service_fields_touched(self._document, self.frozen_fields, kwargs,
                                         self.error)
        if touched:
            raise self.error("only the business service may set " + ", ".join(touched))

    def update(self, *args, **kwargs):
        self._refuse_frozen()
        self._refuse_service_fields(kwargs)
        if kwargs.get("upsert"):
            raise self.error("frozen documents are never created by an upsert")
        return QuerySet.update(self._open(), *args, **kwargs)

    def modify(self, *args, **kwargs):
        self._refuse_frozen()
        self._refuse_service_fields(kwargs)
        if kwargs.get("upsert"):
            raise self.error("frozen documents are never created by an upsert")
        return QuerySet.modify(self._open(), *args, **kwargs)

    def insert(self, doc_or_docs, *args, **kwargs):
        docs = doc_or_docs if isinstance(doc_or_docs, (list, tuple)) else [doc_or_docs]
        if self.open_filter is not None:
            key, values = self._open_values()
            if any(getattr(doc, key, values[0]) not in values for doc in docs):
                raise self.error("only the business service may insert such a document")
        return QuerySet.insert(self, doc_or_docs, *args, **kwargs)


class AppendOnlyQuerySet(FrozenQuerySet):
    """Every stored document is frozen: inserts only (audit log, deletion log)."""

    open_filter = None
    message = "{doc} is a log entry and can never be changed or deleted"


class FrozenDocument:
    """Mixin (before the Document base): `save` follows the rules of the queryset class.

    - a document frozen in memory (its `open_filter` field not open) is never saved, not
      even created: only the business service writes such a state (raw collection);
    - an update carries the open values as `save_condition`, so a document frozen in the
      database since it was read is refused (nothing written);
    - a new document is inserted (`force_insert`), never replaces a stored one by its id;
    - an update never changes the fields only the services set (`frozen_fields`);
    - append-only documents (`open_filter` None) are created once and never saved again.
    The services' own transitions (release → cancelled, approved → posted ...) are
    compare-and-set updates on the raw collection and are not affected.
    """

    def _rules(self) -> type[FrozenQuerySet]:
        return self._meta["queryset_class"]

    def _frozen_now(self) -> bool:
        """Whether this document, as it is in memory, is frozen."""
        rules = self._rules()
        if rules.open_filter is None:
            return not self._created
        key, values = FrozenQuerySet._open_values(rules)
        return getattr(self, key) not in values

    def _open_condition(self) -> dict:
        """The filter an update of this document needs to match in the database."""
        key, values = FrozenQuerySet._open_values(self._rules())
        return {f"{key}__in": list(values)}

    def _refusal(self) -> Exception:
        rules = self._rules()
        return rules.error(rules.message.format(doc=self))

    def save(self, *args, **kwargs):
        rules = self._rules()
        if self._frozen_now():
            raise self._refusal()
        if self._created:
            kwargs["force_insert"] = True
        else:
            changed = {name.split(".")[0] for name in self._get_changed_fields()}
            touched = [name for name in rules.frozen_fields if name in changed]
            if touched:
                raise rules.error("only the business service may set " + ", ".join(touched))
            kwargs["save_condition"] = {**(kwargs.get("save_condition") or {}),
                                        **self._open_condition()}
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError:
            raise self._refusal() from None

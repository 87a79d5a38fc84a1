"""Querysets whose bulk writes never touch frozen documents (GoBD immutability).

`Document.save`/`delete` guard one document; these guard `update`, `update_one`,
`upsert_one`, `modify`, `delete` and `insert` on a queryset, which would otherwise
bypass them. The services that legitimately change a frozen document (issuing, paying,
cancelling) write through the raw collection with the precondition in the filter.
"""
from mongoengine.queryset import QuerySet

from services.core.errors import BusinessRuleError


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

    def update(self, *args, **kwargs):
        self._refuse_frozen()
        touched = [key for key in kwargs
                   if any(name in key.split("__") for name in self.frozen_fields)]
        if touched:
            raise self.error("only the business service may set " + ", ".join(touched))
        if kwargs.get("upsert"):
            raise self.error("frozen documents are never created by an upsert")
        return QuerySet.update(self._open(), *args, **kwargs)

    def modify(self, *args, **kwargs):
        self._refuse_frozen()
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

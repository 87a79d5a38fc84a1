"""Ajax look-ups for reference fields, so forms never load a whole collection."""
from functools import reduce
from operator import or_

from flask_admin.contrib.mongoengine.ajax import QueryAjaxModelLoader
from bson import ObjectId
from mongoengine import Q

from views.i18n import _l


class ReferenceLookup(QueryAjaxModelLoader):
    """Search a referenced collection by a few text fields, one page at a time.

    Flask-Admin 2.2.1's loader filters the search string instead of the queryset;
    this one queries the model.
    """

    def __init__(self, name, model, fields, page_size=20):
        super().__init__(name, model, fields=fields, page_size=page_size,
                         placeholder=_l("Zum Suchen tippen …"))

    def base_query(self):
        """The documents the form may offer (subclasses narrow it); never a restricted one
        (Art. 18: kept for retention only, not for new documents)."""
        if "restricted_until" in self.model._fields:
            from services.privacy.restriction import NOT_RESTRICTED

            return self.model.objects(__raw__=NOT_RESTRICTED)
        return self.model.objects

    def get_one(self, pk):
        """The document a submitted form names, only if the form could have offered it."""
        if not ObjectId.is_valid(str(pk)):
            return None
        return self.base_query().filter(pk=ObjectId(str(pk))).first()

    def get_list(self, term, offset=0, limit=20):
        """Return up to `limit` documents whose fields contain the term."""
        # Only the searched fields are read: the answer is the label the form shows.
        query = self.base_query().only(*(f.name for f in self._cached_fields))
        if term:
            query = query.filter(reduce(or_, (Q(**{f"{field.name}__icontains": term})
                                               for field in self._cached_fields)))
        return query.skip(offset).limit(limit)

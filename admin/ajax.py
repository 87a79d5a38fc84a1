"""Ajax look-ups for reference fields, so forms never load a whole collection."""
from functools import reduce
from operator import or_

from flask_admin.contrib.mongoengine.ajax import QueryAjaxModelLoader
from mongoengine import Q


class ReferenceLookup(QueryAjaxModelLoader):
    """Search a referenced collection by a few text fields, one page at a time.

    Flask-Admin 2.2.1's loader filters the search string instead of the queryset;
    this one queries the model.
    """

    def __init__(self, name, model, fields, page_size=20):
        super().__init__(name, model, fields=fields, page_size=page_size)

    def get_list(self, term, offset=0, limit=20):
        """Return up to `limit` documents whose fields contain the term."""
        query = self.model.objects
        if term:
            query = query.filter(reduce(or_, (Q(**{f"{field.name}__icontains": term})
                                               for field in self._cached_fields)))
        return query.skip(offset).limit(limit)

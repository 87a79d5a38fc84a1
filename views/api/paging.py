"""Cursor pagination by _id (stable, ascending), with `updated_since` for synchronisation."""
from bson import ObjectId
from flask_smorest import abort


def page(queryset, args: dict, dump, updated_field: str = "updated_at") -> dict:
    """One page of `queryset` after args['cursor']; `dump` turns a document into a dict."""
    limit = args.get("limit", 50)
    if args.get("cursor"):
        queryset = queryset.filter(pk__gt=ObjectId(args["cursor"]))
    if args.get("updated_since") is not None:
        queryset = queryset.filter(**{f"{updated_field}__gte": args["updated_since"]})
    docs = list(queryset.order_by("+id").limit(limit + 1))
    more = len(docs) > limit
    docs = docs[:limit]
    return {"items": [dump(d) for d in docs],
            "next_cursor": str(docs[-1].pk) if more else None}


def filtered_page(document, args: dict, dump, **filters) -> dict:
    """One page of `document` narrowed by the list's optional equality filters.

    `filters` maps a query argument to the field it compares, or to (field, convert) when
    the argument needs converting (an id string to an ObjectId); an argument that is not
    given (or empty) does not filter.
    """
    conditions = {}
    for arg, target in filters.items():
        if args.get(arg):
            field, convert = target if isinstance(target, tuple) else (target, None)
            conditions[field] = convert(args[arg]) if convert else args[arg]
    return page(document.objects(**conditions), args, dump)


def get_or_404(document, object_id: str, **filters):
    """The document with this id (and filters), or a 404 problem."""
    if not ObjectId.is_valid(object_id) or len(object_id) != 24:
        abort(404, message=f"'{object_id}' ist keine gültige Kennung.")
    found = document.objects(pk=ObjectId(object_id), **filters).first()
    if found is None:
        abort(404, message=f"{document.__name__} {object_id} existiert nicht.")
    return found

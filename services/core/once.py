"""Create a document once under an id fixed in advance: repeat-safe without transactions."""
import mongoengine as me


def get_or_create(document_class, pk, create, *, look_first: bool = True):
    """Return the stored document `pk`, else the one `create()` saves under that id.

    When a parallel call saved it between the look-up and our insert, the unique `_id`
    refuses ours (NotUniqueError) and theirs is returned. `look_first=False` skips the
    look-up when the caller knows the id is new (saves a round trip).
    """
    if look_first:
        existing = document_class.objects(pk=pk).first()
        if existing is not None:
            return existing
    try:
        return create()
    except me.NotUniqueError:
        return document_class.objects.get(pk=pk)

"""Archived files: content in GridFS, metadata and category here."""
import mongoengine as me

from models.base import utcnow
from models.user import ROLES


class DocumentCategory(me.Document):
    code = me.StringField(primary_key=True, regex=r"^[a-z_]+$")
    name = me.StringField(required=True, max_length=80)
    read_roles = me.ListField(me.StringField(choices=ROLES), required=True)

    meta = {"collection": "document_categories"}

    def __str__(self):
        return self.name


class ArchivedFile(me.Document):
    content = me.FileField(collection_name="archive")
    filename = me.StringField(required=True, max_length=255)
    content_type = me.StringField(required=True, max_length=100)
    size = me.IntField(required=True, min_value=0)
    sha256 = me.StringField(required=True, regex=r"^[0-9a-f]{64}$")
    category = me.ReferenceField(DocumentCategory, required=True,
                                 reverse_delete_rule=me.DENY)
    document_date = me.DateField(required=True)
    description = me.StringField(max_length=500)
    uploaded_by = me.StringField(required=True)
    uploaded_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "archived_files", "ordering": ["-uploaded_at"],
            "indexes": ["sha256", "category", "document_date", "filename"]}

    def __str__(self):
        return self.filename

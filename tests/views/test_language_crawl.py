"""Every page of every role in German and in English: no word of the other language, no
field or code name on screen.

The crawler starts at the start page and follows every link of the panel (one page per
URL shape: a list, its create form, one edit form, one details page, each custom screen).
The field names come from the models behind the admin views, so a new field that reaches
a screen without a label fails here.
"""
import json
import re
import shutil
import tempfile
import uuid
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from mongoengine.base import BaseDocument
from mongoengine.fields import EmbeddedDocumentField, ListField

from models.user import ROLES
from tests.conftest import PASSWORD, csrf_token_from

# Words of the interface that must not show up in the other language (whole words, case
# sensitive). Demo data is German in both languages, so words a record can contain
# (department "Personal", stock location "Lager", ...) are not listed.
ENGLISH_WORDS = (
    "Schedule", "Next run", "Run now", "Save", "Cancel", "Create", "Delete", "Edit", "List",
    "Search", "Add", "Home", "Logged in", "Language", "Open", "Overdue", "Stock value",
    "Revenue", "Please", "Select", "Personnel", "Monthly", "Issue Date", "Password",
    "Leave empty", "Legal hold", "Keep until", "Chart of accounts", "Invoices", "Customers",
    "Employees", "Suppliers", "Users", "queued", "no runs yet", "scheduler not running",
    "low", "high", "critical", "None", "True", "False", "Finance", "Support tickets",
    "Log out", "Sign out", "Lines", "Comments", "Record", "records", "equals", "contains",
    "Apply", "Reset", "View", "Actions", "Total", "Unit", "Quantity", "Status:",
    "Customer", "Supplier", "Upload", "Choose", "Submit", "Back", "Month", "Year",
)
GERMAN_WORDS = (
    "Speichern", "Abbrechen", "Erstellen", "Löschen", "Bearbeiten", "Liste", "Suche",
    "Übersicht", "Finanzen", "Mitarbeitende", "Rechnungen", "Kunden", "Lieferanten",
    "Benutzer", "Sprache", "Abmelden", "Hinzufügen", "niedrig", "hoch", "kritisch",
    "täglich", "Zeitplan", "Personalnummer", "Monatsbrutto", "Rechnungsdatum", "Offen",
    "Überfällig", "Lagerwert", "Umsatz", "Angemeldet", "Kontenrahmen", "Buchungen",
    "Änderungsprotokoll", "gebucht", "Entwurf", "Bezeichnung", "Menge", "Einheit",
    "Artikelnummer", "Meldebestand", "Priorität", "Datum", "Betrag", "Nummer", "Aktionen",
    "Zurück", "Anzeigen", "Gesamt", "Monat", "Eintrittsdatum", "Lohnabrechnung",
    "Aufbewahrungsregeln", "Sperrvermerke", "Einstellungen", "auswählen", "Modell",
)
# Pages whose records are German texts the company writes itself: the record of processing
# activities (Art. 30 DSGVO) is kept in German for the German supervisory authority, so its
# cells and text areas are data there; the page's labels, buttons and menu are still checked.
DATA_TEXT_PAGES = ("/admin/processing_activities/",)
SKIP_PREFIXES = ("/logout", "/static/", "/language", "/health", "/download", "/archive/file",
                 "/admin/archive_files/download")
SKIP_PARTS = ("/export/", "/ajax/", "/api/", "/delete/", "/action/", "/pdf", ".pdf", ".csv",
              ".xml", "/download", "/journal.csv", "/gdpdu", "/datev")


class _Text(HTMLParser):
    """Visible text of a page plus the texts a user reads in attributes."""

    ATTRS = ("placeholder", "title", "aria-label", "alt", "data-placeholder")
    # <code> shows what a user types as is (a CSV column header), not a label.
    SKIP = ("script", "style", "code")

    def __init__(self, data_cells=False):
        super().__init__()
        self.parts, self.links, self._skip = [], [], 0
        self.data_tags = ("td", "textarea") if data_cells else ()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP or tag in self.data_tags:
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in self.ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if (tag in self.SKIP or tag in self.data_tags) and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        data = data.strip()
        if self._skip or not data:
            return
        if data.startswith("<"):  # the template Flask-Admin keeps for a new inline row
            inner = _Text()
            inner.feed(data)
            self.parts.extend(inner.parts)
        elif data.startswith("{") and "operation" in data:  # the list's filter definitions
            self.parts.extend(_filter_texts(json.loads(data)))
        else:
            self.parts.append(data)


def _filter_texts(groups):
    for name, filters in groups.items():
        yield name
        for flt in filters:
            yield flt["operation"]
            yield from (label for _code, label in flt.get("options") or ())


def _documents_behind_views(app):
    """Every document class an admin view shows, with its embedded documents."""
    seen, todo = set(), [v.model for v in app.extensions["admin"][0]._views
                         if getattr(v, "model", None) is not None]
    while todo:
        doc = todo.pop()
        if doc in seen:
            continue
        seen.add(doc)
        for field in doc._fields.values():
            inner = field.field if isinstance(field, ListField) else field
            if isinstance(inner, EmbeddedDocumentField):
                todo.append(inner.document_type)
    return seen


def _code_names(app):
    """Field names as Flask-Admin or WTForms would print them, and snake_case codes."""
    from admin.labels import CODES, JOBS

    names = set()
    for doc in _documents_behind_views(app):
        for name in doc._fields:
            if name in ("id", "pk"):
                continue
            names.add(name.replace("_", " ").title())  # Flask-Admin's and WTForms' default
            if "_" in name:
                names.add(name)
            choices = getattr(doc._fields[name], "choices", None) or ()
            names.update(c for c in choices if isinstance(c, str) and "_" in c)
    names.update(c for c in CODES if "_" in c)
    names.update(JOBS)
    from jobs import ensure_registry
    names.update(ensure_registry())  # a job without a title would show its name
    return names


def _allowed_labels(locale):
    """The labels themselves (e.g. "Status", "Name") may equal a prettified field name."""
    from flask_babel import force_locale

    from admin.labels import CODES, FIELDS, MENU

    with force_locale(locale):
        return {str(v) for d in (FIELDS, CODES, MENU) for v in d.values()}


def _shape(url):
    """One visit per URL shape: ids and numbers are placeholders, only ?id= counts."""
    parsed = urlparse(url)
    path = re.sub(r"/[0-9a-f]{24}(?=/|$)", "/<id>", parsed.path)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", path)
    query = parse_qs(parsed.query)
    return path, "id" in query


def _wanted(path):
    return not path.startswith(SKIP_PREFIXES) and not any(p in path for p in SKIP_PARTS)


def _problems(text, locale, code_names, allowed):
    wrong = ENGLISH_WORDS if locale == "de" else GERMAN_WORDS
    found = [w for w in wrong if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    parts = {part.strip(" :*") for part in text.split("\n")}
    for name in sorted(code_names - allowed):
        if " " in name or "_" in name:
            hit = re.search(rf"(?<![\w.@/-]){re.escape(name)}(?![\w.@/-])", text)
        else:  # one word ("Title"): a label on its own, not a word in a record's text
            hit = name in parts
        if hit:
            found.append(f"field/code name {name!r}")
    return found


def crawl(client, locale, code_names, allowed, limit=400):
    """Visit every page shape reachable from the start page; return {url: [problems]}."""
    headers = {"Accept-Language": "de-DE,de;q=0.9" if locale == "de" else "en-US,en;q=0.9"}
    queue, seen, report, visited = deque(["/admin/"]), set(), {}, 0
    while queue and visited < limit:
        url = queue.popleft()
        response = client.get(url, headers=headers)
        visited += 1
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = _Text(data_cells=urlparse(url).path.startswith(DATA_TEXT_PAGES))
        parser.feed(response.get_data(as_text=True))
        text = "\n".join(parser.parts)
        problems = _problems(text, locale, code_names, allowed)
        if problems:
            report[url] = problems
        for href in parser.links:
            target = urljoin(url, href)
            parsed = urlparse(target)
            if parsed.scheme not in ("", "http") or parsed.netloc not in ("", "localhost"):
                continue
            if not _wanted(parsed.path):
                continue
            shape = _shape(target)
            if shape not in seen:
                seen.add(shape)
                queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return report, visited


@pytest.fixture(scope="module")
def demo_app(db_server):
    """One app with the demo company for all roles and both languages (read-only crawl)."""
    from app import create_app
    from models import ensure_indexes
    from seeds.demo import seed_demo_company
    from seeds.demo_books import seed_demo_books
    from seeds.reference import seed_reference
    from tests.factories import make_user

    name = f"crawl_{uuid.uuid4().hex[:10]}"
    app = create_app({"TESTING": True, "MONGODB_URI": db_server, "MONGODB_DB": name,
                      "DATA_DIR": Path(tempfile.mkdtemp(prefix="backoffice-crawl-"))})
    with app.app_context():
        ensure_indexes()
        seed_reference()
        seed_demo_company()
        seed_demo_books()
        for role in ROLES:
            make_user(role, email=f"crawl-{role}@firma.example.com")
        app.config["CODE_NAMES"] = _code_names(app)
    yield app
    import mongoengine as me

    me.get_connection().drop_database(name)
    shutil.rmtree(app.config["DATA_DIR"], ignore_errors=True)


@pytest.mark.timeout(1200)  # hundreds of pages per role; minutes on a loaded machine
@pytest.mark.parametrize("locale", ("de", "en"))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_one_language(demo_app, role, locale):
    client = demo_app.test_client()
    token = csrf_token_from(client.get("/login").data)
    response = client.post("/login", data={"email": f"crawl-{role}@firma.example.com",
                                           "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    with demo_app.test_request_context():
        allowed = _allowed_labels(locale)
    report, visited = crawl(client, locale, demo_app.config["CODE_NAMES"], allowed)
    assert visited > 3, "the crawler found no pages"
    assert not report, "\n".join(f"{url}: {', '.join(p)}" for url, p in sorted(report.items()))


def test_the_crawler_catches_a_wrong_word_and_a_field_name():
    """The checks themselves: an English word on a German page, a raw field name."""
    names = {"Personnel No", "personnel_no", "Status"}
    allowed = {"Status"}
    assert _problems("Speichern\nSave", "de", names, allowed) == ["Save"]
    assert _problems("Personnel No: 3", "de", names - {"Status"}, allowed) == [
        "Personnel", "field/code name 'Personnel No'"]
    assert _problems("Status\nPersonalnummer", "de", names, allowed) == []
    assert _problems("Personalnummer", "en", names, allowed) == ["Personalnummer"]
    assert _problems("max.personnel_no@x.de", "de", names, allowed) == []

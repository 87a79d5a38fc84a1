"""Calendar items as an iCalendar file (RFC 5545), built with the `icalendar` library."""
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

PRODID = "-//Backoffice//Fristenkalender//DE"


def to_ical(items, title_of, name: str = "Fristen", now: datetime | None = None,
            base_url: str = "") -> str:
    """Render items (with .key, .due, .title, .url, .law) as a VCALENDAR text (all-day events)."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for item in items:
        event = Event()
        event.add("uid", f"{item.key}@backoffice")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", title_of(item))
        event.add("transp", "TRANSPARENT")
        if item.law:
            event.add("description", item.law)
        if base_url and getattr(item, "url", ""):
            event.add("url", base_url.rstrip("/") + item.url)
        if getattr(item, "done", False):
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")

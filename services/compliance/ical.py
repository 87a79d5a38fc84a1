"""Calendar items as an iCalendar file (RFC 5545): all-day events, CRLF, folded lines."""
from datetime import datetime, timedelta, timezone

PRODID = "-//Backoffice//Fristenkalender//DE"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def to_ical(items, title_of, name: str = "Fristen", now: datetime | None = None) -> str:
    """Render items (with .key, .due, .title, .url, .law) as a VCALENDAR text."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for item in items:
        lines += ["BEGIN:VEVENT", f"UID:{_escape(item.key)}@backoffice", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{item.due.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(item.due + timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{_escape(title_of(item))}", "TRANSP:TRANSPARENT"]
        if item.law:
            lines.append(f"DESCRIPTION:{_escape(item.law)}")
        if getattr(item, "done", False):
            lines.append("STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)

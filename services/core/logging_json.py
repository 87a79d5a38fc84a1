"""Structured logs: one JSON object per line on stdout, for any log collector."""
import json
import logging
import re
import sys
from datetime import datetime, timezone

# Terminal colour and style codes (werkzeug colours its request lines and its warnings).
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _level(record, message: str) -> str:
    """The dev server's "do not use in production" notice is information, not a problem."""
    if record.name == "werkzeug" and "development server" in message:
        return "INFO"
    return record.levelname


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with time, level, logger, message and extra fields."""

    EXTRA = ("method", "path", "status", "duration_ms", "user", "remote_addr")

    def format(self, record):
        message = ANSI.sub("", record.getMessage())
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": _level(record, message),
            "logger": record.name,
            "message": message,
        }
        for key in self.EXTRA:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exception"] = ANSI.sub("", self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


# Libraries that log every PDF they write at INFO ("factur-x.xml file added", pikepdf's
# "logger bridge initialized", font subsetting): 400 lines before the demo log-ins in
# `make seed`. Their warnings and errors still reach the log.
QUIET_LIBRARIES = ("factur-x", "pikepdf", "fontTools", "xhtml2pdf", "reportlab", "saxonche",
                   "PIL", "svglib", "html5lib")


def quiet_libraries() -> None:
    """Let the PDF and XML libraries log only warnings and errors."""
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to stdout as JSON (idempotent); the product's own INFO lines
    stay, the libraries' INFO chatter does not (QUIET_LIBRARIES)."""
    quiet_libraries()
    root = logging.getLogger()
    if any(getattr(h, "_backoffice", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler._backoffice = True
    root.addHandler(handler)
    root.setLevel(level)

"""Structured logs: one JSON object per line on stdout, for any log collector."""
import json
import logging
import sys
from datetime import datetime, timezone


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with time, level, logger, message and extra fields."""

    EXTRA = ("method", "path", "status", "duration_ms", "user", "remote_addr")

    def format(self, record):
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.EXTRA:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to stdout as JSON (idempotent)."""
    root = logging.getLogger()
    if any(getattr(h, "_backoffice", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler._backoffice = True
    root.addHandler(handler)
    root.setLevel(level)

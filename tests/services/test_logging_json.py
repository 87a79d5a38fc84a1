"""Structured logs are one JSON object per line."""
import json
import logging

from services.core.logging_json import JsonFormatter


def test_record_becomes_one_json_line_with_request_fields():
    record = logging.LogRecord("backoffice.access", logging.INFO, __file__, 1, "request",
                               None, None)
    record.method, record.path, record.status = "GET", "/admin/ä", 200
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert data["message"] == "request" and data["path"] == "/admin/ä"
    assert data["level"] == "INFO" and data["status"] == 200 and "time" in data


def test_access_log_written_for_requests(app, client, caplog):
    with caplog.at_level(logging.INFO, logger="backoffice.access"):
        client.get("/healthz")
    records = [r for r in caplog.records if r.name == "backoffice.access"]
    assert records and records[-1].path == "/healthz" and records[-1].status == 200

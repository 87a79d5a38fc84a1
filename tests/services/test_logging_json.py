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


def _werkzeug_line(level, msg, *args):
    return json.loads(JsonFormatter().format(logging.LogRecord(
        "werkzeug", level, __file__, 1, msg, args, None)))


def test_no_terminal_colour_codes_in_the_json_log():
    # werkzeug's request line as it writes it on a terminal: status 404 in yellow
    data = _werkzeug_line(logging.INFO, '%s - - [%s] "%s" %s -', "127.0.0.1", "01/Dec/2026",
                          "\x1b[33mGET /nope HTTP/1.1\x1b[0m", "\x1b[33m404\x1b[0m")
    assert data["message"] == '127.0.0.1 - - [01/Dec/2026] "GET /nope HTTP/1.1" 404 -'
    assert "\x1b" not in json.dumps(data) and "[0m" not in data["message"]


def test_dev_server_notice_is_information_other_warnings_stay():
    notice = ("\x1b[31m\x1b[1mWARNING: This is a development server. Do not use it in a "
              "production deployment.\x1b[0m")
    data = _werkzeug_line(logging.WARNING, notice)
    assert data["level"] == "INFO" and data["message"].startswith("WARNING: This is a dev")
    assert _werkzeug_line(logging.WARNING, "something else")["level"] == "WARNING"
    assert _werkzeug_line(logging.ERROR, "Error on request")["level"] == "ERROR"

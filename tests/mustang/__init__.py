"""Run Mustang-CLI (from the Maven repository, `make mustang`) on e-invoices in tests.

All files of a test go through one JVM (BatchValidate.java, started by the Java source
launcher with the Mustang jar on the class path). A file passes only if no part of
Mustang's report says otherwise: Mustang's own overall verdict counts a PDF/A failure
as valid, so the report is read part by part.
"""
import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
VERSION = "2.26.0"
JAR = REPO / os.environ.get("BACKOFFICE_DATA_DIR", "var") / "tools" / f"Mustang-CLI-{VERSION}.jar"
RUNNER = Path(__file__).resolve().parent / "BatchValidate.java"
TIMEOUT = 600

_REPORT = re.compile(r"=====BEGIN (.*?)\n(.*?)\n=====VALID (true|false)\n=====END", re.S)
_FAILED_ASSERTION = re.compile(
    r"clause=([\d.]+), testNumber=(\d+)\], status=failed, message=(.*?), location=")
_LOCATION = re.compile(r'location="[^"]*"')
_ERROR = re.compile(r"<error([^>]*)>(.*?)</error>", re.S)


def validate(paths) -> dict[str, list[str]]:
    """Validate files with Mustang; return the errors found per file (empty: valid)."""
    paths = [str(p) for p in paths]
    if not JAR.exists():
        raise AssertionError(f"{JAR} is missing: run `make mustang` (needs mvn)")
    run = subprocess.run(["java", "-cp", str(JAR), str(RUNNER), *paths], capture_output=True,
                         text=True, timeout=TIMEOUT, check=False)
    reports = {m.group(1): (m.group(2), m.group(3)) for m in _REPORT.finditer(run.stdout)}
    result = {}
    for path in paths:
        if path not in reports:
            result[path] = [f"no report from Mustang (exit {run.returncode}): "
                            f"{run.stderr[-2000:]}"]
            continue
        result[path] = errors_of(*reports[path])
    return result


def errors_of(report: str, valid: str = "true") -> list[str]:
    """The errors of one Mustang report: PDF/A clauses, XSD/Schematron rules, verdicts."""
    errors = sorted({f"PDF/A {c}-{n}: {msg}" for c, n, msg in _FAILED_ASSERTION.findall(report)})
    errors += [" ".join(_LOCATION.sub("", f"{attrs}: {text}").split())
               for attrs, text in _ERROR.findall(report)]
    if 'status="invalid"' in report or "isCompliant=false" in report or valid != "true":
        if not errors:
            errors.append("Mustang reports the file invalid: " + report[-3000:])
    return errors

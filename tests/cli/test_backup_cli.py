"""`backoffice backup create | verify | restore | keygen` and the nightly job."""
import base64
from pathlib import Path

import mongoengine as me

from models.backup import BackupRun
from tests.factories import make_employee


def _only_backup(directory: Path) -> Path:
    files = [p for p in directory.iterdir() if p.name.endswith(".bobackup")]
    assert len(files) == 1, files
    return files[0]


def test_create_verify_and_restore_from_the_command_line(app, runner, tmp_path):
    with app.app_context():
        make_employee(last_name="Kommandozeile")
    result = runner.invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = _only_backup(tmp_path)
    assert str(path) in result.output and "encrypted=no" in result.output
    with app.app_context():
        run = BackupRun.objects.get()
        assert run.status == "ok" and run.path == str(path) and run.documents > 0

    result = runner.invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 0 and result.output.rstrip().endswith("OK"), result.output

    result = runner.invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 1 and "nicht leer" in result.output

    with app.app_context():
        me.get_connection().drop_database(app.config["MONGODB_DB"])
    result = runner.invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "archive: 0 content(s) checked, 0 problem(s)" in result.output
    with app.app_context():
        from models import Employee
        assert Employee.objects(last_name="Kommandozeile").count() == 1


def test_verify_exits_1_on_a_damaged_file(app, runner, tmp_path):
    runner.invoke(args=["backup", "create", str(tmp_path)])
    path = _only_backup(tmp_path)
    import tarfile
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("data/accounts."))
    data = bytearray(path.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0x01  # inside the accounts part
    path.write_bytes(bytes(data))
    result = runner.invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 1, result.output
    assert f"BROKEN {member.name}: SHA-256 stimmt nicht" in result.output


def test_a_truncated_file_is_refused(app, runner, tmp_path):
    runner.invoke(args=["backup", "create", str(tmp_path)])
    path = _only_backup(tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = runner.invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 1 and "nicht verwendbar" in result.output, result.output


def test_encrypted_from_the_environment_setting(app, runner, tmp_path):
    app.config["BACKUP_KEY"] = base64.urlsafe_b64encode(b"s" * 32).decode()
    result = runner.invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code == 0 and "encrypted=yes" in result.output, result.output
    path = _only_backup(tmp_path)
    assert runner.invoke(args=["backup", "verify", str(path)]).exit_code == 0
    app.config["BACKUP_KEY"] = None
    result = runner.invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 1 and "verschlüsselt" in result.output
    app.config["BACKUP_KEY"] = "zu-kurz"
    result = runner.invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code == 2 and "32 Byte" in result.output


def test_keygen_prints_a_usable_key(runner):
    result = runner.invoke(args=["backup", "keygen"])
    key = result.output.strip()
    assert result.exit_code == 0 and len(base64.urlsafe_b64decode(key)) == 32


def test_nightly_job_writes_into_the_backup_directory_and_records_it(app, tmp_path):
    from jobs import ensure_registry
    from jobs.runner import run_now

    app.config["BACKUP_DIR"] = tmp_path / "nightly"
    with app.app_context():
        assert "nightly_backup" in ensure_registry()
        run = run_now("nightly_backup", requested_by="test")
        assert run.status == "ok", run.error
        path = _only_backup(tmp_path / "nightly")
        assert run.summary["file"] == path.name
        assert BackupRun.objects.get().status == "ok"

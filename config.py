"""Configuration classes, read from the environment when instantiated."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """Raised when the configuration cannot work (e.g. default secret in production)."""


class Config:
    """Production settings; every value can be overridden by an environment variable."""

    TESTING = False
    DEBUG = False
    ENV_NAME = "production"

    def __init__(self):
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.MONGODB_URI = env.get("MONGODB_URI") or None
        self.MONGODB_DB = env.get("MONGODB_DB", "backoffice")
        self.MONGODB_TIMEOUT_MS = int(env.get("MONGODB_TIMEOUT_MS", "5000"))
        self.DATA_DIR = Path(env.get("BACKOFFICE_DATA_DIR", BASE_DIR / "var")).resolve()
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env.get("SESSION_COOKIE_SECURE", "1") == "1"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.PERMANENT_SESSION_LIFETIME = timedelta(
            minutes=int(env.get("SESSION_MINUTES", "480"))
        )
        # Log-in throttling per 15 minutes (issue 13.5): guesses at one account from one
        # address, at one account from all addresses, and from one address at all accounts.
        self.LOGIN_MAX_FAILURES = int(env.get("BACKOFFICE_LOGIN_MAX_FAILURES", "5"))
        self.LOGIN_MAX_FAILURES_ACCOUNT = int(env.get("BACKOFFICE_LOGIN_MAX_FAILURES_ACCOUNT",
                                                      "50"))
        self.LOGIN_MAX_FAILURES_ADDRESS = int(env.get("BACKOFFICE_LOGIN_MAX_FAILURES_ADDRESS",
                                                      "20"))
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed;
        # the documented production set-up has one (TLS proxy -> gunicorn on 127.0.0.1).
        self.TRUSTED_PROXIES = int(env.get("BACKOFFICE_TRUSTED_PROXIES", "1"))
        self.WTF_CSRF_ENABLED = True
        self.WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
        self.BABEL_DEFAULT_LOCALE = env.get("BACKOFFICE_LOCALE", "de")
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
        self.FLASK_ADMIN_SWATCH = "default"
        self.MAX_CONTENT_LENGTH = int(env.get("BACKOFFICE_MAX_UPLOAD_MB", "50")) * 1024 * 1024
        # One archived file; a multiple-file upload may carry several (request limit above).
        self.ARCHIVE_MAX_FILE_BYTES = int(
            env.get("BACKOFFICE_ARCHIVE_MAX_FILE_MB", env.get("BACKOFFICE_MAX_UPLOAD_MB", "50"))
        ) * 1024 * 1024
        # CSV import uploads: largest file; how long and how much of them is kept on disk.
        self.IMPORT_MAX_BYTES = int(env.get("BACKOFFICE_IMPORT_MAX_MB", "20")) * 2**20
        self.IMPORT_UPLOAD_KEEP_HOURS = int(env.get("BACKOFFICE_IMPORT_KEEP_HOURS", "24"))
        self.IMPORT_UPLOAD_MAX_TOTAL_BYTES = int(env.get("BACKOFFICE_IMPORT_KEEP_MB", "500")) * 2**20
        # Days the cleanup keeps a file whose keep-until was shortened (unless released).
        self.RETENTION_GRACE_DAYS = int(env.get("BACKOFFICE_RETENTION_GRACE_DAYS", "30"))
        # Watched folder of incoming supplier invoices (issue 15); unset: the job skips.
        self.PAYABLES_DROP_DIR = env.get("BACKOFFICE_PAYABLES_DROP_DIR") or None
        # The REST API (issue 21): requests per token and minute; HTTPS webhook hosts.
        self.API_RATE_LIMIT_PER_MINUTE = int(env.get("API_RATE_LIMIT_PER_MINUTE", "600"))
        self.API_WEBHOOK_HOSTS = tuple(
            h.strip() for h in env.get("API_WEBHOOK_HOSTS", "").split(",") if h.strip())
        # Outgoing mail (issue 20): sent by the scheduler process only, never in a request.
        # MAIL_SECURITY: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on
        # loopback only). Credentials come from the environment, never from the database.
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_SECURITY = env.get("MAIL_SECURITY", "starttls")
        self.MAIL_USERNAME = env.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD", "")
        self.MAIL_FROM = env.get("MAIL_FROM", "")
        self.MAIL_CA_FILE = env.get("MAIL_CA_FILE", "")
        # Invoices the demo company's year of history gets (seed-demo).
        self.DEMO_INVOICES = int(env.get("BACKOFFICE_DEMO_INVOICES", "200"))
        # Where links in mails point to (the panel's public address).
        self.PUBLIC_URL = env.get("BACKOFFICE_PUBLIC_URL", "http://127.0.0.1:5000")
        # Backups (issue 19): target directory (may be a mounted share), the optional
        # encryption key (urlsafe base64 of 32 bytes) and how many to keep.
        self.BACKUP_DIR = Path(env.get("BACKOFFICE_BACKUP_DIR", self.DATA_DIR / "backups"))
        self.BACKUP_KEY = env.get("BACKOFFICE_BACKUP_KEY") or None
        # Fernet keys of fields stored encrypted (licence keys), comma-separated, the first
        # encrypts; unset: the file `field_key` in DATA_DIR (services.core.field_crypto).
        self.FIELD_KEYS = env.get("BACKOFFICE_FIELD_KEYS") or None
        self.BACKUP_KEEP_DAILY = int(env.get("BACKOFFICE_BACKUP_KEEP_DAILY", "7"))
        self.BACKUP_KEEP_WEEKLY = int(env.get("BACKOFFICE_BACKUP_KEEP_WEEKLY", "4"))
        self.BACKUP_KEEP_MONTHLY = int(env.get("BACKOFFICE_BACKUP_KEEP_MONTHLY", "12"))
        # The employer named on payslips (issue 5).
        self.COMPANY_NAME = env.get("BACKOFFICE_COMPANY_NAME", "Muster Handels GmbH")
        self.COMPANY_ADDRESS = env.get("BACKOFFICE_COMPANY_ADDRESS",
                                       "Musterstraße 1, 80331 München")

    def check(self):
        """Refuse settings that are unsafe for this environment."""
        if self.SECRET_KEY == DEFAULT_SECRET_KEY or len(self.SECRET_KEY) < 16:
            raise ConfigError(
                "SECRET_KEY is not set (or shorter than 16 characters): "
                "set the SECRET_KEY environment variable to a long random value, "
                "e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )


class DevConfig(Config):
    """Local development: plain-HTTP cookies, default secret allowed."""

    DEBUG = False  # the Werkzeug debugger stays off even locally
    ENV_NAME = "development"

    def __init__(self):
        super().__init__()
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
        # `make run` serves the browser directly: no proxy whose headers could be believed.
        self.TRUSTED_PROXIES = int(os.environ.get("BACKOFFICE_TRUSTED_PROXIES", "0"))
        if "SECRET_KEY" not in os.environ:
            self.SECRET_KEY = _local_secret(self.DATA_DIR / "secret_key")

    def check(self):
        """Allow the default secret on a developer machine."""


class TestConfig(DevConfig):
    """The test suite: its own database name, fast password hashing, CSRF kept on."""

    __test__ = False  # not a pytest test class

    TESTING = True
    DEBUG = False
    ENV_NAME = "testing"

    def __init__(self):
        super().__init__()
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.MONGODB_DB = "backoffice_test"
        self.PASSWORD_HASH_FAST = True
        # the demo's year keeps every path (paid, late, open, cancelled) with fewer invoices
        self.DEMO_INVOICES = int(os.environ.get("BACKOFFICE_DEMO_INVOICES", "24"))


def _local_secret(path: Path) -> str:
    """Read (or create once) a random secret kept beside the local data."""
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def config_from_env():
    """Pick the config class named by BACKOFFICE_ENV (production, development, testing)."""
    name = os.environ.get("BACKOFFICE_ENV", "production")
    classes = {"production": Config, "development": DevConfig, "testing": TestConfig}
    if name not in classes:
        raise ConfigError(f"BACKOFFICE_ENV={name!r} is unknown; use one of {', '.join(classes)}")
    return classes[name]()

"""Settings for the SKS platform, read from the environment (django-environ).

Development defaults need nothing set: SQLite in var/, tasks run eagerly in-process, mail to the console.
`DJANGO_ENV=production` switches on the hardening and makes SECRET_KEY, ALLOWED_HOSTS and REDIS_URL
mandatory. Every variable is documented in `.env.example`.
"""

import hashlib
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Under pytest the default is "test" (fast hashing, no DEBUG), so a bare `pytest` behaves like `make test`.
DJANGO_ENV = env.str("DJANGO_ENV", default="test" if "pytest" in sys.modules else "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = False if PRODUCTION else env.bool("DEBUG", default=DJANGO_ENV == "development")

if PRODUCTION:
    # No default: a production process without its own key must not start.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the production host names.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# The key of the alumni rosters' HMAC hashes (alumni.services.roster): rosters are never stored in clear.
# Rotating it makes the stored rosters unmatchable (upload them again). By default derived from SECRET_KEY.
ALUMNI_ROSTER_HASH_KEY = env.str(
    "ALUMNI_ROSTER_HASH_KEY", default=hashlib.sha256(b"sks.alumni.roster:" + SECRET_KEY.encode()).hexdigest()
)

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "auditlog",
    "csp",
    "django_htmx",
    "template_partials",
    "import_export",
    "localflavor",
    "sks",
    "participants",
    "events",
    "matching",
    "alumni",
    "regional",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sks.middleware.SessionActivityMiddleware",  # allauth's session tracking, throttled: a GET writes nothing
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "sks.middleware.StaffMFARequiredMiddleware",
    "sks.middleware.InstitutionScopeMiddleware",
    "sks.middleware.DebugNotFoundPageMiddleware",  # DEBUG only: the product's 404 page, not Django's URL list
]

ROOT_URLCONF = "sks.urls"
WSGI_APPLICATION = "sks.wsgi.application"
ASGI_APPLICATION = "sks.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sks.context_processors.navigation",
                "participants.context_processors.notifications",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Storage ---------------------------------------------------------------------------------------
# var/ (the development database, uploads) is made at start-up by SksConfig.ready(), not here.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must take a small office's concurrent use without "database is locked":
    # * WAL: readers never wait for a writer, and a writer waits only for another writer;
    # * IMMEDIATE: a transaction takes the write lock when it begins, so two transactions that both read
    #   and then write queue up behind the busy timeout instead of one failing at once (SQLite cannot
    #   wait in the deadlock a deferred transaction's upgrade to a write lock would make);
    # * a busy timeout (seconds) long enough for the slowest write a request makes.
    # synchronous=NORMAL is durable in WAL mode except for the last commits on a power cut.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if PRODUCTION and not REDIS_URL:
    # Login and password-reset rate limits live in the cache; a per-process memory cache would let an
    # attacker multiply the limit by the number of web processes.
    raise ImproperlyConfigured("REDIS_URL is required in production (cache, rate limits, Celery).")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sks.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sks"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sks"}}

# --- Celery ----------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker the tasks run in-process, so the platform works with nothing but Python.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long Redis keeps a task a worker has taken but not acknowledged (acks_late) before it hands it to another
# worker: the time a task is lost for when its worker dies (kill -9, OOM, a lost host). Kombu's default is 3600 s.
# Too short, and a task still running (or one waiting for its retry countdown: mail retries back off up to
# MAIL_RETRY_BACKOFF_MAX = 600 s) is handed out a second time; the send ledger's claim then makes the second
# copy a no-op, but it is work wasted. 1800 s is three times the longest countdown and the claim
# (REMINDER_CLAIM_SECONDS). Mail and reminders do not wait for it: the 15-minute scans and redelivery find
# what a dead worker left unsent, so this bounds only other tasks (a solve, an import).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=1800)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # The reminder scans (events.services.reminders, then matching.services.followup_reminders: reminders,
    # follow-up close, survey invitations), one task every 15 minutes from 09:00 to 20:45 (CELERY_TIMEZONE:
    # Asia/Tokyo). Both are idempotent and catch up what is due and not yet sent, so a worker that dies during
    # a scan, or a tick Redis loses, delays the day's reminders by one tick, not a day.
    "reminder-scans": {
        "task": "matching.tasks.task_scan_reminders",
        "schedule": crontab(minute="*/15", hour="9-20"),
    },
    # Daily digest of public-private project news (regional.services.project_digests_schedule).
    "regional-project-digests-daily": {
        "task": "regional.tasks.task_send_project_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # A reminder whose worker died mid-delivery is sent again once its claim expires, not the next day.
    "reminders-redeliver": {
        "task": "participants.tasks.task_redeliver_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Alumni news scheduled for later is mailed to the members when it comes due (alumni.services.news_mail).
    "alumni-news-due": {
        "task": "alumni.tasks.task_mail_due_news",
        "schedule": crontab(minute="*/10"),
    },
    # Alumni digests (weekly or monthly, as each member chose), once per member and period (a ledger).
    "alumni-meetup-reminders-daily": {
        "task": "alumni.tasks.task_send_meetup_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "alumni-digests-daily": {
        "task": "alumni.tasks.task_enqueue_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
# A worker's claim on a mail (participants.services.mail_ledger: reminders and every other mail) expires
# after this many seconds; an unsent mail with an expired claim is delivered again.
REMINDER_CLAIM_SECONDS = env.int("REMINDER_CLAIM_SECONDS", default=600)
# The total time one send may take (connect, every SMTP step, the end of data), after which it is aborted and
# its claim released. Well below the claim, so that a send never outlives it (capped at a quarter of it).
MAIL_SEND_BUDGET_SECONDS = min(env.float("MAIL_SEND_BUDGET_SECONDS", default=60.0), REMINDER_CLAIM_SECONDS / 4)
# How many days after a deadline a missed reminder is still sent (saying the deadline has passed).
REMINDER_CATCH_UP_DAYS = env.int("REMINDER_CATCH_UP_DAYS", default=2)

# --- Mail --------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_FILE_PATH"):
    # django-environ drops the leading "/" of filemail:///abs/path; keep the path absolute.
    EMAIL_FILE_PATH = "/" + str(EMAIL_CONFIG["EMAIL_FILE_PATH"]).lstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SKS事務局 <no-reply@sks.example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[SKS] "

# --- Accounts ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "participants.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "participants.forms.accounts.SeniorSignupExtraForm"
ACCOUNT_ADAPTER = "participants.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "participants.forms.login.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SKS] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    # 5 wrong passwords for one address lock it for 15 minutes; 20 a minute from one IP.
    "login_failed": "20/m/ip,5/15m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SKS"
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = True
# "Last seen" of a session is written at most this often (seconds), not on every request: see
# sks.middleware.SessionActivityMiddleware.
SESSION_ACTIVITY_INTERVAL = env.int("SESSION_ACTIVITY_INTERVAL", default=300)
# Django's database sessions, read with a statement compiled once per process (sks/sessions.py).
SESSION_ENGINE = "sks.sessions"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if DJANGO_ENV == "test":
    # Fast hashing keeps the suite quick; the production hasher is asserted by a settings test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STAFF_INVITATION_DAYS = env.int("STAFF_INVITATION_DAYS", default=7)

# --- Language and time -------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("英語"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Named date formats per language (sks/formats/<lang>/formats.py): templates and code use the names,
# never a hand-built "Y年n月j日", so dates follow the active language.
FORMAT_MODULE_PATH = ["sks.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION  # serve static/ directly in development and tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"

# --- Security ------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The same policy in every environment, so that development and the browser tests meet any inline
# script or style long before production does. htmx's indicator styles are switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The TOTP enrolment page shows its QR code as an SVG data: URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

# --- Audit -----------------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging -----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security.csrf": {"level": "WARNING"}},
}

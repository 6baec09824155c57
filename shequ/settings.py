"""Settings for shequ, read from the environment.

With nothing set the app runs in development mode: SQLite under var/, tasks run in process,
e-mail printed to the console. Every value that is set is checked, and a bad one stops the
start-up with a message naming the variable, rather than running half-configured.
"""

import base64
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    if name not in os.environ:
        return default
    value = os.environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}"
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_crontab(name: str, default: str) -> crontab:
    raw = env_str(name, default)
    fields = raw.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name} must be a 5-field cron expression (minute hour day month weekday); got {raw!r}"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid cron expression: {exc}") from None


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-shequ-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "With DEBUG=0, SECRET_KEY must be set to a random value of at least 50 characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("With DEBUG=0, ALLOWED_HOSTS must list the host names served.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "shequ",
    "residents",
    "grievances",
    "partybuild",
    "volunteers",
    "assessments",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shequ.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "shequ.urls"
WSGI_APPLICATION = "shequ.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shequ.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "shequ.forms.BootstrapFormRenderer"

_database_url = env_str("DATABASE_URL")
if not _database_url:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    _database_url = f"sqlite:///{BASE_DIR / 'var' / 'shequ.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Key for residents' ID and phone numbers. Development gets a random key kept under var/ (never in
# the repository); production must supply its own and keep it as safe as the database backups.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "With DEBUG=0, FIELD_ENCRYPTION_KEY must be set (32 random bytes, base64): "
            "see README.md, Configuration."
        )
    _dev_key_file = BASE_DIR / "var" / "field-encryption.key"
    if not _dev_key_file.exists():
        _dev_key_file.parent.mkdir(exist_ok=True)
        _dev_key_file.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
        _dev_key_file.chmod(0o600)
    FIELD_ENCRYPTION_KEY = _dev_key_file.read_text().strip()

_cache_url = env_str("CACHE_URL")
if _cache_url.startswith(("redis://", "rediss://")):
    # While Redis is unreachable the cache falls back to process memory (and says so in the
    # log), so logins and their rate limits keep working: see shequ/cache.py.
    CACHES = {
        "default": {
            "BACKEND": "shequ.cache.FallbackRedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL; got {_cache_url!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With Redis, a signed-in request reads its session from the cache, not the database
# (shequ/sessions.py); a per-process memory cache could not be shared by gunicorn's workers.
SESSION_ENGINE = "shequ.sessions" if _cache_url else "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "shequ.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "shequ.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "shequ.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "shequ.forms.LoginForm"}
ACCOUNT_USER_DISPLAY = "shequ.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"username", "email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Staff phone numbers are entered by an administrator; offices have no SMS gateway to verify them.
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A few tries per minute from one address, then five failures for one account lock that account
# for a quarter of an hour.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/15m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "shequ"
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_MINUTES", 30, minimum=1) * 60

LANGUAGE_CODE = "zh-hans"
# No English: the pages are written in Chinese, and a browser set to English would otherwise get
# Django's own messages ("This field is required.") in English among them.
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "shequ@localhost")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# How many proxies of our own stand in front (nginx alone: 1). Client addresses, for the
# per-address login limit and the access log, are then read from X-Forwarded-For (see
# shequ.net.client_ip); with 0 the header is ignored, since anyone can write it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How notifications leave the outbox (shequ.outbox): the log by default, e-mail through the
# EMAIL_* settings with "shequ.outbox.EmailBackend", or a class of the deployment's own (SMS).
NOTIFICATION_BACKEND = env_str("NOTIFICATION_BACKEND", "shequ.outbox.LoggingBackend")
# The address residents reach the site at, for links in messages sent outside any request.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# Without a broker the embedded default still works: tasks run in the request's process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sessions-clear-expired": {
        "task": "shequ.tasks.sessions_clear_expired",
        "schedule": env_crontab("SESSIONS_CLEAR_CRON", "17 3 * * *"),
        "options": {"expires": 23 * 3600},
    },
    # Officials' population figures. Each change refreshes its community within seconds; this
    # run catches up birthdays (age groups move at midnight) and refreshes lost with the broker.
    "population-refresh": {
        "task": "residents.tasks.population_refresh",
        "schedule": env_crontab("POPULATION_REFRESH_CRON", "7 * * * *"),
        "options": {"expires": 50 * 60},
    },
    # Officials' grievance figures. Each step of a case, and the sweep's marks as open cases pass
    # their time limit, refresh its community; this run catches up refreshes lost with the
    # broker, and the nightly one recounts every community (40 s for 500,000 cases).
    "grievance-months-catch-up": {
        "task": "grievances.tasks.grievance_months_catch_up",
        "schedule": env_crontab("GRIEVANCE_STATS_CRON", "17 * * * *"),
        "options": {"expires": 50 * 60},
    },
    "grievance-months-refresh": {
        "task": "grievances.tasks.grievance_months_refresh",
        "schedule": env_crontab("GRIEVANCE_STATS_FULL_CRON", "47 2 * * *"),
        "options": {"expires": 23 * 3600},
    },
    # Officials' 三会一课 figures. Every change refreshes its community; this run catches up
    # refreshes lost with the broker, and the nightly one, right after midnight, recounts every
    # community as the month just ended falls due (1.3 s for 1,000 communities).
    "partybuild-compliance-catch-up": {
        "task": "partybuild.tasks.compliance_catch_up",
        "schedule": env_crontab("PARTY_COMPLIANCE_CRON", "27 * * * *"),
        "options": {"expires": 50 * 60},
    },
    "partybuild-compliance-refresh": {
        "task": "partybuild.tasks.compliance_refresh",
        "schedule": env_crontab("PARTY_COMPLIANCE_FULL_CRON", "5 0 * * *"),
        "options": {"expires": 23 * 3600},
    },
    # The monthly assessment: last month of every district, scored on the 1st before anyone
    # opens the dashboards.
    "assessments-score-last-month": {
        "task": "assessments.tasks.score_last_month",
        "schedule": env_crontab("ASSESSMENT_SCORING_CRON", "0 2 1 * *"),
        "options": {"expires": 20 * 3600},
    },
    # Party dues: the new month's rows for every member who owes it, early on the 1st.
    "partybuild-dues-open-month": {
        "task": "partybuild.tasks.dues_open_month",
        "schedule": env_crontab("PARTY_DUES_CRON", "10 0 1 * *"),
        "options": {"expires": 20 * 3600},
    },
    # Volunteers: a place offered from the waitlist and not confirmed in time goes to the next.
    "volunteers-offers-lapse": {
        "task": "volunteers.tasks.sign_up_offers_lapse",
        "schedule": env_crontab("VOLUNTEER_OFFERS_CRON", "*/5 * * * *"),
        "options": {"expires": 4 * 60},
    },
    # Volunteers' weekly shifts (the night patrol), made some weeks ahead, each once.
    "volunteers-shifts-ahead": {
        "task": "volunteers.tasks.activities_from_templates",
        "schedule": env_crontab("VOLUNTEER_SHIFTS_CRON", "20 1 * * *"),
        "options": {"expires": 20 * 3600},
    },
    # Volunteers still checked in when their activity ended: checked out, hours to review.
    "volunteers-check-out": {
        "task": "volunteers.tasks.sign_ups_check_out",
        "schedule": env_crontab("VOLUNTEER_CHECK_OUT_CRON", "*/15 * * * *"),
        "options": {"expires": 14 * 60},
    },
    # Notifications whose enqueue was lost with the broker, and retries of failed ones.
    "outbox-deliver": {
        "task": "shequ.tasks.outbox_deliver",
        "schedule": env_crontab("OUTBOX_DELIVER_CRON", "* * * * *"),
        "options": {"expires": 50},
    },
    # Grievances reaching 70 % of their time limit (yellow) or passing it (overdue).
    "grievance-time-limits": {
        "task": "grievances.tasks.sweep_time_limits",
        "schedule": env_crontab("GRIEVANCE_TIME_LIMITS_CRON", "2 * * * *"),
        "options": {"expires": 50 * 60},
    },
    # Asking residents whether a case replied to 14 days ago is solved: once a day, in office
    # hours, so the text does not arrive at night.
    "grievance-follow-up": {
        "task": "grievances.tasks.follow_up_replies",
        "schedule": env_crontab("GRIEVANCE_FOLLOW_UP_CRON", "30 10 * * *"),
        "options": {"expires": 23 * 3600},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

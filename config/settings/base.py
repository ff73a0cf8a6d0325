"""Settings shared by every environment.

The environment is read here and only here; dev.py, test.py and production.py
override values, they never read os.environ themselves.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# --- Values read from the environment -------------------------------------------

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public address of the site, used in e-mails, QR codes and certificates.
# `make run` passes its PORT as ESC_PORT, so links and QR codes point at the running server.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('ESC_PORT', '8000')}").rstrip("/")

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")

# The BBB emulator of `make run` listens on BBB_PORT (default 8090), so two copies can run.
BBB_EMULATOR_PORT = int(env("BBB_PORT", "8090"))
BBB_URL = env("BBB_URL", f"http://127.0.0.1:{BBB_EMULATOR_PORT}/bigbluebutton/api/")
BBB_SECRET = env("BBB_SECRET", "dev-bbb-secret-change-me")
BBB_CHECKSUM_ALGORITHM = env("BBB_CHECKSUM_ALGORITHM", "sha256")
BBB_TIMEOUT_SECONDS = float(env("BBB_TIMEOUT_SECONDS", "5"))
# Register a bbb-webhooks hook per meeting (the server must have bbb-webhooks installed).
BBB_WEBHOOKS = env_bool("BBB_WEBHOOKS", False)
# BBB_URL is a Scalelite load balancer: no webhooks, and a join checks a running meeting
# again after 10 s instead of 120 s (Scalelite answers an unknown join with raw XML).
BBB_SCALELITE = env_bool("BBB_SCALELITE", False)

EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Every e-mail comes from a name a participant recognises. A DEFAULT_FROM_EMAIL in the
# environment that is a bare address gets this name; one with its own name keeps it.
DEFAULT_FROM_NAME = env("DEFAULT_FROM_NAME", "โครงการเมืองสิ่งแวดล้อมยั่งยืน กรมส่งเสริมการปกครองท้องถิ่น")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@esc-training.local")
if "<" not in DEFAULT_FROM_EMAIL:
    DEFAULT_FROM_EMAIL = f"{DEFAULT_FROM_NAME} <{DEFAULT_FROM_EMAIL}>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Certificates: PDFs kept outside MEDIA_ROOT (no public URL); the public verify page
# allows this many look-ups per client IP and window; proxies in front of the app that
# append to X-Forwarded-For (0: use REMOTE_ADDR).
CERTIFICATE_PDF_ROOT = env("CERTIFICATE_PDF_ROOT", str(BASE_DIR / "private" / "certificates"))
CERTIFICATE_VERIFY_RATE_LIMIT = int(env("CERTIFICATE_VERIFY_RATE_LIMIT", "60"))
CERTIFICATE_VERIFY_RATE_WINDOW_SECONDS = int(env("CERTIFICATE_VERIFY_RATE_WINDOW_SECONDS", "600"))
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# The DLA round dashboard's country-wide counts are recounted this long after the first
# change that moves them (changes in the meantime are counted together).
REPORTS_SUMMARY_DELAY_SECONDS = int(env("REPORTS_SUMMARY_DELAY_SECONDS", "30"))
# LINE (docs/line.md): the Messaging API channel sends the notices; the LINE Login channel
# links accounts. The channel is off while the access token or the secret is unset. The two
# addresses point at LINE (or at the emulator: `make run`, tests).
LINE_CHANNEL_ACCESS_TOKEN = env("LINE_CHANNEL_ACCESS_TOKEN")
LINE_CHANNEL_SECRET = env("LINE_CHANNEL_SECRET")
LINE_LOGIN_CHANNEL_ID = env("LINE_LOGIN_CHANNEL_ID")
LINE_LOGIN_CHANNEL_SECRET = env("LINE_LOGIN_CHANNEL_SECRET")
LINE_API_URL = env("LINE_API_URL", "https://api.line.me").rstrip("/")
LINE_ACCESS_URL = env("LINE_ACCESS_URL", "https://access.line.me").rstrip("/")
# The official account's "add friend" link (https://line.me/R/ti/p/@...), shown with the code.
LINE_ADD_FRIEND_URL = env("LINE_ADD_FRIEND_URL")
LINE_TIMEOUT_SECONDS = float(env("LINE_TIMEOUT_SECONDS", "10"))
# 429 (rate limit) and 5xx are retried after 1, 2, 4 ... seconds, this many tries in all.
LINE_RETRY_ATTEMPTS = int(env("LINE_RETRY_ATTEMPTS", "4"))
LINE_RETRY_BASE_SECONDS = float(env("LINE_RETRY_BASE_SECONDS", "1"))
# The port `make run` gives the LINE emulator (Procfile.dev).
LINE_EMULATOR_PORT = int(env("LINE_EMULATOR_PORT", "8091"))

# Production-only switches, read here so production.py never touches os.environ.
SECURE_SSL_REDIRECT_ENABLED = env_bool("SECURE_SSL_REDIRECT", True)
# The production settings serve plain http only with this flag, and then only on this
# machine (127.0.0.1/localhost): `make prod` and the benchmarks set it.
LOCAL_ONLY = env_bool("ESC_LOCAL_ONLY", False)

# The task worker beats this often; a worker silent for WORKER_STALE_SECONDS counts as dead
# (/readyz/ says so, and its running task is queued again: config/worker.py).
WORKER_HEARTBEAT_SECONDS = float(env("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_STALE_SECONDS = float(env("WORKER_STALE_SECONDS", "30"))
# /readyz/ asks BigBlueButton at most this often per process.
READYZ_BBB_CACHE_SECONDS = float(env("READYZ_BBB_CACHE_SECONDS", "30"))

# --- Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    # Our apps first, so their templates and translations win. `config` first of all: its
    # db_worker command takes the place of django-tasks-db's (config/worker.py).
    "config",
    "core",
    "accounts",
    "courses",
    "sessions.apps.TrainingSessionsConfig",
    "assessments",
    "sar",
    "certificates",
    "line.apps.LineNoticesConfig",  # notifications over LINE (label line_notices)
    "reports",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.users_app.UsersAppConfig",  # wagtail.users with role and province
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Third parties
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.line",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Django
    "accounts.admin_site.DlaAdminConfig",  # django.contrib.admin, DLA administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database error in a view: the Thai 503 page, not a 500 (config/outage.py).
    "config.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.security.StaffOnlyAdminMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "config.security.MalformedRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # Thai date and digit filters, available in every template without {% load %}.
            "builtins": ["core.thai"],
        },
    },
]

# --- Database -------------------------------------------------------------------

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: a worker and the server write at once, so take the
    # write lock at BEGIN and wait for it instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it cost 0.5-0.8 s per dashboard query (7,850 LAOs) to save
    # milliseconds; a web application's short queries never gain from it (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A PostgreSQL host that does not answer fails the request in 5 s (libpq would wait for
    # ever); the Thai 503 page says so (config/outage.py).
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # A kept-alive connection is checked before a request reuses it, so the first request
    # after PostgreSQL restarted gets a fresh one instead of an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 for new passwords; older hashes are upgraded at the next log-in.
PASSWORD_HASHERS = [
    "config.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Both admin screens log in through allauth (accounts.admin_site): one rate limit, one
# e-mail verification. Wagtail's own password reset is replaced by allauth's.
WAGTAIL_PASSWORD_RESET_ENABLED = False
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# A changed or newly set password, a changed or removed e-mail address: the owner is told
# by e-mail (templates/account/email/, our own Thai; accounts.adapter sends them in Thai
# with SITE_URL's links).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Sign-up takes the profile, the LAO and the PDPA consent on the same page (accounts.forms).
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# A nominated officer whose invitation was lost or expired gets a new one from sign-up or
# "Forgot your password?" (accounts.claim).
ACCOUNT_FORMS = {
    "signup": "accounts.claim.SignupForm",
    "reset_password": "accounts.claim.ResetPasswordForm",
}
# Confirming the e-mail in the browser that signed up logs in and returns to the enrolment.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Officers are told plainly that an e-mail is already registered (with a log-in link)
# rather than sent a "you already have an account" e-mail: see docs/registration.md.
ACCOUNT_PREVENT_ENUMERATION = False
# allauth's rate limits (per IP and per account, counted in the cache): failed log-ins,
# sign-ups, password resets, confirmation e-mails. A whole training room may sign up from
# one office IP after the circular arrives, hence 100 sign-ups a minute per IP.
# The "key" of failed log-ins is the account AND the client address (accounts.adapter):
# an attacker's wrong passwords never lock the owner out from another connection.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "100/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# LINE Login links a LINE account to a signed-in participant (line/). With the channel ID
# in the environment the app is configured here; `make run` makes a SocialApp row for the
# emulator instead (seed_demo). bot_prompt offers to add the official account as a friend.
SOCIALACCOUNT_ADAPTER = "line.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "line": {
        "SCOPE": ["profile"],
        "AUTH_PARAMS": {"bot_prompt": "aggressive"},
        **(
            {"APPS": [{"client_id": LINE_LOGIN_CHANNEL_ID, "secret": LINE_LOGIN_CHANNEL_SECRET}]}
            if LINE_LOGIN_CHANNEL_ID
            else {}
        ),
    }
}
# Behind the reverse proxy the client address is the last hop of X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# The DLA round dashboard's country-wide counts are recounted this long after the first
# change that moves them (changes in the meantime are counted together).
REPORTS_SUMMARY_DELAY_SECONDS = int(env("REPORTS_SUMMARY_DELAY_SECONDS", "30"))

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Security headers -------------------------------------------------------------

# No inline scripts or styles anywhere on our pages: scripts and styles come from our own
# static files. Wagtail's admin needs inline code; config.security relaxes it there only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Static and media -------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Several application hosts share one MEDIA_ROOT (NFS or the like): docs/deploy.md.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache and sessions -----------------------------------------------------------

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous pages are cached this many seconds (see cms.views).
ANONYMOUS_PAGE_CACHE_SECONDS = int(env("ANONYMOUS_PAGE_CACHE_SECONDS", "60"))

# --- Background tasks -------------------------------------------------------------

# Wagtail's own tasks (search index, reference index) run inline on "default";
# ours go to the database queue served by `manage.py db_worker --backend db`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "certificates", "mail", "line"],
    },
}

# --- E-mail -----------------------------------------------------------------------

# EMAIL_BACKEND (the environment variable) delivers: SMTP unless it says otherwise. The
# setting wraps it so that e-mail a task sends keeps its Message-ID when the task runs again
# after a worker was killed (config/mail.py).
EMAIL_DELIVERY_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_BACKEND = "config.mail.StableMessageIdBackend"

# --- Wagtail ----------------------------------------------------------------------

WAGTAIL_SITE_NAME = "ESC Training"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: no outside requests from the admin, nothing leaked.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- SAR sandbox ------------------------------------------------------------------

# The indicator framework (a versioned data file); DCCE's official set replaces it here.
SAR_FRAMEWORK_FILE = BASE_DIR / "sar" / "frameworks" / "sandbox-v1.json"

# --- Logging ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per inline Wagtail index task is noise.
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        # Wagtail logs every page and snippet action at INFO; its audit log keeps them.
        "wagtail": {"level": "WARNING"},
    },
}

"""LeBRQ settings: one module, configured from the environment (see .env.example)."""

import ipaddress
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import django_stubs_ext
import environ
from corsheaders.defaults import default_headers
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

# Generic Django classes (admin.ModelAdmin[Booking]...) subscriptable at run time, for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it in the environment or in .env "
            "(see .env.example)."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - only ever used with DEBUG=1

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    # Refresh tokens rotate and are blacklisted on use and logout (accounts/tokens.py).
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    # django.tasks on our own database: invoice PDFs are rendered by `manage.py db_worker`.
    "django_tasks_db",
    "lebrq",
    "notify",
    "accounts",
    "bookings",
    "uploads",
    "content",
    "payments",
    "programs",
    "transport",
    "messaging",
    "hr",
    "contests",
    "offers",
    "vendors",
    "brokers",
    "racks",
    "ops",
    # manage.py import_legacy: the cut-over from the legacy MySQL database (docs/CUTOVER.md).
    "legacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "ops.middleware.ConcurrencyLimitMiddleware",
    "lebrq.middleware.ApiTrailingSlashMiddleware",
    # The matched route and the user, for the access line and the metrics (ops/telemetry.py).
    "ops.middleware.RequestFactsMiddleware",
    # With a read replica: a request that may write pins its user's reads to the primary
    # (lebrq/db_routers.py). Without one it removes itself at start-up.
    "lebrq.db_routers.PinWritersToPrimaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out admin login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# What the JSON API runs (lebrq/handlers.py): MIDDLEWARE without what only browser pages
# use (sessions, CSRF, auth, messages, clickjacking, axes), and the security and common
# middleware run on the event loop. The admin and Swagger UI keep MIDDLEWARE.
API_MIDDLEWARE = [
    "lebrq.middleware.InlineSecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "ops.middleware.ConcurrencyLimitMiddleware",
    "lebrq.middleware.ApiTrailingSlashMiddleware",
    "ops.middleware.RequestFactsMiddleware",
    # With a read replica: a request that may write pins its user's reads to the primary
    # (lebrq/db_routers.py). Without one it removes itself at start-up.
    "lebrq.db_routers.PinWritersToPrimaryMiddleware",
    "lebrq.middleware.InlineCommonMiddleware",
]

ROOT_URLCONF = "lebrq.urls"
WSGI_APPLICATION = "lebrq.wsgi.application"
ASGI_APPLICATION = "lebrq.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------


def _database(url: str) -> dict[str, Any]:
    """A database from its URL, with what each of our connections to it needs per engine."""
    database: dict[str, Any] = dict(env.db_url_config(url))
    # Under ASGI every request runs in a fresh thread, so persistent connections are never
    # reused and pile up until MariaDB answers "1040 Too many connections" (docs/DESIGN.md,
    # Memory). Not a knob.
    database["CONN_MAX_AGE"] = 0
    if database["ENGINE"] == "django.db.backends.mysql":
        database.setdefault("OPTIONS", {}).update(
            {
                "charset": "utf8mb4",
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
                "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=5),
            }
        )
        database["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    elif database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
        )
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the demo server read while a booking is written; the timeout waits for locks.
        database.setdefault("OPTIONS", {}).update(
            {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
        )
    return database


DATABASES = {
    "default": _database(env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
# A read replica of that database (docs/SCALING.md): the staff lists, catalog and calendars
# read it; writes, locks, transactions and whoever just wrote read the primary
# (lebrq/db_routers.py). Empty: one database, no router.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
# How long after a request that may write its user (and client address) read the primary.
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL."
        )
    # The test suite has one database: the replica alias reads the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lebrq.db_routers.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process memory by default; point the workers at one shared cache with e.g.
# redis://127.0.0.1:6379/1 (needs the redis package).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# REDIS_URL (e.g. redis://127.0.0.1:6379/1) puts the cache in Redis through Django's own
# RedisCache: the rate limits (THROTTLE_RATES) and token revocations are then counted once
# for all workers. Unset, CACHE_URL (per-process memory by default) stays in force.
REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that does not answer (a host down, a partition) must not hold requests: redis-py
# waits forever by default. Every cache use degrades when it fails (lebrq/cache.py).
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
# Seconds a user's row (password left out) stays cached for authentication instead of a query
# per request (accounts/user_cache.py); dropped whenever the user changes. Only a cache every
# worker shares can be told of a suspension: 0 (off) unless REDIS_URL is set.
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes: locks the admin's login form after AXES_FAILURE_LIMIT failures (the API's
    # login has THROTTLE_RATES instead). First, so a locked-out client never reaches a hasher.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
# Only the admin site's login is tracked; failures counted per client address (the one the
# API's throttles see, NUM_PROXIES) in the database, cleared after AXES_COOLOFF_HOURS.
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "lebrq.admin_lockout.AdminOnlyDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_CLIENT_IP_CALLABLE = "lebrq.api.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
# Successful logins are not logged row by row: only failures matter for a lockout.
AXES_DISABLE_ACCESS_LOG = True
# No startup banner in every manage.py command's output.
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Eight spaces passed the length check.
    {"NAME": "accounts.password_validation.NotOnlyWhitespaceValidator"},
]

# Django's hashers, then the verify-only one for the legacy backend's passlib hashes: new
# hashes use the first, and a legacy hash is replaced by it at its owner's next login.
# Django's PBKDF2 is there as accounts.hashers.LowPriorityPBKDF2PasswordHasher (the same
# hashes, computed at a lower CPU priority), in its place: hashers are found by algorithm
# name, and a later one of the same name would win.
PASSWORD_HASHERS = [
    "accounts.hashers.LowPriorityPBKDF2PasswordHasher",
    *(
        hasher
        for hasher in global_settings.PASSWORD_HASHERS
        if hasher != "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    ),
    "accounts.hashers.LegacyPBKDF2SHA256PasswordHasher",
]
# How much lower (a nice increment, 1-19) the CPU priority of password hashing and picture
# re-encoding is than that of answering requests (lebrq/low_priority.py): under a login or
# upload flood the other requests keep the CPU. 0 runs that work in the request's thread.
LOW_PRIORITY_NICE = env.int("LOW_PRIORITY_NICE", default=10)
# Cut-over (docs/CUTOVER.md): bearer tokens the legacy backend signed with this secret are
# accepted until LEGACY_JWT_ACCEPT_UNTIL (ISO 8601; naive means TIME_ZONE); with either empty,
# never.
LEGACY_JWT_SECRET = env.str("LEGACY_JWT_SECRET", default="")
_legacy_jwt_until = env.str("LEGACY_JWT_ACCEPT_UNTIL", default="")
LEGACY_JWT_ACCEPT_UNTIL: datetime | None = None
if _legacy_jwt_until:
    try:
        LEGACY_JWT_ACCEPT_UNTIL = datetime.fromisoformat(_legacy_jwt_until)
    except ValueError:
        raise ImproperlyConfigured(
            f"LEGACY_JWT_ACCEPT_UNTIL={_legacy_jwt_until!r} is not an ISO 8601 date and time."
        ) from None
    if LEGACY_JWT_ACCEPT_UNTIL.tzinfo is None:
        LEGACY_JWT_ACCEPT_UNTIL = LEGACY_JWT_ACCEPT_UNTIL.replace(
            tzinfo=ZoneInfo(env.str("TIME_ZONE", default="Asia/Kolkata"))
        )

ADMIN_USERNAME = env.str("ADMIN_USERNAME", default="admin")
ADMIN_EMAIL = env.str("ADMIN_EMAIL", default="")
ADMIN_PASSWORD = env.str("ADMIN_PASSWORD", default="")
# Most rows one admin action (approve, delete…) may touch: the work must end well within
# gunicorn's timeout and in bounded memory, whatever "select all" covers.
ADMIN_ACTION_MAX_ROWS = env.int("ADMIN_ACTION_MAX_ROWS", default=500)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The venue's local time: naive datetimes from the frontend are read in it, responses carry it.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}
# Files on object storage (docs/SCALING.md, Files), so that every app server sees every file:
# with a bucket, uploads and their previews go to it under media/ and the rendered PDFs
# (invoices, receipts, salary slips, vendor sheets) under invoices/, instead of MEDIA_ROOT and
# INVOICE_DIR; downloads answer 302 to a presigned URL after the access check. Without one
# (`make run`, the suite) nothing changes. Keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
# from the environment (django-storages reads them), else boto3's chain (an instance role).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _bucket_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # S3-compatible services (MinIO, R2, moto...): their URL; empty for AWS itself.
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # "path" for services without virtual-hosted buckets; empty: botocore decides.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        # Seconds a presigned download URL works (a video being watched needs it meanwhile).
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=600),
        # Uploads are sent in parts of this many MiB, this many at once (memory: about
        # 2 x concurrency x part size per upload in progress).
        "multipart_chunk_mb": env.int("AWS_S3_MULTIPART_CHUNK_MB", default=8),
        "upload_concurrency": env.int("AWS_S3_UPLOAD_CONCURRENCY", default=2),
    }
    STORAGES["default"] = {
        "BACKEND": "lebrq.bucket_storage.BucketStorage",
        "OPTIONS": {**_bucket_options, "location": "media"},
    }
    STORAGES["invoices"] = {
        "BACKEND": "lebrq.bucket_storage.BucketStorage",
        "OPTIONS": {**_bucket_options, "location": "invoices"},
    }
SERVESTATIC_AUTOREFRESH = DEBUG

# Uploads go to disk after this many bytes, so a request never holds a whole file in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
FILE_UPLOAD_PERMISSIONS = 0o640
# Non-file form/JSON bodies are small; the ASGI body limit (ops) guards the total first.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("UPLOAD_MAX_FILES", default=10)
UPLOAD_MAX_FILES = DATA_UPLOAD_MAX_NUMBER_FILES
UPLOAD_MAX_FILE_SIZE_MB = env.int("UPLOAD_MAX_FILE_SIZE_MB", default=10)
# Videos (POST /uploads/video, gallery and item media videos) may be this large (MB; the
# legacy's 100). Their routes are in UPLOAD_PATH_REGEX, so the body limit is the upload one.
VIDEO_UPLOAD_MAX_FILE_SIZE_MB = env.int("VIDEO_UPLOAD_MAX_FILE_SIZE_MB", default=100)
# The legacy took /uploads/poster and /uploads/program-images without a login, and the
# frontend still sends no token there: pictures stored that way (all callers together) are
# capped at this many an hour (429 past it).
ANONYMOUS_UPLOADS_PER_HOUR = env.int("ANONYMOUS_UPLOADS_PER_HOUR", default=200)
# JSON bodies carrying a base64 picture (PUT /auth/profile/image) may be this large (MB);
# other JSON bodies stay under DATA_UPLOAD_MAX_MEMORY_SIZE.
PICTURE_JSON_MAX_MB = env.int("PICTURE_JSON_MAX_MB", default=10)
# Decoded pixels one worker may hold at once while re-encoding images (uploads/decoding.py):
# each image reserves width x height x 6 bytes of it first, and waits up to
# IMAGE_DECODE_WAIT_SECONDS for room (then 503 + Retry-After). Keep it well under
# WORKER_MAX_RSS_MB.
IMAGE_DECODE_BUDGET_MB = env.int("IMAGE_DECODE_BUDGET_MB", default=240)
IMAGE_DECODE_WAIT_SECONDS = env.float("IMAGE_DECODE_WAIT_SECONDS", default=10.0)
# Pillow refuses images above this many pixels (decompression bombs). By default what one
# image may take of the decode budget (6 bytes a pixel), at most 40 megapixels.
MAX_IMAGE_PIXELS = env.int(
    "MAX_IMAGE_PIXELS", default=min(40_000_000, IMAGE_DECODE_BUDGET_MB * 1024 * 1024 // 6)
)
# Profile pictures are stored shrunk to fit this square (pixels); a JPEG is decoded at a
# reduced scale to begin with, so a phone's 12-megapixel photo costs a fraction of its size.
PROFILE_IMAGE_MAX_SIDE = env.int("PROFILE_IMAGE_MAX_SIDE", default=1024)
# What one customer may store in all (MB; staff are not limited); past it an upload is 413.
UPLOAD_QUOTA_PER_USER_MB = env.int("UPLOAD_QUOTA_PER_USER_MB", default=500)
# "stream": Django streams the bytes; "x-accel": Django checks access, nginx sends the bytes.
FILE_SERVE_MODE = env.str("FILE_SERVE_MODE", default="stream")
X_ACCEL_PREFIX = env.str("X_ACCEL_PREFIX", default="/protected-media/")

# --- Bookings -------------------------------------------------------------------------------
BOOKING_MAX_HOURS = env.int("BOOKING_MAX_HOURS", default=24)
# What one customer may hold at once (bookings/limits.py; staff are not limited): bookings
# awaiting payment or approval, how far ahead a booking may start, and how long a free
# booking may wait for staff before it expires and frees its slot (also once it starts).
BOOKING_MAX_PENDING_PER_CUSTOMER = env.int("BOOKING_MAX_PENDING_PER_CUSTOMER", default=5)
BOOKING_MAX_DAYS_AHEAD = env.int("BOOKING_MAX_DAYS_AHEAD", default=365)
BOOKING_PENDING_EXPIRY_HOURS = env.int("BOOKING_PENDING_EXPIRY_HOURS", default=72)
# Yoga and zumba subscriptions (booking_type daily or monthly): the prices when the program
# booking's note names none ("Fees: daily=450, monthly=1200"), and the longest subscription.
PROGRAM_DAY_PRICE = Decimal(env.str("PROGRAM_DAY_PRICE", default="450"))
PROGRAM_MONTH_PRICE = Decimal(env.str("PROGRAM_MONTH_PRICE", default="1200"))
SUBSCRIPTION_MAX_MONTHS = env.int("SUBSCRIPTION_MAX_MONTHS", default=12)
CANCELLATION_MIN_NOTICE_HOURS = env.int("CANCELLATION_MIN_NOTICE_HOURS", default=24)
# Not a knob: who finds the offers and coupons a customer's total includes (by dotted path,
# since the offers app sits above bookings); empty: none.
BOOKING_DISCOUNTS = "offers.services.discounts_for_booking"

# --- Payments -------------------------------------------------------------------------------
# "local" keeps orders, payments and refunds in this process's database only (development and
# `make run`: no account, no network); "razorpay" uses Razorpay's API through its official
# client, at RAZORPAY_BASE_URL (tests and staging point it at a fake or a proxy).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="local")
RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAY_BASE_URL = env.str("RAZORPAY_BASE_URL", default="https://api.razorpay.com")
# Each call to Razorpay gives up after this long; 429 and 5xx answers are retried this many
# times with exponential backoff from RAZORPAY_RETRY_BACKOFF_SECONDS, then the client gets a
# 503 with Retry-After.
RAZORPAY_TIMEOUT_SECONDS = env.float("RAZORPAY_TIMEOUT_SECONDS", default=10.0)
RAZORPAY_MAX_RETRIES = env.int("RAZORPAY_MAX_RETRIES", default=2)
RAZORPAY_RETRY_BACKOFF_SECONDS = env.float("RAZORPAY_RETRY_BACKOFF_SECONDS", default=0.5)
# A customer's booking holds its slot this long while the customer pays; unpaid, it expires
# and frees the slot (payments.tasks.payment_holds_expire), and a payment arriving later is
# refunded.
PAYMENT_HOLD_MINUTES = env.int("PAYMENT_HOLD_MINUTES", default=15)
# Not a knob: what `manage.py payments_tick` queues every minute (lebrq-payments-tick.timer).
PERIODIC_TASKS = [
    "payments.tasks.payment_holds_expire",
    "payments.tasks.reconcile_payments",
    "programs.tasks.ticket_payments_return_unclaimed",
    "offers.tasks.uses_release_unpaid",
    "contests.tasks.contest_proofs_sweep",
    "bookings.tasks.pending_bookings_expire",
    "accounts.tasks.expired_tokens_flush_task",
]
# Payments still pending this long after their order are asked about (reconcile_payments).
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=10)

# --- Programs and tickets ---------------------------------------------------------------------
# The frontend's address: a ticket's QR code opens its /verify/participant page there.
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:8081")

# --- Transport: vehicles, locations (transport/README.md) ----------------------------
# The office the transport screens measure distances to (GET /locations/office-address): its
# full address, the short form geocoders find, and where it is (for the "local" geocoder).
TRANSPORT_OFFICE_NAME = env.str("TRANSPORT_OFFICE_NAME", default="Le BRQ Office")
TRANSPORT_OFFICE_ADDRESS = env.str(
    "TRANSPORT_OFFICE_ADDRESS",
    default="Second Floor, City Complex, NH Road, Karandakkad, Kasaragod, Kerala, India",
)
TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS = env.str(
    "TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS", default="Kasaragod, Kerala, India"
)
TRANSPORT_OFFICE_LATITUDE = env.float("TRANSPORT_OFFICE_LATITUDE", default=12.4996)
TRANSPORT_OFFICE_LONGITUDE = env.float("TRANSPORT_OFFICE_LONGITUDE", default=74.9869)
# A booked vehicle is held this long before its booking starts (pickup) and after it ends
# (drop-off), so two bookings of one vehicle are at least twice this far apart.
TRANSPORT_VEHICLE_TURNAROUND_MINUTES = env.int("TRANSPORT_VEHICLE_TURNAROUND_MINUTES", default=60)
# "local" knows only the office (no network: development and tests); "nominatim" asks
# OpenStreetMap's Nominatim at NOMINATIM_BASE_URL, as the legacy did.
GEOCODER_BACKEND = env.str("GEOCODER_BACKEND", default="local")
# Countries searched (ISO codes, comma-separated), as the legacy's countrycodes=in.
GEOCODER_COUNTRY_CODES = env.str("GEOCODER_COUNTRY_CODES", default="in")
# Answers are kept this long in the cache (Nominatim's policy asks clients to cache).
GEOCODER_CACHE_SECONDS = env.int("GEOCODER_CACHE_SECONDS", default=7 * 24 * 3600)
# A lookup waits at most this long for its turn (one request per NOMINATIM_MIN_INTERVAL_SECONDS
# for the whole site), else the client gets 503 + Retry-After.
GEOCODER_MAX_WAIT_SECONDS = env.float("GEOCODER_MAX_WAIT_SECONDS", default=5.0)
NOMINATIM_BASE_URL = env.str("NOMINATIM_BASE_URL", default="https://nominatim.openstreetmap.org")
# Nominatim's usage policy: an identifying User-Agent, at most one request a second (counted
# in the cache: set CACHE_URL to a cache all workers share), results cached.
NOMINATIM_USER_AGENT = env.str(
    "NOMINATIM_USER_AGENT", default="LeBRQ-venue-booking/1.0 (transport estimates; lebrq.com)"
)
# Sent as Nominatim's `email` parameter when set: whom its operators contact about our use.
NOMINATIM_EMAIL = env.str("NOMINATIM_EMAIL", default="")
NOMINATIM_MIN_INTERVAL_SECONDS = env.float("NOMINATIM_MIN_INTERVAL_SECONDS", default=1.0)
NOMINATIM_TIMEOUT_SECONDS = env.float("NOMINATIM_TIMEOUT_SECONDS", default=8.0)

# --- Contests -------------------------------------------------------------------------------
# Staff lists give proof files as signed links (an <Image> sends no token), valid this long.
CONTEST_PROOF_LINK_MAX_AGE_SECONDS = env.int(
    "CONTEST_PROOF_LINK_MAX_AGE_SECONDS", default=7 * 86400
)
# Proofs uploaded but named by no entry are deleted after this many hours.
CONTEST_PROOF_UNCLAIMED_HOURS = env.int("CONTEST_PROOF_UNCLAIMED_HOURS", default=24)
# The DLT template id of contest SMS (invitations, staff's messages to participants).
CONTEST_SMS_TEMPLATE_ID = env.str("CONTEST_SMS_TEMPLATE_ID", default="")
# Customers invited per task run by notify-all (the next batch is queued after each).
CONTEST_NOTIFY_BATCH_SIZE = env.int("CONTEST_NOTIFY_BATCH_SIZE", default=200)
# The staff "users to notify" list shows at most this many customers (with the true total),
# and notify-all takes at most this many chosen user ids (none chosen: everyone, in batches).
CONTEST_USERS_LIST_MAX = env.int("CONTEST_USERS_LIST_MAX", default=1000)
# Entries read per query while the CSV export streams.
CONTEST_EXPORT_CHUNK_SIZE = env.int("CONTEST_EXPORT_CHUNK_SIZE", default=2000)

# --- Invoices -------------------------------------------------------------------------------
PLATFORM_NAME = env.str("PLATFORM_NAME", default="LeBRQ")
INVOICE_DIR = env.path("INVOICE_DIR", default=BASE_DIR / "var" / "invoices")
GST_RATE_PERCENT = Decimal(env.str("GST_RATE_PERCENT", default="18"))
# PDFs are rendered by the task worker (bookings/tasks.py); a request whose PDF is missing
# waits this long for the worker to write it, then answers 503 + Retry-After (the render
# carries on).
INVOICE_WAIT_SECONDS = env.float("INVOICE_WAIT_SECONDS", default=30)
# The nginx `internal` location that maps to INVOICE_DIR in x-accel mode.
INVOICE_X_ACCEL_PREFIX = env.str("INVOICE_X_ACCEL_PREFIX", default="/protected-invoices/")

# --- Background tasks -----------------------------------------------------------------------
# django.tasks queued in the database (table django_tasks_database_dbtaskresult) and run by
# `manage.py db_worker` (deploy/lebrq-worker.service). Not a knob: the web workers must never
# run tasks themselves (ImmediateBackend), or WeasyPrint would be back in them.
# django-tasks-db's backend, plus the enqueuing request's id (ops/task_telemetry.py).
TASKS = {"default": {"BACKEND": "ops.task_telemetry.RequestIdDatabaseBackend"}}

# --- One-time passwords and SMS ---------------------------------------------------------------
# A code lives this long, survives this many wrong guesses, and once verified may be used
# (by one registration or password reset) for this long; a number gets at most this many
# codes an hour.
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=300)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_VERIFIED_VALID_MINUTES = env.int("OTP_VERIFIED_VALID_MINUTES", default=30)
OTP_MAX_SENDS_PER_HOUR = env.int("OTP_MAX_SENDS_PER_HOUR", default=5)
# "console" writes messages to the log (development); "bulksms" sends them through the bulk-SMS
# HTTP gateway below, from the task worker.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="")
# India's DLT registration: the entity, telemarketer-chain and OTP template ids.
SMS_ENTITY_ID = env.str("SMS_ENTITY_ID", default="")
SMS_TM_ID = env.str("SMS_TM_ID", default="")
SMS_OTP_TEMPLATE_ID = env.str("SMS_OTP_TEMPLATE_ID", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=8.0)

# --- Messaging: outgoing channels (messaging/providers.py) -----------------------------------
# Each channel's backend: "console" (the default) writes messages to the log. E-mail: "smtp"
# (Django's SMTP backend, EMAIL_* below). WhatsApp: "routemobile" (templates through Route
# Mobile) or "twilio" (Twilio's Messages API). SMS goes through notify's SMS_BACKEND.
MESSAGING_EMAIL_BACKEND = env.str("MESSAGING_EMAIL_BACKEND", default="console")
MESSAGING_WHATSAPP_BACKEND = env.str("MESSAGING_WHATSAPP_BACKEND", default="console")
# The channels a booking's decision and a guest's invitation go out on (comma-separated).
MESSAGING_BOOKING_CHANNELS = env.list("MESSAGING_BOOKING_CHANNELS", default=["whatsapp", "email"])
MESSAGING_GUEST_CHANNELS = env.list("MESSAGING_GUEST_CHANNELS", default=["whatsapp"])
# Not a knob: the most guests one notify-guests call messages (the booking screen's list).
MESSAGING_GUESTS_MAX = 200
# A refused send is tried again after MESSAGING_RETRY_BACKOFF_SECONDS, then twice that...,
# up to MESSAGING_MAX_ATTEMPTS attempts in all; a provider call waits at most the timeout.
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=5)
MESSAGING_RETRY_BACKOFF_SECONDS = env.float("MESSAGING_RETRY_BACKOFF_SECONDS", default=30.0)
MESSAGING_PROVIDER_TIMEOUT_SECONDS = env.float("MESSAGING_PROVIDER_TIMEOUT_SECONDS", default=15.0)
# WhatsApp template names (Route Mobile's; Twilio maps them to Content SIDs below).
WHATSAPP_TEMPLATE_BOOKING_APPROVED = env.str(
    "WHATSAPP_TEMPLATE_BOOKING_APPROVED", default="bookingreg"
)
WHATSAPP_TEMPLATE_BOOKING_REJECTED = env.str(
    "WHATSAPP_TEMPLATE_BOOKING_REJECTED", default="booking_rejected"
)
WHATSAPP_TEMPLATE_GUEST_PICKUP = env.str("WHATSAPP_TEMPLATE_GUEST_PICKUP", default="guest_pickup")
ROUTE_MOBILE_BASE_URL = env.str("ROUTE_MOBILE_BASE_URL", default="")
ROUTE_MOBILE_USERNAME = env.str("ROUTE_MOBILE_USERNAME", default="")
ROUTE_MOBILE_PASSWORD = env.str("ROUTE_MOBILE_PASSWORD", default="")
ROUTE_MOBILE_LANGUAGE = env.str("ROUTE_MOBILE_LANGUAGE", default="en")
# Inbound WhatsApp (POST /api/whatsapp/webhook): the shared token Route Mobile sends in the
# X-Webhook-Token header; empty refuses every callback.
ROUTE_MOBILE_WEBHOOK_TOKEN = env.str("ROUTE_MOBILE_WEBHOOK_TOKEN", default="")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# The WhatsApp sender, e.g. +14155238886.
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
# Our template names to Twilio Content SIDs: "bookingreg=HX...,guest_pickup=HX...".
TWILIO_TEMPLATES = env.dict("TWILIO_TEMPLATES", default={})
# Empty in production (Twilio's own API); the tests point it at a fake on loopback.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")
# Django's mailer (MAILERS, Django 6.1): SMTP, used by MESSAGING_EMAIL_BACKEND=smtp.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
            "timeout": env.int("EMAIL_TIMEOUT", default=15),
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LeBRQ <no-reply@lebrq.com>")

# --- Ops: body limit, memory shedding, worker recycling --------------------------------------
# Not a knob: the health endpoints' path, which the guards below never shed or queue, the
# load balancer probes, and nginx does not log.
HEALTH_PATH = "/api/health"
MAX_BODY_SIZE_MB = env.int("MAX_BODY_SIZE_MB", default=15)
UPLOAD_MAX_BODY_SIZE_MB = env.int("UPLOAD_MAX_BODY_SIZE_MB", default=110)
# The routes that take UPLOAD_MAX_BODY_SIZE_MB. The nginx site (manage.py nginx_site) uses
# the same regex for its larger client_max_body_size, so the two can never disagree.
UPLOAD_PATH_REGEX = (
    r"^/api/(uploads/(image|files|poster|video|program-images)|gallery/upload"
    r"|items/[0-9]+/media/upload)/?$"
)
MEMORY_THRESHOLD_PERCENT = env.float("MEMORY_THRESHOLD_PERCENT", default=85.0)
MEMORY_CRITICAL_PERCENT = env.float("MEMORY_CRITICAL_PERCENT", default=90.0)
MEMORY_CHECK_INTERVAL = env.float("MEMORY_CHECK_INTERVAL", default=2.0)
WORKER_MAX_RSS_MB = env.int("WORKER_MAX_RSS_MB", default=512)
# Giving freed memory back to the system (ops/heap.py; docs/BENCHMARKS.md, Memory: PSS).
# glibc's malloc, set with mallopt() when the app loads (in gunicorn's master before it
# forks): at most this many arenas (0: glibc's 8 per core); blocks of at least this many KiB
# (Pillow's image blocks, large buffers) mmapped and unmapped when freed (0: glibc's dynamic
# threshold, which rises to 32 MiB after the first large block and keeps the rest in the
# heap); heap tops above this many KiB returned (0: glibc's 128 KiB, or its dynamic value
# when the mmap threshold is 0). With 2 and 128 the mixed load of make bench-pss peaked at
# ~227 instead of ~265 MiB, and the abuse phase's picture flood stopped recycling workers.
HEAP_ARENA_MAX = env.int("HEAP_ARENA_MAX", default=2)
HEAP_MMAP_THRESHOLD_KB = env.int("HEAP_MMAP_THRESHOLD_KB", default=128)
HEAP_TRIM_THRESHOLD_KB = env.int("HEAP_TRIM_THRESHOLD_KB", default=0)
# malloc_trim(0) when a worker has had no request in flight for this long (ms) after its RSS
# grew by HEAP_TRIM_MIN_GROWTH_MB since the last trim (one trim per burst, ~1 ms on the
# event loop); 0 turns it off.
HEAP_TRIM_IDLE_MS = env.int("HEAP_TRIM_IDLE_MS", default=1000)
HEAP_TRIM_MIN_GROWTH_MB = env.int("HEAP_TRIM_MIN_GROWTH_MB", default=8)
RETRY_AFTER_SECONDS = env.int("RETRY_AFTER_SECONDS", default=10)
# Requests running Django code at once, per worker (each holds a thread and a database
# connection: keep workers x this under the database's max_connections), and how long the
# others wait for a turn before a 503.
MAX_CONCURRENT_REQUESTS = env.int("MAX_CONCURRENT_REQUESTS", default=16)
REQUEST_QUEUE_TIMEOUT_SECONDS = env.float("REQUEST_QUEUE_TIMEOUT_SECONDS", default=10)
# MariaDB connections kept open for reuse, at most this many per process (lebrq/mysql_pool):
# by default the requests' turns plus a few for probes, the admin and the task signals. 0
# turns pooling off (a new connection per request). A request finding every connection in
# use waits DB_POOL_TIMEOUT_SECONDS, then gets 503. Keep processes x size under the
# database's max_connections.
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=MAX_CONCURRENT_REQUESTS + 4)
DB_POOL_TIMEOUT_SECONDS = env.float("DB_POOL_TIMEOUT_SECONDS", default=10)
if DB_POOL_SIZE > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # The replica, when there is one, gets a pool of its own of the same size.
    for _pooled in DATABASES.values():
        _pooled["ENGINE"] = "lebrq.mysql_pool"
        _pooled["POOL"] = {"size": DB_POOL_SIZE, "timeout": DB_POOL_TIMEOUT_SECONDS}

# --- Operations visibility: logs, metrics, error reports (docs/OPERATIONS.md) ----------------
# A request slower than this logs its access line at WARNING; a query slower than this logs
# its SQL (placeholders only, never the parameters) at WARNING.
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=1000)
SLOW_QUERY_MS = env.int("SLOW_QUERY_MS", default=200)
# Prometheus metrics, served at METRICS_PATH (not a knob: nginx and the guards know it) to
# these addresses or networks only. Off saves the counting (benchmarks compare the two).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
METRICS_PATH = "/metrics"
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
try:
    METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(item) for item in METRICS_ALLOWED_IPS]
except ValueError as exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {exc}") from exc
# Error reports to Sentry when a DSN is set (lebrq/sentry.py scrubs personal data first).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from lebrq.sentry import init_sentry

    init_sentry(
        SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE
    )

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lebrq.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["lebrq.api.filters.FilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's JSONParser with a nesting limit: deep JSON was a RecursionError (a 500).
        "lebrq.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lebrq.api.exceptions.exception_handler",
    # Money is Decimal end to end; the legacy frontend reads JSON numbers, not strings.
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many proxies stand in front (nginx: 1): the client address the throttles count is
    # then the one the last proxy saw in X-Forwarded-For, not a value the client wrote.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# Rate limits (lebrq.api.throttling), "N/s|min|hour|day"; empty turns one off. Per client
# address for what an anonymous attacker loops on, per account named in the body as well
# (slows guessing one password from many addresses), per user for uploads and bookings.
THROTTLE_RATES = {
    "login_ip": env.str("THROTTLE_LOGIN_IP", default="20/min"),
    "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="10/min"),
    "register_ip": env.str("THROTTLE_REGISTER_IP", default="10/hour"),
    "otp_ip": env.str("THROTTLE_OTP_IP", default="10/hour"),
    "otp_account": env.str("THROTTLE_OTP_ACCOUNT", default="10/hour"),
    "password_reset_ip": env.str("THROTTLE_PASSWORD_RESET_IP", default="10/hour"),
    "password_reset_account": env.str("THROTTLE_PASSWORD_RESET_ACCOUNT", default="5/hour"),
    "upload": env.str("THROTTLE_UPLOAD", default="30/min"),
    "booking_create": env.str("THROTTLE_BOOKING_CREATE", default="20/hour"),
    # Messages from the website's WhatsApp chat window (no login), per client address.
    "whatsapp_web_ip": env.str("THROTTLE_WHATSAPP_WEB_IP", default="30/hour"),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("ACCESS_TOKEN_EXPIRE_MINUTES", default=720)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("REFRESH_TOKEN_EXPIRE_DAYS", default=14)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
    # Each refresh token works once: using it blacklists it and hands out a new one.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "LeBRQ API",
    "DESCRIPTION": "Venue and event booking platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api",
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.choices.BookingStatus",
        "BookingItemStatusEnum": "bookings.choices.BookingItemStatus",
        "ItemStatusEnum": "bookings.choices.ItemStatus",
        "ProgramStatusEnum": "bookings.choices.ProgramStatus",
        "PaymentStatusEnum": "payments.choices.PaymentStatus",
        "RefundStatusEnum": "payments.choices.RefundStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Large list totals are cached this long (seconds) once they reach this many rows.
PAGINATION_COUNT_CACHE_SECONDS = env.int("PAGINATION_COUNT_CACHE_SECONDS", default=10)
PAGINATION_COUNT_CACHE_MIN_ROWS = env.int("PAGINATION_COUNT_CACHE_MIN_ROWS", default=10_000)

# Public content pages (about, faq, policies) may be kept this long by browsers and proxies;
# staff edit them, so it is short.
CONTENT_PAGE_CACHE_SECONDS = 60

# --- CORS -----------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = env.bool("CORS_ALLOW_ALL_ORIGINS", default=False)
CORS_URLS_REGEX = r"^/(api|static|media)/.*$"
CORS_EXPOSE_HEADERS = [
    "Content-Disposition",
    "Content-Range",
    "Accept-Ranges",
    "Retry-After",
    # Says a booking POST was a replay of an earlier one with the same Idempotency-Key.
    "Idempotent-Replayed",
    # The id to quote to support: the same one is in our logs (ops/telemetry.py).
    "X-Request-ID",
]
# The About page asks for a fresh copy with Cache-Control and Pragma request headers
# (app/about.tsx); without them here its preflight fails and the page shows built-in text.
# Idempotency-Key: a booking POST retried after a timeout must not book twice.
CORS_ALLOW_HEADERS = (*default_headers, "cache-control", "pragma", "idempotency-key")

# --- Security (defaults follow DEBUG; production sets DEBUG=0 and gets the safe values) -------
# nginx terminates TLS and tells us the scheme in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx already redirects plain HTTP; production also sets this for defence in depth.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [rf"^{HEALTH_PATH.lstrip('/')}"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
# json: one JSON object per line (production, for the log shipper); plain: for people
# (`make run`, DEBUG=1). Both carry the request id of the line's request or task.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lebrq.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC with its offset, whatever the process's time zone.
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every render step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

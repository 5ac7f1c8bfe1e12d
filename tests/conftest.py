import pytest
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import UserFactory

# The MariaDB pool (lebrq/mysql_pool) holds DB_POOL_SIZE connections per process: a server
# never runs more than MAX_CONCURRENT_REQUESTS requests at once, but the race tests hold 20
# threads' connections at once beside the test's own. Sized for them before any connects.
_pool = connections["default"].settings_dict.get("POOL")
if _pool is not None:
    _pool["size"] = max(_pool["size"], 64)

# Fixtures for every test package: `task_worker`, a real db_worker loop in a thread,
# `sms_gateway`, a fake SMS gateway on loopback, and `razorpay_api`, a fake of Razorpay's API.
pytest_plugins = [
    "tests.task_worker",
    "tests.notify.fakes",
    "tests.payments.fake_razorpay",
    # `nominatim_api`: a fake of Nominatim's search (transport's geocoder).
    "tests.transport.fake_nominatim",
    # `smtp_server`, `route_mobile_api`, `twilio_api`: the outgoing channels' services.
    "tests.messaging.fakes",
    # The whole suite's log, and the secrets it must not hold (tests/test_log_secrets.py).
    "tests.log_secrets",
    # `s3_endpoint`, moto's S3 server on loopback, and `bucket`, STORAGES pointed at a bucket in it.
    "tests.fake_s3",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The manifest storage needs collectstatic's manifest; tests render admin pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The suite logs in and uploads far more often than a person; tests/lebrq/test_throttling.py
    # sets the rates it proves.
    settings.THROTTLE_RATES = {}


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INVOICE_DIR = tmp_path / "invoices"


def bearer_client(user) -> APIClient:
    """An API client that authenticates the way the frontend does: a real Bearer JWT."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def other_customer(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True)


@pytest.fixture
def customer_client(customer) -> APIClient:
    return bearer_client(customer)


@pytest.fixture
def other_client(other_customer) -> APIClient:
    return bearer_client(other_customer)


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    return bearer_client(staff_user)

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from rest_framework.test import APIClient


@pytest.fixture
def database_down(monkeypatch):
    """Every attempt to use the database fails the way a dead MariaDB does.

    Patched on the class, so it holds in the threads Django runs sync code in under ASGI.
    """

    def refuse(self):
        raise OperationalError(2003, "Can't connect to MySQL server on '127.0.0.1' (111)")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


@pytest.fixture
def client():
    """Answers with what a real client gets: the test client's default re-raises errors."""
    return Client(raise_request_exception=False)


@pytest.fixture
def api_client():
    return APIClient(raise_request_exception=False)

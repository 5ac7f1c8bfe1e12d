"""Project-level guarantees: deploy checks, migrations, schema, docs, CORS, error format."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "k3y-Wq8#Lm2!zP9@vR4$tY7^uI1&oE6*aS5" * 2,
    "ALLOWED_HOSTS": "lebrq.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://lebrq.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_models_and_migrations_agree():
    result = _manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "1"})

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_openapi_schema_is_served_and_documents_the_auth_and_pagination(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert "/api/auth/login" in schema["paths"]
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_swagger_ui_is_served(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr.net" not in response.content  # assets are ours: no CDN at run time


def test_cors_allows_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.lebrq.example"]

    allowed = client.options(
        "/api/health",
        HTTP_ORIGIN="https://app.lebrq.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    refused = client.options(
        "/api/health",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://app.lebrq.example"
    assert "Access-Control-Allow-Origin" not in refused


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "message": "Not found.", "code": "not_found"}


def test_every_environment_setting_is_documented_in_env_example():
    import re

    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = set()
    for source in (ROOT / "lebrq" / "settings.py", ROOT / "deploy" / "gunicorn.conf.py"):
        read |= set(
            re.findall(
                r'(?:env\.\w+|env|_env_\w+|environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"',
                source.read_text(),
            )
        )

    assert read, "the pattern found no settings: it needs updating"
    assert read - documented == set(), "add these to .env.example with their defaults"


def test_openapi_schema_generates_without_warnings(tmp_path):
    result = _manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        env={"DEBUG": "1"},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_is_clean_with_the_values_env_example_gives_production(tmp_path):
    example = dict(
        re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    )
    # What .env.example leaves for the operator to fill in.
    filled = {
        "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"],
        "ALLOWED_HOSTS": "lebrq.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        # The production path (/srv/lebrq/var) does not exist here.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={**example, **filled})

    assert result.returncode == 0, result.stdout + result.stderr

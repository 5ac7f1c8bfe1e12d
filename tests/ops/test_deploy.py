"""deploy/: the nginx site agrees with the app, gunicorn's config resolves as intended."""

import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def render(**options) -> str:
    out = StringIO()
    call_command(
        "nginx_site",
        server_name="lebrq.example.com",
        certificate="/etc/ssl/lebrq.pem",
        certificate_key="/etc/ssl/lebrq.key",
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_nginx_site_takes_its_body_limits_and_upload_routes_from_the_settings(settings):
    settings.MAX_BODY_SIZE_MB = 15
    settings.UPLOAD_MAX_BODY_SIZE_MB = 110

    site = render()

    server = site[site.index("listen 443 ssl http2") :]
    assert re.search(r"^    client_max_body_size 15m;", server, re.M)
    upload = server[server.index("location ~") :]
    assert upload.startswith(f'location ~ "{settings.UPLOAD_PATH_REGEX}" {{')
    assert "client_max_body_size 110m;" in upload.split("}")[0]
    assert "@" not in re.sub(r"@(too_large|too_many|unavailable|timeout)\b", "", site)


def test_nginx_site_serves_x_accel_paths_internally_from_the_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.X_ACCEL_PREFIX = "/protected-media/"

    site = render()

    assert (
        f"location /protected-media/ {{\n        internal;\n        alias {tmp_path}/media/;"
        in site
    )


def test_nginx_site_redirects_to_the_https_port_when_it_is_not_443():
    assert "return 301 https://$host$request_uri;" in render()
    assert "return 301 https://$host:19443$request_uri;" in render(https_listen="127.0.0.1:19443")


def upstream_block(site: str) -> str:
    return site[site.index("upstream lebrq_app {") :].split("}", 1)[0]


def test_nginx_site_proxies_to_one_app_server_by_default():
    servers = re.findall(r"^    server (.*);$", upstream_block(render()), re.M)

    # The same socket twice: a retiring worker's dropped GET is retried once (see the site).
    assert servers == ["127.0.0.1:8000 max_fails=0", "127.0.0.1:8000 max_fails=0 backup"]


def test_nginx_site_balances_over_every_upstream_given():
    site = render(upstream=["10.0.0.1:8000", "10.0.0.2:8000"])

    servers = re.findall(r"^    server (.*);$", upstream_block(site), re.M)
    # A dead host among several is skipped for 10 s after three failures; the backups never
    # count failures, so some server is always tried.
    assert servers == [
        "10.0.0.1:8000 max_fails=3 fail_timeout=10s",
        "10.0.0.2:8000 max_fails=3 fail_timeout=10s",
        "10.0.0.1:8000 max_fails=0 backup",
        "10.0.0.2:8000 max_fails=0 backup",
    ]
    assert site.count("upstream lebrq_app {") == 1


def test_nginx_site_command_takes_a_repeated_upstream_option(tmp_path):
    command = [sys.executable, "manage.py", "nginx_site", "--server-name", "localhost"]
    command += ["--certificate", "c.pem", "--certificate-key", "k.pem"]
    command += ["--upstream", "127.0.0.1:19611", "--upstream", "127.0.0.1:19612"]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    site = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    block = upstream_block(site.stdout)
    assert "server 127.0.0.1:19611 max_fails=3 fail_timeout=10s;" in block
    assert "server 127.0.0.1:19612 max_fails=3 fail_timeout=10s;" in block


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (make e2e does)")
@pytest.mark.parametrize("upstream", ["127.0.0.1:8000", ["127.0.0.1:8001", "127.0.0.1:8002"]])
def test_rendered_nginx_site_passes_nginx_t(tmp_path, upstream):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*openssl, "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "lebrq.conf"
    site.write_text(
        render(
            upstream=upstream,
            http_listen="127.0.0.1:19980",
            https_listen="127.0.0.1:19981",
        )
        .replace("/etc/ssl/lebrq.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/lebrq.key", str(tmp_path / "key.pem"))
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};"
        f" include {site}; }}\n"
    )

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_gunicorn_config_resolves_to_uvicorn_workers_with_preload_and_recycling():
    env = {**os.environ, "WEB_CONCURRENCY": "3", "GUNICORN_PRELOAD": "1"}
    result = subprocess.run(
        [
            Path(sys.executable).parent / "gunicorn",
            "-c", "deploy/gunicorn.conf.py", "--print-config", "lebrq.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )  # fmt: skip
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.M))

    assert config["worker_class"] == "uvicorn_worker.UvicornWorker"
    assert config["workers"] == "3"
    assert config["preload_app"] == "True"
    assert config["pre_fork"] == "<pre_fork()>"
    assert config["post_fork"] == "<post_fork()>"
    assert int(config["max_requests"]) > 0
    assert int(config["max_requests_jitter"]) > 0
    assert config["control_socket_disable"] == "True"


def test_nginx_site_limits_the_auth_paths_per_address():
    site = render()

    assert "limit_req_zone $binary_remote_addr zone=lebrq_auth" in site
    auth_location = site.split("zone=lebrq_auth burst=")[0].rsplit("location", 1)[1]
    for path in ("api/(auth/(login|register", "otp/send", "reset-password", "admin/login"):
        assert path in auth_location
    assert "limit_req_status 429;" in site
    assert "error_page 429 @too_many;" in site


def test_nginx_site_passes_a_request_id_and_guards_the_metrics(settings):
    import ipaddress

    settings.METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("10.8.0.0/16"),
    ]
    site = render()

    assert "proxy_set_header X-Request-ID $lebrq_request_id;" in site
    metrics_location = site.split("location = /metrics {")[1].split("}")[0]
    assert "allow 127.0.0.1/32; allow 10.8.0.0/16;" in metrics_location
    assert "deny all;" in metrics_location
    # nginx's own error answers carry the id as well.
    assert site.count("add_header X-Request-ID $lebrq_request_id always;") == 4


@pytest.mark.django_db
def test_the_alerting_rules_name_only_metrics_we_export():
    import re

    import yaml
    from prometheus_client import REGISTRY

    import lebrq.metrics  # noqa: F401 - registers them
    from ops.metrics_view import TaskQueueCollector

    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "lebrq.rules.yml").read_text())
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    exported = {
        metric.name + suffix
        for metric in [*REGISTRY.collect(), *TaskQueueCollector().collect()]
        if metric.name.startswith("lebrq_")
        for suffix in suffixes[metric.type]
    }
    named = {
        name
        for group in rules["groups"]
        for rule in group["rules"]
        for name in re.findall(r"\blebrq_[a-z_]+", rule["expr"])
    }

    assert named
    assert named - exported == set()

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "lebrq.conf"


def render_site(
    *,
    server_name: str,
    certificate: str,
    certificate_key: str,
    upstream: str | Sequence[str],
    http_listen: str,
    https_listen: str,
) -> str:
    """deploy/nginx/lebrq.conf with its placeholders filled from the arguments and settings.

    `upstream` is one app server's address or several: a template line naming @UPSTREAM@ is
    repeated once per server, so one server renders exactly as before and several share the
    one upstream block (round robin; a refused connection is retried on the next).
    """
    upstreams = [upstream] if isinstance(upstream, str) else list(upstream)
    if not upstreams:
        raise CommandError("Name at least one upstream.")
    https_port = https_listen.rsplit(":", 1)[-1]
    values = {
        "SERVER_NAME": server_name,
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
        "HTTPS_HOST": "$host" if https_port == "443" else f"$host:{https_port}",
        "TLS_CERTIFICATE": certificate,
        "TLS_CERTIFICATE_KEY": certificate_key,
        "MAX_BODY_SIZE_MB": str(settings.MAX_BODY_SIZE_MB),
        "UPLOAD_MAX_BODY_SIZE_MB": str(settings.UPLOAD_MAX_BODY_SIZE_MB),
        "UPLOAD_PATH_REGEX": settings.UPLOAD_PATH_REGEX,
        "HEALTH_PATH": settings.HEALTH_PATH,
        "METRICS_PATH": settings.METRICS_PATH,
        "METRICS_ALLOW": " ".join(f"allow {net};" for net in settings.METRICS_ALLOWED_NETWORKS),
        "RETRY_AFTER_SECONDS": str(settings.RETRY_AFTER_SECONDS),
        "STATIC_ROOT": str(settings.STATIC_ROOT).rstrip("/"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT).rstrip("/"),
        "INVOICE_DIR": str(settings.INVOICE_DIR).rstrip("/"),
        "X_ACCEL_PREFIX": settings.X_ACCEL_PREFIX,
        "INVOICE_X_ACCEL_PREFIX": settings.INVOICE_X_ACCEL_PREFIX,
        # One server is never marked down; of several, a dead one is skipped (see the template).
        "UPSTREAM_FAILURES": "max_fails=0"
        if len(upstreams) == 1
        else "max_fails=3 fail_timeout=10s",
    }
    lines: list[str] = []
    for line in TEMPLATE.read_text().splitlines(keepends=True):
        if line.startswith("#"):
            continue  # the header explains the placeholders, which are gone once rendered
        filled = re.sub(r"@([A-Z_]+)@", lambda m: values.get(m[1], m[0]), line)
        if "@UPSTREAM@" in filled:
            lines.extend(filled.replace("@UPSTREAM@", address) for address in upstreams)
        else:
            lines.append(filled)
    site = "".join(lines).lstrip("\n")
    if leftover := re.findall(r"@[A-Z_]+@", site):
        raise CommandError(f"The template uses placeholders this command does not fill: {leftover}")
    return f"# Rendered from deploy/nginx/lebrq.conf by `manage.py nginx_site`.\n{site}"


class Command(BaseCommand):
    help = (
        "Print the nginx site for this deployment: deploy/nginx/lebrq.conf filled in from the "
        "settings (body limits, upload routes, static/media paths) and the options."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server-name", required=True)
        parser.add_argument("--certificate", required=True, help="PEM certificate chain")
        parser.add_argument("--certificate-key", required=True)
        parser.add_argument(
            "--upstream",
            action="append",
            help="gunicorn's address (default 127.0.0.1:8000); repeat it for several app servers",
        )
        parser.add_argument("--http-listen", default="80")
        parser.add_argument("--https-listen", default="443")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            render_site(
                server_name=options["server_name"],
                certificate=options["certificate"],
                certificate_key=options["certificate_key"],
                upstream=options["upstream"] or ["127.0.0.1:8000"],
                http_listen=options["http_listen"],
                https_listen=options["https_listen"],
            ),
            ending="",
        )

#!/usr/bin/env bash
# Deploy the code in this checkout on the server: dependencies, migrations, static files,
# Django's deployment checks, the admin account, the nginx site, then a graceful switch to
# the new code (the task worker, then the API). Run it from the checkout after updating it
# (git pull, or a new release dir), as the app user (sudo is used for systemctl and nginx),
# or as root.
#
#   deploy/deploy.sh
#
# Environment (defaults in brackets):
#   ENV_FILE           settings for the app, the file lebrq.service reads [/etc/lebrq/lebrq.env]
#   PYTHON             interpreter for a new virtualenv [python3.13]
#   SERVICE            systemd unit [lebrq.service]
#   WORKER_SERVICE     systemd unit of the task worker [lebrq-worker.service]
#   NGINX_SERVER_NAME  when set, render the nginx site for this name and reload nginx, with
#   TLS_CERTIFICATE    [/etc/letsencrypt/live/$NGINX_SERVER_NAME/fullchain.pem] and
#   TLS_CERTIFICATE_KEY [/etc/letsencrypt/live/$NGINX_SERVER_NAME/privkey.pem]
#   READY_URL          polled after the switch [http://127.0.0.1:8000/api/health/ready]
set -euo pipefail

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENV_FILE=${ENV_FILE:-/etc/lebrq/lebrq.env}
PYTHON=${PYTHON:-python3.13}
SERVICE=${SERVICE:-lebrq.service}
WORKER_SERVICE=${WORKER_SERVICE:-lebrq-worker.service}
READY_URL=${READY_URL:-http://127.0.0.1:8000/api/health/ready}
VENV=$APP_DIR/.venv

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    SUDO=(sudo)
fi

step() { printf '\n==> %s\n' "$*"; }

cd "$APP_DIR"

if [[ ! -r $ENV_FILE ]]; then
    echo "Cannot read $ENV_FILE: copy .env.example there and fill it in." >&2
    exit 1
fi
# Export the same KEY=value lines systemd's EnvironmentFile= reads, the way systemd reads
# them: literally. Sourcing the file would expand the $ and ! a generated SECRET_KEY holds.
while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    value=${line#*=}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
        value=${BASH_REMATCH[1]}
    fi
    export "${line%%=*}=$value"
done <"$ENV_FILE"

manage() { "$VENV/bin/python" manage.py "$@"; }

# Invoices are rendered by the task worker: without its unit they would only ever answer 503.
# Checked before anything changes.
if ! systemctl cat "$WORKER_SERVICE" >/dev/null 2>&1; then
    echo "systemd does not know $WORKER_SERVICE: install deploy/lebrq-worker.service" >&2
    echo "(cp deploy/lebrq-worker.service /etc/systemd/system/ && systemctl daemon-reload" >&2
    echo " && systemctl enable lebrq-worker.service), then run this again." >&2
    exit 1
fi

step "Python dependencies"
if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r requirements.txt

step "Database migrations"
manage migrate --no-input

step "Static files"
manage collectstatic --no-input --verbosity 0

step "Deployment checks"
manage check --deploy --fail-level WARNING

step "Admin account"
# Not fatal: the new code must still be started when no ADMIN_PASSWORD is configured.
if ! manage ensure_admin; then
    echo "No admin account created: set ADMIN_PASSWORD (and ADMIN_USERNAME) to create one." >&2
fi

if [[ -n ${NGINX_SERVER_NAME:-} ]]; then
    step "nginx site for $NGINX_SERVER_NAME"
    site=$(mktemp)
    trap 'rm -f "$site"' EXIT
    manage nginx_site --server-name "$NGINX_SERVER_NAME" \
        --certificate "${TLS_CERTIFICATE:-/etc/letsencrypt/live/$NGINX_SERVER_NAME/fullchain.pem}" \
        --certificate-key "${TLS_CERTIFICATE_KEY:-/etc/letsencrypt/live/$NGINX_SERVER_NAME/privkey.pem}" \
        >"$site"
    "${SUDO[@]}" install -m 0644 "$site" /etc/nginx/sites-available/lebrq.conf
    "${SUDO[@]}" ln -sf ../sites-available/lebrq.conf /etc/nginx/sites-enabled/lebrq.conf
    "${SUDO[@]}" nginx -t
    "${SUDO[@]}" systemctl reload nginx
fi

# The worker first: the new API may enqueue tasks only the new code knows. TERM lets it finish
# the task it is running; tasks queued meanwhile wait in the database for the new worker.
step "Restart of $WORKER_SERVICE"
"${SUDO[@]}" systemctl restart "$WORKER_SERVICE"

# With preload (the default) the master holds the loaded code and HUP would fork new workers
# from the OLD code, so new code needs a restart. The restart is graceful: TERM lets the
# workers finish their requests, and lebrq.socket keeps the listening socket open so new
# connections queue until the new workers accept them. Without preload, HUP loads the new
# code into new workers while the old ones finish, without restarting the master.
case ${GUNICORN_PRELOAD:-1} in
    0 | false | no | off)
        step "Graceful reload (HUP) of $SERVICE"
        "${SUDO[@]}" systemctl reload "$SERVICE"
        ;;
    *)
        step "Graceful restart of $SERVICE"
        "${SUDO[@]}" systemctl restart "$SERVICE"
        ;;
esac

step "Waiting for $READY_URL"
for _ in $(seq 60); do
    if curl --silent --fail --max-time 5 --output /dev/null "$READY_URL"; then
        echo "Ready."
        if ! systemctl is-active --quiet "$WORKER_SERVICE"; then
            echo "$WORKER_SERVICE is not running: journalctl -u $WORKER_SERVICE -n 100" >&2
            exit 1
        fi
        exit 0
    fi
    sleep 1
done
echo "$SERVICE did not become ready: journalctl -u $SERVICE -n 100" >&2
exit 1

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Django 6.1 needs Python 3.12+; 3.14.0-3.14.4 had GC memory regressions (docs/DESIGN.md), so
# take the newest 3.13 or 3.12 found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $(HOME)/.pyenv/versions/3.13*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[23] /usr/bin/python3.1[23] 2>/dev/null | sort -rV); do \
	"$$p" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: the MariaDB client headers mysqlclient compiles against, and the libraries
# WeasyPrint loads (without libharfbuzz-subset0 a page takes ~400 ms instead of ~85 ms).
APT_PACKAGES := build-essential pkg-config libmariadb-dev libpq5 \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils

DEV_DATABASE_URL ?= sqlite:///$(CURDIR)/var/db.sqlite3
TEST_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/lebrq
# Throwaway databases, dropped and recreated by every run (names must end in _e2e / _bench).
E2E_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_e2e
PSS_BENCH_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_pss_bench
# Settings every test run shares: a throwaway key (tests run with DEBUG off, like production).
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production MEDIA_ROOT=$(CURDIR)/var/test-media \
	INVOICE_DIR=$(CURDIR)/var/test-invoices

# $(call apt-install,packages): install those of the Debian packages that are missing.
define apt-install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing \
		|| { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; }; \
	fi
endef

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

.PHONY: system-deps
system-deps: ## install the Debian packages the project needs (once)
	$(call apt-install,$(APT_PACKAGES))

$(VENV)/.installed: requirements.txt requirements-dev.txt | system-deps
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or 3.13 found: install one (e.g. 'pyenv install 3.13') or pass PYTHON=/path/to/python3.13" >&2; exit 1; fi
	@[ -x $(BIN)/python ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## create .venv with every dependency

.PHONY: run
run: venv ## migrate a local SQLite database, load demo data, serve on 127.0.0.1:8000 with the task worker
	@mkdir -p var
	DEBUG=$${DEBUG:-1} DATABASE_URL=$${DATABASE_URL:-$(DEV_DATABASE_URL)} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} DATABASE_URL=$${DATABASE_URL:-$(DEV_DATABASE_URL)} $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=$${DEBUG:-1} DATABASE_URL=$${DATABASE_URL:-$(DEV_DATABASE_URL)} $(BIN)/python manage.py seed_demo
	@# The task worker (invoice PDFs, SMS, refunds) runs beside gunicorn with the same
	@# settings, as deploy/lebrq-worker.service does in production, and the payments tick
	@# (lebrq-payments-tick.timer) queues hold expiry and reconciliation every minute.
	@# Ctrl-C stops them all; so does any of them exiting.
	export DEBUG=$${DEBUG:-1} DATABASE_URL=$${DATABASE_URL:-$(DEV_DATABASE_URL)} \
		PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$(CURDIR)/var/metrics}; \
	trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; \
	$(BIN)/python manage.py db_worker --interval 0.2 --no-reload & \
	$(BIN)/python manage.py payments_tick --every 60 & \
	GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:8000} $(BIN)/gunicorn -c deploy/gunicorn.conf.py lebrq.asgi:application & \
	wait -n

.PHONY: mariadb
mariadb: ## start the local MariaDB if it is not answering
	@mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1 || { \
		echo "Starting MariaDB"; \
		$(SUDO) start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; \
		for i in $$(seq 60); do mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 1; done; }
	@mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null
	@# Django converts datetimes with CONVERT_TZ (admin date_hierarchy, __date lookups): it
	@# needs the server's time zone tables, which a fresh MariaDB leaves empty.
	@[ "$$(mariadb --protocol=tcp -h127.0.0.1 -uroot -N -e "SELECT CONVERT_TZ('2000-01-01','UTC','Asia/Kolkata') IS NOT NULL")" = 1 ] || { \
		echo "Loading MariaDB time zone tables"; \
		mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | mariadb --protocol=tcp -h127.0.0.1 -uroot mysql; }

.PHONY: redis
redis: ## start the local Redis if it is not answering (installed if missing)
	$(call apt-install,redis-server)
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		echo "Starting Redis"; \
		$(SUDO) redis-server /etc/redis/redis.conf; \
		for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null

.PHONY: postgres
postgres: ## start the local PostgreSQL if it is not answering
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting PostgreSQL"; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
		for i in $$(seq 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -q -h 127.0.0.1 -p 5432

.PHONY: test
test: venv mariadb ## run the whole suite on MariaDB
	$(TEST_ENV) DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest --create-db $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: venv postgres ## run the whole suite on PostgreSQL
	$(TEST_ENV) DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest --create-db $(PYTEST_ARGS)

.PHONY: e2e
e2e: venv mariadb ## end to end over HTTPS on loopback: nginx (installed if missing) + gunicorn + MariaDB
	$(TEST_ENV) E2E_DATABASE_URL=$(E2E_DATABASE_URL) $(BIN)/pytest tests/e2e/test_stack.py tests/e2e/test_customer_journey.py tests/e2e/test_vendor_journey.py tests/e2e/test_payroll_journey.py -p no:cacheprovider $(PYTEST_ARGS)

.PHONY: e2e-admin
e2e-admin: venv mariadb ## the staff workflow in Debian's Chromium (installed if missing); screenshots in tests/output/e2e-admin
	$(call apt-install,chromium chromium-driver nginx)
	$(TEST_ENV) $(BIN)/pytest tests/e2e/test_admin_browser.py -p no:cacheprovider $(PYTEST_ARGS)

# A Redis database of its own for the cluster's shared cache, emptied by every run.
E2E_CLUSTER_REDIS_URL ?= redis://127.0.0.1:6379/13

.PHONY: e2e-cluster
e2e-cluster: venv mariadb redis ## two app servers behind one nginx, MariaDB primary + replica (private mariadbd), Redis, S3 (moto): a booking race, a shared rate limit, a killed server, the replica's staff list, ranged files across servers (~1 min)
	$(TEST_ENV) E2E_CLUSTER_REDIS_URL=$(E2E_CLUSTER_REDIS_URL) $(BIN)/pytest tests/e2e/test_cluster.py -p no:cacheprovider $(PYTEST_ARGS)

$(VENV)/.stress-installed: requirements-stress.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-stress.txt
	@touch $@

STRESS_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_stress_bench

.PHONY: stress
stress: venv $(VENV)/.stress-installed mariadb ## 512 MB cap: 200 users for 5 min, MariaDB restart, schemathesis, upload attacks (~15 min)
	STRESS_DATABASE_URL=$(STRESS_DATABASE_URL) timeout 1800 $(BIN)/python -m tests.stress.run $(STRESS_ARGS)

.PHONY: bench-pss
bench-pss: venv mariadb ## PSS of master + 2 workers, idle and under load: start-up (preload, gc.freeze) and memory (glibc, malloc_trim, Pillow, jemalloc) variants
	@# jemalloc for its variants; without a reachable package mirror they are skipped.
	-$(call apt-install,libjemalloc2)
	PSS_BENCH_DATABASE_URL=$(PSS_BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_pss $(BENCH_ARGS)

.PHONY: lint
lint: venv ## ruff lint and format check, apps import downward only, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

.PHONY: typecheck
typecheck: venv ## mypy over the whole project, strict (the rules are in pyproject.toml)
	$(TEST_ENV) $(BIN)/mypy

BENCH_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_bench

.PHONY: bench-tools
bench-tools:
	$(call apt-install,wrk curl nginx)

.PHONY: bench-bookings
bench-bookings: venv mariadb bench-tools ## p50/p95 of booking list pages 1 and 2000 over 1M bookings; each list as a ratio to the raw reference app
	mariadb --protocol=tcp -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS lebrq_bench CHARACTER SET utf8mb4"
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_bookings $(BENCH_ARGS)

.PHONY: bench-files
bench-files: venv bench-tools ## worker RSS and throughput while serving/receiving a 1 GiB file
	$(BIN)/python -m tests.bench.bench_files $(BENCH_ARGS)

.PHONY: bench-object-storage
bench-object-storage: venv bench-tools ## worker RSS while a 1 GiB upload goes to an S3 bucket (moto on loopback); redirect latency
	$(BIN)/python -m tests.bench.bench_object_storage $(BENCH_ARGS)

.PHONY: bench-images
bench-images: venv ## peak memory of re-encoding one uploaded image, by pixel count
	$(BIN)/python -m tests.bench.bench_images $(BENCH_ARGS)

.PHONY: bench-invoices
bench-invoices: venv ## invoice first-render and cached-serve latency, worker RSS over 50 invoices
	$(BIN)/python -m tests.bench.bench_invoices $(BENCH_ARGS)

CONTESTS_BENCH_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_contests_bench

.PHONY: bench-contests
bench-contests: venv mariadb ## worker RSS while 10,000 and 100,000 contest entries stream as CSV
	$(BIN)/python -m tests.bench.bench_contests --database-url $(CONTESTS_BENCH_DATABASE_URL) $(BENCH_ARGS)

.PHONY: frontend-coverage
frontend-coverage: venv ## which of the frontend's calls (../shared/FRONTEND-CALLS.md) our URLs answer; lists the rest
	$(TEST_ENV) $(BIN)/python -m tools.frontend_coverage --missing

REHEARSAL_DATABASE_URL ?= mysql://root@127.0.0.1:3306/lebrq_rehearsal

.PHONY: rehearse-import
rehearse-import: venv mariadb ## dry-run import_legacy from LEGACY_SOURCE (a restored dump) into a scratch database: report, time, peak memory
	@test -n "$(LEGACY_SOURCE)" || { echo "set LEGACY_SOURCE=mysql://user@host:3306/legacy_db (and LEGACY_FILES=dir)"; exit 2; }
	$(call apt-install,time)
	mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS lebrq_rehearsal; CREATE DATABASE lebrq_rehearsal CHARACTER SET utf8mb4"
	$(TEST_ENV) DATABASE_URL=$(REHEARSAL_DATABASE_URL) $(BIN)/python manage.py migrate -v0
	mkdir -p var
	$(TEST_ENV) DATABASE_URL=$(REHEARSAL_DATABASE_URL) /usr/bin/time -f "wall %e s, peak RSS %M KB" \
		$(BIN)/python manage.py import_legacy --source $(LEGACY_SOURCE) $(if $(LEGACY_FILES),--files $(LEGACY_FILES)) \
		--dry-run --on-invalid $(or $(ON_INVALID),fix) --report var/rehearsal.json

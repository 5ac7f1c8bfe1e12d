"""Two task workers on one queue never run the same job twice.

Production runs one `manage.py db_worker` per worker host or systemd instance, all polling the
same table (django_tasks_database_dbtaskresult). django-tasks-db 0.13 claims a job inside a
transaction with SELECT ... FOR UPDATE SKIP LOCKED ... LIMIT 1 (DBTaskResultQuerySet.get_locked)
and marks it RUNNING before committing: a second worker's SELECT skips the row the first one
locked and takes the next, and once committed the row is no longer READY. MariaDB has SKIP
LOCKED since 10.6 (Django 6.1 requires 10.11), PostgreSQL since 9.5.

Here two real db_worker loops (django-tasks-db's Worker, as tests/task_worker.py runs one) run
in threads, each with its own database connection, started together (tests/concurrency/gate.py)
and kept in lockstep by the job itself, so every claim is a race between the two.
"""

import threading
from collections import Counter
from unittest import mock

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from tests.concurrency import jobs
from tests.concurrency.gate import all_at_once

JOBS = 40  # even: the workers run them in pairs


def _worker(worker_id: str) -> Worker:
    """A db_worker loop that stops once it finds the queue empty (its --batch mode)."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture
def queued_jobs(monkeypatch) -> list[int]:
    monkeypatch.setattr(jobs, "runs", [])
    monkeypatch.setattr(jobs, "pair_up", threading.Barrier(2, timeout=30))
    numbers = list(range(JOBS))
    for number in numbers:
        jobs.record_run.enqueue(number)
    return numbers


def _run_two_workers() -> None:
    outcomes = all_at_once([_worker("worker-a").run, _worker("worker-b").run])
    assert outcomes == [None, None], outcomes


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_every_job_exactly_once(queued_jobs):
    _run_two_workers()

    assert Counter(job for job, _ in jobs.runs) == Counter(queued_jobs)
    # Both took part: the job's barrier let neither run alone.
    assert {worker for _, worker in jobs.runs} == {"worker-a", "worker-b"}
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}
    assert sorted(len(result.worker_ids) for result in results) == [1] * JOBS


@pytest.mark.django_db(transaction=True)
def test_control_without_the_row_lock_the_same_race_runs_jobs_twice(queued_jobs):
    """Shows the test above can fail: claim with a plain SELECT (no FOR UPDATE SKIP LOCKED),
    both workers looking before either claims, and each job runs twice."""
    both_looked = threading.Barrier(2, timeout=30)

    def unlocked_first(queryset: DBTaskResultQuerySet) -> DBTaskResult[..., None] | None:
        found = queryset.first()
        both_looked.wait()
        return found

    with mock.patch.object(DBTaskResultQuerySet, "get_locked", unlocked_first):
        _run_two_workers()

    assert Counter(job for job, _ in jobs.runs) == Counter(queued_jobs * 2)

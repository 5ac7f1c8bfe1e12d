"""The task worker for tests that need one: the real `db_worker` loop, in a thread.

No eager backend: a test that fetches an invoice goes through the queue the way production
does (enqueue, a worker claims the task, renders, the request finds the file). The worker reads
the queue through its own database connection, so the test's rows must be committed: such tests
are marked `@pytest.mark.django_db(transaction=True)`.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

# Seconds between the worker's looks at an empty queue (production: deploy/lebrq-worker.service).
POLL_INTERVAL = 0.05
# Only for a worker stuck in a task: a join that never ends would hang the suite.
STOP_TIMEOUT = 60


@contextmanager
def running_task_worker() -> Iterator[Worker]:
    """A db_worker loop on the default queue for the duration of the block.

    On exit the worker finishes the task it is running, then stops; a task that failed is a test
    failure here (the worker records exceptions instead of raising them).
    """
    if connection.in_atomic_block:
        pytest.fail(
            "The task worker cannot see uncommitted rows: mark the test "
            "@pytest.mark.django_db(transaction=True)."
        )
    worker = Worker(
        queue_names=["default"],
        interval=POLL_INTERVAL,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            # The thread's own connection; left open, PostgreSQL refuses to drop the test
            # database and MariaDB's flush between tests may wait on it.
            connections.close_all()

    thread = threading.Thread(target=run, name="task-worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.running = False
        thread.join(STOP_TIMEOUT)
    assert not thread.is_alive(), "the task worker did not stop"
    failed = [result.traceback for result in DBTaskResult.objects.failed()]
    assert not failed, "a task failed in the worker:\n" + "\n".join(failed)


@pytest.fixture
def task_worker() -> Iterator[Worker]:
    with running_task_worker() as worker:
        yield worker

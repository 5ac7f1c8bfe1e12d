"""The job of tests/concurrency/test_task_workers.py: records each run, and which worker ran it."""

import threading

from django.tasks import TaskContext, task

# (job number, id of the worker that ran it), one entry per run: a job run twice shows twice.
runs: list[tuple[int, str]] = []
_runs_lock = threading.Lock()
# Set by the test: each run waits here for the other worker's run, so the two workers always
# hold a job each at the same time and then race for their next claims together.
pair_up: threading.Barrier | None = None


@task(takes_context=True)
def record_run(context: TaskContext[..., None], job: int) -> None:
    if pair_up is not None:
        pair_up.wait()
    with _runs_lock:
        runs.append((job, context.task_result.worker_ids[-1]))

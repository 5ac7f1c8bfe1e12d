"""Request ids and metrics for background tasks.

A task enqueued while serving a request carries that request's id (stored beside its
arguments), and every line the task worker logs while running it carries the id again: one
grep follows a booking from the POST to the invoice PDF and the SMS. Finished tasks are
counted by outcome.
"""

import logging
from contextvars import Token
from typing import Any

from django.dispatch import receiver
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from lebrq import metrics, request_context
from lebrq.request_context import RequestContext

logger = logging.getLogger(__name__)

REQUEST_ID_KEY = "request_id"


class RequestIdDatabaseBackend(DatabaseBackend):
    """django-tasks-db's backend, storing the enqueuing request's id with the arguments.

    Overrides the backend's row construction (the package offers no hook for extra data);
    tests/ops/test_task_request_ids.py fails if an upgrade changes it.
    """

    def _task_to_db_task(
        self, task: Task[..., Any], args: Any, kwargs: Any
    ) -> DBTaskResult[..., Any]:
        return DBTaskResult.objects.create(**self._row(task, args, kwargs))

    async def _atask_to_db_task(
        self, task: Task[..., Any], args: Any, kwargs: Any
    ) -> DBTaskResult[..., Any]:
        return await DBTaskResult.objects.acreate(**self._row(task, args, kwargs))

    def _row(self, task: Task[..., Any], args: Any, kwargs: Any) -> dict[str, Any]:
        stored: dict[str, Any] = {"args": args, "kwargs": kwargs}
        if request_id := request_context.current_request_id():
            stored[REQUEST_ID_KEY] = request_id
        return {
            "id": self._get_id(),
            "args_kwargs": normalize_json(stored),
            "priority": task.priority,
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "run_after": task.run_after,
            "backend_name": self.alias,
        }


# The task worker runs one task at a time per thread; keyed by result id all the same.
_open: dict[str, Token[RequestContext | None]] = {}


@receiver(task_started)
def open_task_context(sender: Any, task_result: TaskResult[..., Any], **kwargs: Any) -> None:
    stored = (
        DBTaskResult.objects.filter(pk=task_result.id)
        .values_list(f"args_kwargs__{REQUEST_ID_KEY}", flat=True)
        .first()
    )
    request_id = request_context.valid_request_id(stored if isinstance(stored, str) else None)
    _, token = request_context.begin(request_id or request_context.new_request_id())
    _open[str(task_result.id)] = token


@receiver(task_finished)
def close_task_context(sender: Any, task_result: TaskResult[..., Any], **kwargs: Any) -> None:
    outcome = "failed" if task_result.status == TaskResultStatus.FAILED else "successful"
    metrics.TASKS_FINISHED.labels(task_result.task.module_path, outcome).inc()
    token = _open.pop(str(task_result.id), None)
    if token is not None:
        request_context.end(token)

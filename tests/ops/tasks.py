"""A task for the telemetry tests: logs one line, so the test can read its request id."""

import logging

from django.tasks import task

logger = logging.getLogger("tests.ops.tasks")


@task
def say_hello(name: str) -> None:
    logger.info("Hello %s from the task worker", name)

"""Queue the periodic work for the task worker (settings.PERIODIC_TASKS): expire unpaid
holds, reconcile payments, return unclaimed ticket payments.

Run every minute by deploy/lebrq-payments-tick.timer (and by `make run` in a loop); each run
only enqueues, so a slow gateway never holds up the timer.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Queue the expiry of unpaid booking holds and the reconciliation of payments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep going, once every this many seconds (0: once and exit).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # By dotted path (settings.PERIODIC_TASKS): apps above payments add their own.
        periodic: list[Task[[], object]] = [import_string(path) for path in settings.PERIODIC_TASKS]
        while True:
            for periodic_task in periodic:
                periodic_task.enqueue()
            if not options["every"]:
                return
            time.sleep(options["every"])

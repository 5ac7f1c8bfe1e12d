"""Queue the periodic payment work for the task worker: expire unpaid holds, reconcile.

Run every minute by deploy/lebrq-payments-tick.timer (and by `make run` in a loop); each run
only enqueues, so a slow gateway never holds up the timer.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payments.tasks import payment_holds_expire, reconcile_payments


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
        while True:
            payment_holds_expire.enqueue()
            reconcile_payments.enqueue()
            if not options["every"]:
                return
            time.sleep(options["every"])

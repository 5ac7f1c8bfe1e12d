"""Run calls at the same instant, each in its own thread with its own database connection:
the races of tests/concurrency are real concurrent transactions on MariaDB."""

import threading
from collections.abc import Callable

from django.db import connection


def all_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """What each call returned or raised, in the order they finished. Every thread waits at
    one barrier, so the calls start together; each closes its connection when done."""
    gate = threading.Barrier(len(calls), timeout=60)
    results: list[object] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            gate.wait()
            outcome: object = call()
        except Exception as exc:
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results

from django.db import connections


def release_database_connections() -> None:
    """Close this thread's database connections before slow work that needs none.

    Django closes them at request_finished, which for a streamed file comes only after the
    last byte (and a PDF render keeps the request waiting): a hundred slow downloads would
    hold a hundred idle connections. Connections inside a transaction (tests,
    ATOMIC_REQUESTS) are left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()

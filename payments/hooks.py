"""What other apps do when a payment of their purpose is captured.

The payments app sits below the apps that sell or pay out through it (vendors, brokers, racks):
they register a handler for their purpose in their AppConfig.ready(), so imports stay downward.
"""

from collections.abc import Callable

from payments.models import Payment

# Called once per payment, inside the capture's transaction with the payment's row locked, the
# first time the gateway's word that it was paid arrives (verify, webhook or reconciliation).
# Returns None when the payment was taken, or the reason it could not be: then it is refunded.
CaptureHandler = Callable[[Payment], str | None]

_capture_handlers: dict[str, CaptureHandler] = {}


def register_capture_handler(purpose: str, handler: CaptureHandler) -> None:
    registered = _capture_handlers.get(purpose)
    if registered is not None and registered is not handler:
        raise ValueError(f"A capture handler for {purpose!r} is already registered.")
    _capture_handlers[purpose] = handler


def capture_handler(purpose: str) -> CaptureHandler | None:
    return _capture_handlers.get(purpose)

"""Razorpay's webhook deliveries: verified, recorded once by event id, applied once."""

import json
import logging
from typing import Any

from django.db import IntegrityError, transaction

from payments import services
from payments.choices import PaymentSource
from payments.exceptions import SignatureInvalid
from payments.gateways import parse_payment, parse_refund, payment_gateway
from payments.models import Refund, WebhookEvent

logger = logging.getLogger(__name__)

# Events we act on; others are acknowledged and kept.
HANDLED = ("payment.captured", "payment.failed", "refund.processed", "refund.failed")


def webhook_receive(*, body: bytes, signature: str, event_id: str) -> str:
    """Apply one delivery. Returns what happened ("applied", "duplicate", "ignored")."""
    if not payment_gateway().webhook_signature_valid(body, signature):
        raise SignatureInvalid("The webhook signature does not match.")
    try:
        event: dict[str, Any] = json.loads(body)
    except ValueError:
        raise SignatureInvalid("The webhook body is not JSON.") from None
    name = str(event.get("event") or "")
    # Razorpay sends the same event id on every redelivery; without one (older accounts),
    # the body's own identity stands in.
    key = event_id or f"{name}:{_entity_id(event)}:{event.get('created_at', '')}"
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(event_id=key[:64], event=name[:50], payload=event)
    except IntegrityError:
        return "duplicate"
    if name not in HANDLED:
        return "ignored"
    _apply(name, event)
    return "applied"


def _entity(event: dict[str, Any], kind: str) -> dict[str, Any]:
    payload = event.get("payload") or {}
    entity: dict[str, Any] = (payload.get(kind) or {}).get("entity") or {}
    return entity


def _entity_id(event: dict[str, Any]) -> str:
    for kind in ("refund", "payment", "order"):
        entity = _entity(event, kind)
        if entity.get("id"):
            return str(entity["id"])
    return ""


def _apply(name: str, event: dict[str, Any]) -> None:
    if name == "payment.captured":
        paid = parse_payment(_entity(event, "payment"))
        if paid.order_id:
            services.payment_captured(
                order_id=paid.order_id, paid=paid, source=PaymentSource.WEBHOOK
            )
    elif name == "payment.failed":
        entity = _entity(event, "payment")
        if entity.get("order_id"):
            services.payment_failed(
                order_id=str(entity["order_id"]), raw=entity, source=PaymentSource.WEBHOOK
            )
    elif name in ("refund.processed", "refund.failed"):
        made = parse_refund(_entity(event, "refund"))
        refund = _our_refund(made.id, made.raw)
        if refund is not None:
            services.refund_recorded(refund_id=refund.pk, made=made)


def _our_refund(reference: str, raw: dict[str, Any]) -> Refund | None:
    refund = Refund.objects.filter(refund_reference=reference).first()
    if refund is None:
        notes = raw.get("notes")
        ours = notes.get("lebrq_refund_id") if isinstance(notes, dict) else None
        if ours and str(ours).isdigit():
            refund = Refund.objects.filter(pk=int(ours)).first()
    if refund is None:
        logger.warning("Refund %s is not one of ours", reference)
    return refund

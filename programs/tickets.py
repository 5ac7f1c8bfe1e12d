"""Tickets at the door: an unguessable signed code per participant, its QR code, and the scan
that admits each ticket once.

The code is Django's signer over the participant's id (HMAC with SECRET_KEY, salted for this
use): it names the participant without being guessable from a row id, and is checked without
a table. A participant holding N tickets admits N scans; the (N+1)th is refused. A scan is one
conditional UPDATE, so two scanners at once admit one entry between them.
"""

from dataclasses import dataclass
from io import BytesIO

import segno
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from bookings.models import ProgramParticipant
from lebrq.errors import Conflict, Forbidden, NotFound

TICKET_SALT = "lebrq.programs.ticket"


class TicketUsed(Conflict):
    default_message = "Every entry on this ticket has been used."
    default_code = "ticket_used"


class TicketCodeInvalid(Forbidden):
    default_message = "This ticket code is not valid for this participant."
    default_code = "ticket_code_invalid"


def ticket_code(participant_id: int) -> str:
    # A plain Signer, not signing.dumps (a TimestampSigner): a ticket's code is the same every
    # time it is shown, so a printed QR code and a reloaded screen agree.
    return signing.Signer(salt=TICKET_SALT).sign_object(participant_id)


def participant_for_code(code: str) -> int | None:
    try:
        value = signing.Signer(salt=TICKET_SALT).unsign_object(code)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def verify_url(base_url: str, participant: ProgramParticipant) -> str:
    """The URL the ticket's QR code opens: the frontend's /verify/participant page."""
    code = ticket_code(participant.pk)
    return (
        f"{base_url.rstrip('/')}/verify/participant?id={participant.pk}"
        f"&type={participant.program_type}&code={code}"
    )


def qr_svg(data: str) -> bytes:
    """The QR code of `data` as SVG (a few kB)."""
    out = BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=4, border=2)
    return out.getvalue()


@dataclass(frozen=True)
class ScanResult:
    participant: ProgramParticipant
    admitted: bool


def participant_scan(
    *, participant_id: int, actor: User | None, code: str | None, admit: bool = True
) -> ScanResult:
    """Admit one entry of the participant's tickets (or, staff only, reset its scans).

    Staff may scan any ticket; anyone else needs the ticket's signed code (what its QR code
    carries). The legacy let anyone mark anyone arrived with a bare id.
    """
    is_staff = actor is not None and actor.is_staff
    if not is_staff:
        if not code or participant_for_code(code) != participant_id:
            raise TicketCodeInvalid()
        if not admit:
            raise Forbidden("Only staff reset a ticket's scans.")
    if not ProgramParticipant.objects.filter(pk=participant_id).exists():
        raise NotFound("Participant not found")
    now = timezone.now()
    with transaction.atomic():
        if admit:
            admitted = ProgramParticipant.objects.filter(
                pk=participant_id, is_active=True, scan_count__lt=F("ticket_quantity")
            ).update(scan_count=F("scan_count") + 1)
            if not admitted:
                raise TicketUsed()
            ProgramParticipant.objects.filter(
                pk=participant_id, scan_count__gte=F("ticket_quantity"), is_verified=False
            ).update(is_verified=True, verified_at=now)
        else:
            ProgramParticipant.objects.filter(pk=participant_id).update(
                scan_count=0, is_verified=False, verified_at=None
            )
    return ScanResult(ProgramParticipant.objects.get(pk=participant_id), admitted=admit)

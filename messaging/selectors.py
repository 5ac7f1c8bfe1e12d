"""Reads of threads, the clients screen and the staff badges: each a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.utils.dateparse import parse_datetime

from accounts.choices import Role
from accounts.models import User
from bookings.choices import BookingStatus
from bookings.models import AdminSetting, Booking
from messaging.choices import MessageOrigin
from messaging.models import (
    AudioNote,
    MessageThread,
    StaffViewMark,
    ThreadMessage,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from payments.choices import PaymentStatus
from payments.models import Payment

# The legacy listed every thread and every message of a thread; these are the bounds.
THREADS_MAX = 200
THREAD_MESSAGES_MAX = 500
# GET /admin/clients: the legacy's limit (default 25, at most 100).
CLIENTS_DEFAULT_LIMIT = 25
CLIENTS_MAX_LIMIT = 100

# The legacy's "active" bookings: pending, approved, confirmed (ours: pending, approved).
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)


def customer_threads(customer_id: int) -> QuerySet[MessageThread]:
    """A customer's threads, newest first, each with its count of unread staff messages."""
    return (
        MessageThread.objects.filter(customer_id=customer_id)
        .annotate(
            unread_count=Count(
                "messages", filter=Q(messages__from_staff=True, messages__read_at__isnull=True)
            )
        )
        .order_by("-last_message_at", "-id")[:THREADS_MAX]
    )


def staff_threads(client_id: int | None = None) -> QuerySet[MessageThread]:
    """Every thread (staff share one inbox), with its customer and count of messages the
    staff have not read."""
    threads = MessageThread.objects.select_related("customer")
    if client_id is not None:
        threads = threads.filter(customer_id=client_id)
    return threads.annotate(
        unread_count=Count(
            "messages", filter=Q(messages__from_staff=False, messages__read_at__isnull=True)
        )
    ).order_by("-last_message_at", "-id")[:THREADS_MAX]


def thread_messages(thread: MessageThread) -> list[ThreadMessage]:
    """The thread's newest THREAD_MESSAGES_MAX messages, oldest first, with their senders."""
    newest = list(
        ThreadMessage.objects.filter(thread=thread)
        .select_related("sender")
        .order_by("-created_at", "-id")[:THREAD_MESSAGES_MAX]
    )
    newest.reverse()
    return newest


@dataclass(frozen=True)
class ClientRow:
    user: User
    total_bookings: int
    active_bookings: int
    pending_bookings: int
    last_event_at: datetime | None
    total_paid: Decimal
    unread_messages: int
    last_message_at: datetime | None


@dataclass(frozen=True)
class ClientsPage:
    rows: list[ClientRow]
    total: int
    stats: dict[str, Any]


def _customers(search: str) -> QuerySet[User]:
    customers = User.objects.filter(role=Role.CUSTOMER, is_staff=False)
    term = search.strip()
    if term:
        customers = customers.filter(
            Q(username__icontains=term)
            | Q(email__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(mobile__icontains=term)
        )
    return customers


def _net_paid() -> ExpressionWrapper[Any]:
    return ExpressionWrapper(
        F("amount") - F("refunded_amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def clients_page(*, search: str, limit: int, offset: int) -> ClientsPage:
    """GET /admin/clients: one page of customers, newest first, with their bookings, money and
    messages, and the totals over all customers (seven queries whatever the page size)."""
    customers = _customers(search)
    total = customers.count()
    page = list(customers.order_by("-date_joined", "-id")[offset : offset + limit])
    ids = [user.pk for user in page]

    bookings: dict[int, dict[str, Any]] = {
        row["user_id"]: dict(row)
        for row in Booking.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(
            total=Count("id"),
            active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
            pending=Count("id", filter=Q(status=BookingStatus.PENDING)),
            last_event_at=Max("start_datetime"),
        )
        .order_by()
    }
    paid = {
        row["booking__user_id"]: row["paid"]
        for row in Payment.objects.filter(booking__user_id__in=ids, status=PaymentStatus.SUCCESS)
        .values("booking__user_id")
        .annotate(paid=Sum(_net_paid()))
        .order_by()
    }
    threads = {
        row["customer_id"]: row
        for row in MessageThread.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(last_message_at=Max("last_message_at"))
        .order_by()
    }
    unread = {
        row["thread__customer_id"]: row["unread"]
        for row in ThreadMessage.objects.filter(
            thread__customer_id__in=ids, from_staff=False, read_at__isnull=True
        )
        .values("thread__customer_id")
        .annotate(unread=Count("id"))
        .order_by()
    }
    rows = []
    for user in page:
        booked = bookings.get(user.pk, {})
        rows.append(
            ClientRow(
                user=user,
                total_bookings=booked.get("total", 0),
                active_bookings=booked.get("active", 0),
                pending_bookings=booked.get("pending", 0),
                last_event_at=booked.get("last_event_at"),
                total_paid=paid.get(user.pk) or Decimal("0"),
                unread_messages=unread.get(user.pk, 0),
                last_message_at=threads[user.pk]["last_message_at"] if user.pk in threads else None,
            )
        )

    all_customers = Q(user__role=Role.CUSTOMER, user__is_staff=False)
    booking_stats = Booking.objects.filter(all_customers).aggregate(
        active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        pending=Count("id", filter=Q(status=BookingStatus.PENDING)),
    )
    revenue = Payment.objects.filter(
        status=PaymentStatus.SUCCESS,
        booking__user__role=Role.CUSTOMER,
        booking__user__is_staff=False,
    ).aggregate(total=Sum(_net_paid()))["total"]
    stats = {
        "total_clients": User.objects.filter(role=Role.CUSTOMER, is_staff=False).count()
        if search.strip()
        else total,
        "active_bookings": booking_stats["active"],
        "pending_bookings": booking_stats["pending"],
        "total_revenue": revenue or Decimal("0"),
    }
    return ClientsPage(rows=rows, total=total, stats=stats)


def _mark(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def badge_counts() -> dict[str, int]:
    """The staff sidebar's badges: bookings and customers that came after staff last looked
    (POST /admin/bookings/mark-viewed, POST /admin/clients/mark-viewed)."""
    bookings_seen = _mark(
        AdminSetting.objects.filter(setting_key="bookings_viewed_at")
        .values_list("value", flat=True)
        .first()
    )
    clients_seen = (
        StaffViewMark.objects.filter(name=StaffViewMark.CLIENTS)
        .values_list("seen_up_to", flat=True)
        .first()
    )
    bookings = Booking.objects.all()
    if bookings_seen is not None:
        bookings = bookings.filter(created_at__gt=bookings_seen)
    clients = User.objects.filter(role=Role.CUSTOMER, is_staff=False)
    if clients_seen is not None:
        clients = clients.filter(date_joined__gt=clients_seen)
    return {"new_bookings": bookings.count(), "new_clients": clients.count()}


# --- Voice notes ----------------------------------------------------------------------------

# The legacy listed a booking's notes unbounded (a bare array); a booking never has this many.
AUDIO_NOTES_MAX = 200


def booking_audio_notes(*, booking_id: int, user_id: int | None = None) -> QuerySet[AudioNote]:
    """A booking's voice notes, oldest first, with their files; only `user_id`'s if given."""
    notes = AudioNote.objects.filter(booking_id=booking_id)
    if user_id is not None:
        notes = notes.filter(user_id=user_id)
    return notes.select_related("upload").order_by("created_at", "id")[:AUDIO_NOTES_MAX]


# --- WhatsApp -------------------------------------------------------------------------------

# The legacy's per_page cap on both lists.
WHATSAPP_PAGE_MAX = 100
# The staff screens list every keyword and quick reply (unbounded in the legacy).
WHATSAPP_SETTINGS_MAX = 500
# The website's chat window polls a number's transcript: its newest messages.
WEB_TRANSCRIPT_MAX = 100


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int


def whatsapp_conversations(*, status: str, search: str, page: int, per_page: int) -> Page:
    """GET /admin/whatsapp/conversations: newest message first, with the linked customer."""
    conversations = WhatsAppConversation.objects.all()
    if status:
        conversations = conversations.filter(status=status)
    digits = "".join(ch for ch in search if ch.isdigit())
    if search.strip():
        conversations = conversations.filter(phone_number__contains=digits or search.strip())
    total = conversations.count()
    offset = (page - 1) * per_page
    rows = list(
        conversations.select_related("user").order_by("-last_message_at", "-id")[
            offset : offset + per_page
        ]
    )
    return Page(rows=rows, total=total)


def whatsapp_conversation(conversation_id: int) -> WhatsAppConversation | None:
    return WhatsAppConversation.objects.filter(pk=conversation_id).first()


def whatsapp_messages(*, conversation: WhatsAppConversation, page: int, per_page: int) -> Page:
    """A conversation's messages, newest first (the screen reverses them)."""
    messages = WhatsAppMessage.objects.filter(conversation=conversation)
    total = messages.count()
    offset = (page - 1) * per_page
    rows = list(
        messages.select_related("outbound").order_by("-created_at", "-id")[
            offset : offset + per_page
        ]
    )
    return Page(rows=rows, total=total)


def web_transcript(number: str, *, since_id: int) -> list[WhatsAppMessage]:
    """The website chat window's messages of a number from message `since_id` on (the first
    that browser wrote from it), newest WEB_TRANSCRIPT_MAX, oldest first. Never the number's
    WhatsApp messages: whoever types a number in the window is not known to own it."""
    newest = list(
        WhatsAppMessage.objects.filter(
            conversation__phone_number=number, origin=MessageOrigin.WEB, id__gte=since_id
        ).order_by("-created_at", "-id")[:WEB_TRANSCRIPT_MAX]
    )
    newest.reverse()
    return newest


def whatsapp_keywords() -> QuerySet[WhatsAppKeywordResponse]:
    return WhatsAppKeywordResponse.objects.filter(deleted_at__isnull=True).order_by(
        "-priority", "-created_at", "-id"
    )[:WHATSAPP_SETTINGS_MAX]


def whatsapp_keyword(keyword_id: int) -> WhatsAppKeywordResponse | None:
    return WhatsAppKeywordResponse.objects.filter(pk=keyword_id, deleted_at__isnull=True).first()


def whatsapp_quick_replies() -> list[WhatsAppQuickReply]:
    """Menus first, then each sub-menu, by display order (the legacy's order)."""
    replies = WhatsAppQuickReply.objects.filter(deleted_at__isnull=True)
    top = list(
        replies.filter(parent__isnull=True).order_by("display_order", "id")[:WHATSAPP_SETTINGS_MAX]
    )
    children = list(
        replies.filter(parent__isnull=False).order_by("parent_id", "display_order", "id")[
            : WHATSAPP_SETTINGS_MAX - len(top)
        ]
    )
    return top + children


def whatsapp_quick_reply(quick_reply_id: int) -> WhatsAppQuickReply | None:
    return WhatsAppQuickReply.objects.filter(pk=quick_reply_id, deleted_at__isnull=True).first()

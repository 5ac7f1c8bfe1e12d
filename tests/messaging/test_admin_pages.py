"""The staff admin's messaging pages with rows in them, and a voice note deleted there taking
its upload and file with it."""

import os

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from messaging.models import (
    AudioNote,
    ChatbotConfig,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from tests import factories
from uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def _note(customer) -> AudioNote:
    upload = Upload(owner=customer, kind="file", content_type="audio/webm", size=4)
    upload.file.save("voice-note.webm", ContentFile(b"\x1a\x45\xdf\xa3"), save=False)
    upload.save()
    return AudioNote.objects.create(
        booking=factories.BookingFactory(user=customer), user=customer, upload=upload
    )


def test_every_messaging_page_opens_with_rows(admin_client, customer):
    conversation = WhatsAppConversation.objects.create(
        phone_number="919876543210", user=customer, last_message_at=timezone.now()
    )
    rows = [
        _note(customer),
        conversation,
        WhatsAppMessage.objects.create(conversation=conversation, direction="inbound", text="hi"),
        WhatsAppKeywordResponse.objects.create(keywords="price", response="From Rs 5,000"),
        WhatsAppQuickReply.objects.create(button_text="Price", message_text="price"),
        ChatbotConfig.objects.create(pk=1),
    ]
    for row in rows:
        meta = row._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, meta.model_name
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
        assert admin_client.get(change).status_code == 200, meta.model_name


def test_deleting_a_voice_note_removes_its_upload_and_file(
    admin_client, customer, django_capture_on_commit_callbacks
):
    note = _note(customer)
    path = note.upload.file.path
    url = reverse("admin:messaging_audionote_delete", args=[note.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not AudioNote.objects.exists()
    assert not Upload.objects.exists()
    assert not os.path.exists(path)

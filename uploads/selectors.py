from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from uploads.models import Upload


def upload_get_visible(*, upload_id: int, user: User | AnonymousUser) -> Upload:
    """The upload if `user` may fetch it (public, their own, or staff); else Http404.

    Someone else's private file is a 404 like a missing one, for anonymous callers too, so
    ids reveal nothing.
    """
    uploads = Upload.objects.all()
    if not user.is_staff:
        visible = Q(is_public=True)
        if user.is_authenticated:
            visible |= Q(owner=user)
        uploads = uploads.filter(visible)
    return get_object_or_404(uploads, pk=upload_id)

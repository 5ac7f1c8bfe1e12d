"""The site's pages: public reads (no login, short cache) and the staff editors' writes."""

import hashlib

from django.conf import settings
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from content.api.serializers import (
    ContentPageCreateSerializer,
    ContentPageSerializer,
    ContentPageUpdateSerializer,
    PageContentPutSerializer,
    PageContentSavedSerializer,
    PageContentSerializer,
    PageContentShellSerializer,
    PublicContentPageSerializer,
)
from content.models import ContentPage, PageContent
from content.selectors import content_page_get, content_page_get_published, page_content_find
from content.services import content_page_create, content_page_update, page_content_put
from lebrq.api.permissions import IsStaff
from lebrq.api.views import PublicAPIView


def _etag(kind: str, page: ContentPage | PageContent) -> str:
    """Changes whenever the row is saved (updated_at is to the microsecond)."""
    version = f"{kind}:{page.pk}:{page.updated_at.isoformat()}"
    return f'W/"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'


def _cached(
    request: Request, response: Response, *, cache_control: str, etag: str | None = None
) -> HttpResponseBase:
    """The response with its cache headers, or a 304 if the client's copy is current."""
    response["Cache-Control"] = cache_control
    if etag is None:
        return response
    response["ETag"] = etag
    not_modified = get_conditional_response(request._request, etag=etag, response=response)
    return response if not_modified is None else not_modified


@extend_schema(tags=["content"])
class PublicContentPageView(PublicAPIView):
    """A published page (about, faq, privacy-policy, terms-of-service, refund-policy...).

    A draft or a page never written is a 404: the screens then show their built-in text.
    Staff edit these pages, so browsers and proxies keep them only briefly
    (CONTENT_PAGE_CACHE_SECONDS) and revalidate by ETag.
    """

    @extend_schema(responses={200: PublicContentPageSerializer})
    def get(self, request: Request, page_name: str) -> HttpResponseBase:
        page = content_page_get_published(page_name=page_name)
        response = Response(PublicContentPageSerializer(page).data)
        max_age = settings.CONTENT_PAGE_CACHE_SECONDS
        return _cached(
            request,
            response,
            cache_control=f"public, max-age={max_age}",
            etag=_etag("content-page", page),
        )


@extend_schema(tags=["content"])
class PublicPageContentView(PublicAPIView):
    """The older content screen's block by slug; one never written answers nulls (200).

    Its only reader is that editor, which must see its own last save: revalidated each time.
    """

    @extend_schema(responses={200: PageContentShellSerializer})
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        block = page_content_find(slug=slug)
        if block is None:
            shell = {"slug": slug, "title": None, "body_html": None}
            return _cached(request, Response(shell), cache_control="no-cache")
        response = Response(PageContentSerializer(block).data)
        return _cached(
            request, response, cache_control="no-cache", etag=_etag("page-content", block)
        )


@extend_schema(tags=["content"])
class ContentPageCreateView(APIView):
    """Staff: create a page (the editor's first save of a page that does not exist yet)."""

    permission_classes = [IsStaff]

    @extend_schema(request=ContentPageCreateSerializer, responses={201: ContentPageSerializer})
    def post(self, request: Request) -> Response:
        serializer = ContentPageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        page = content_page_create(draft=serializer.draft())
        return Response(ContentPageSerializer(page).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["content"])
class ContentPageStaffView(APIView):
    """Staff: read a page, draft or not (404 if never written), and change it."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: ContentPageSerializer})
    def get(self, request: Request, page_name: str) -> Response:
        page = content_page_get(page_name=page_name)
        return Response(ContentPageSerializer(page).data)

    @extend_schema(request=ContentPageUpdateSerializer, responses={200: ContentPageSerializer})
    def put(self, request: Request, page_name: str) -> Response:
        serializer = ContentPageUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        page = content_page_update(page_name=page_name, change=serializer.change())
        return Response(ContentPageSerializer(page).data)


@extend_schema(tags=["content"])
class PageContentStaffView(APIView):
    """Staff: create or change the older content screen's block by slug."""

    permission_classes = [IsStaff]

    @extend_schema(request=PageContentPutSerializer, responses={200: PageContentSavedSerializer})
    def put(self, request: Request, slug: str) -> Response:
        serializer = PageContentPutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = page_content_put(
            slug=slug,
            title=serializer.validated_data.get("title"),
            body_html=serializer.validated_data.get("body_html"),
        )
        return Response({"ok": True, "slug": block.slug})

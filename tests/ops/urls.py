"""Test-only routes around the real ones: views that fail the ways production can."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from lebrq import urls as project_urls


@csrf_exempt
def body_length(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"length": len(request.body)})


def exhaust_memory(request: HttpRequest) -> HttpResponse:
    raise MemoryError


class ExhaustMemoryApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request: Request) -> Response:
        raise MemoryError


def count_users(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"users": User.objects.count()})


@csrf_exempt
def crash(request: HttpRequest) -> HttpResponse:
    # Reads the body first, as a real view would, so its contents are in reach of a reporter.
    request.body  # noqa: B018
    raise RuntimeError("Something broke while booking")


def remember_visit(request: HttpRequest) -> HttpResponse:
    # The session is saved by SessionMiddleware after the view: a middleware DB write.
    request.session["visited"] = True
    return HttpResponse("ok")


urlpatterns = [
    path("api/test/body-length", body_length),
    path("api/test/memory-error", exhaust_memory),
    path("api/test/memory-error-drf", ExhaustMemoryApi.as_view()),
    path("api/test/count-users", count_users),
    path("pages/count-users", count_users),
    path("api/test/remember-visit", remember_visit),
    path("api/test/crash", crash),
    path("", include("lebrq.urls")),
]

# Django looks the error handlers up on the root URLconf.
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

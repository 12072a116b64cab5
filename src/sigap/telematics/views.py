"""The Django views of the telemetry hooks; the work is `hooks.hook`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sigap.telematics.hooks import hook


def _answer(request: HttpRequest, source: str) -> HttpResponse:
    answer = hook(
        source,
        method=request.method,
        query=request.GET.dict(),
        body=request.body,
        content_type=request.content_type or "",
        authorization=request.headers.get("Authorization", ""),
    )
    return JsonResponse(answer.body, status=answer.status)


@csrf_exempt  # a shared secret authenticates the engines; there is no session to protect
@require_http_methods(["POST"])
def traccar(request: HttpRequest) -> HttpResponse:
    return _answer(request, "traccar")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def osmand(request: HttpRequest) -> HttpResponse:
    return _answer(request, "osmand")

import sys
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dangvu.core.dblock import is_locked

# How long a browser or client is told to wait before trying a write again (seconds).
BUSY_RETRY_AFTER = 30


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)


@login_not_required
def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@login_not_required
def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@login_not_required
def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database access: the error may come from either.
    if is_locked(sys.exc_info()[1]):
        # Another write held the database longer than the busy timeout: nothing was written.
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": "Hệ thống đang bận ghi dữ liệu; chưa có gì được ghi. Xin thử lại."},
                status=503,
            )
        else:
            response = render(request, "errors/busy.html", status=503, using=None)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    return render(request, "errors/500.html", status=500, using=None)

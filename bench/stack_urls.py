"""dangvu's pages and one more, served only by bench/scale.py: an empty page behind the whole
middleware stack (session, sign-in, second factor, session limit, language, CSRF, CSP…) that
reads the signed-in user and nothing else. Its latency under load is the floor of the web stack
on this machine: no page of dangvu can be served faster than it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from dangvu.urls import urlpatterns as dangvu_pages


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{request.user.pk}</p>")


urlpatterns = [path("bench/trang-trong/", empty), *dangvu_pages]

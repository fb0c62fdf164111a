from django.urls import path

from dangvu.congress import views

app_name = "congress"
urlpatterns = [
    path("bau-cu/<int:pk>/", views.election_page, name="election"),
    path("chuc-vu/<int:pk>/thoi/", views.leave, name="leave"),
    path("tai-lieu/<int:pk>/", views.document_get, name="document"),
    path("<str:code>/", views.org_page, name="org"),
    path("<str:code>/dai-hoi-moi/", views.congress_new, name="congress_new"),
    path("<str:code>/chi-dinh/", views.appoint, name="appoint"),
    path("<str:code>/nhiem-ky/<int:first>-<int:last>/", views.term_page, name="term"),
    path(
        "<str:code>/nhiem-ky/<int:first>-<int:last>/bau-cu-moi/",
        views.election_new,
        name="election_new",
    ),
    path(
        "<str:code>/nhiem-ky/<int:first>-<int:last>/tai-lieu-moi/",
        views.document_add,
        name="document_add",
    ),
]

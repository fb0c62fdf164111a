from django.urls import path

from dangvu.desk import views

app_name = "desk"
urlpatterns = [
    path("ban/viec/<str:code>/", views.work_panel, name="work"),
    path("ban/xep-loai/<str:code>/", views.rating_panel, name="ratings"),
    path("ban/thong-bao/", views.notices_read, name="notices_read"),
    path("xep-loai/", views.ratings_start, name="ratings_start"),
    path("khen-thuong/", views.awards_start, name="awards_start"),
    path("phat-trien-dang-vien/", views.recruitment_start, name="recruitment_start"),
    path("dai-hoi/", views.congress_start, name="congress_start"),
    path("sinh-hoat/", views.activities_start, name="activities_start"),
]

from django.urls import path

from dangvu.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.index, name="index"),
    path("vu-viec/<int:pk>/", views.case_page, name="case"),
    path("chuong-trinh/<int:pk>/", views.programme_page, name="programme"),
    path("to-cao/<int:pk>/", views.denunciation_page, name="denunciation"),
    path("khieu-nai/<int:pk>/", views.complaint_page, name="complaint"),
    path("<str:code>/", views.org_page, name="org"),
    path("<str:code>/chuong-trinh-moi/<int:year>/", views.programme_new, name="programme_new"),
    path("<str:code>/vu-viec-moi/", views.case_new, name="case_new"),
    path("<str:code>/to-cao-moi/", views.denunciation_new, name="denunciation_new"),
    path("<str:code>/khieu-nai-moi/", views.complaint_new, name="complaint_new"),
    path("<str:code>/thong-bao-moi/", views.notice_new, name="notice_new"),
    path("<str:code>/thong-ke/", views.stats_page, name="stats"),
    path("<str:code>/thong-ke/ho-so/", views.stats_records, name="stats_records"),
]

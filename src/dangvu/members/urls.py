from django.urls import path

from dangvu.members import event_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("ket-nap/", views.admit, name="admit"),
    path("so-lieu/", views.stats_page, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/su-kien/<str:kind>/", event_views.event_create, name="event"),
    path("<int:pk>/dinh-chinh/<int:event_id>/", event_views.correct, name="correct"),
    path("viec-can-lam/", event_views.work_list_page, name="worklist"),
]

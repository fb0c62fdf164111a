from django.urls import path

from dangvu.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("ket-nap/", views.admit, name="admit"),
    path("xuat.csv", views.export_csv, name="export_csv"),
    path("so-lieu/", views.stats_page, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
]

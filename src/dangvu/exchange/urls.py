from django.urls import path

from dangvu.exchange import views

app_name = "exchange"
urlpatterns = [
    path("nhap-du-lieu/", views.imports, name="imports"),
    path("nhap-du-lieu/mau/<str:kind>.xlsx", views.template, name="template"),
    path("nhap-du-lieu/<uuid:pk>/", views.batch_page, name="batch"),
    path("nhap-du-lieu/<uuid:pk>/cot/", views.mapping, name="mapping"),
    path("nhap-du-lieu/<uuid:pk>/ghi/", views.commit, name="commit"),
    path("nhap-du-lieu/<uuid:pk>/ngoai-le/", views.override, name="override"),
    path("nhap-du-lieu/<uuid:pk>/hoan-tac/", views.revert, name="revert"),
    path("xuat-du-lieu/<str:kind>/", views.export, name="export"),
    path("dang-vien/xuat.csv", views.member_export, name="member_export"),
    path("phat-trien-dang/<str:code>/nhap/", views.union_list, name="union_list"),
]

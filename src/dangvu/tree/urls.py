from django.urls import path

from dangvu.tree import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("doi-chieu/", views.compare, name="compare"),
    path("chon/", views.pick, name="pick"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/cap-duoi/", views.children, name="children"),
    path("<str:code>/them-cap-duoi/", views.create_child, name="create_child"),
    path("<str:code>/doi-ten/", views.rename, name="rename"),
    path("<str:code>/chuyen/", views.move, name="move"),
    path("<str:code>/giai-the/", views.dissolve, name="dissolve"),
]

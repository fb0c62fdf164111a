from django.urls import path

from dangvu.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("ho-so/<int:pk>/", views.file_page, name="file"),
    path("<str:code>/", views.org_page, name="org"),
    path("<str:code>/them/", views.enter, name="enter"),
]

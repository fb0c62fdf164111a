from django.urls import path

from dangvu.awards import views

app_name = "awards"
urlpatterns = [
    path("<str:code>/", views.org_awards, name="org"),
]

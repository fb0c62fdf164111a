from django.urls import path

from dangvu.discipline import views

app_name = "discipline"
urlpatterns = [
    path("<int:pk>/ky-luat/", views.record, name="record"),
]

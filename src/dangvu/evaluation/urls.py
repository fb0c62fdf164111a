from django.urls import path

from dangvu.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("<str:code>/<int:year>/", views.org_year, name="org"),
]

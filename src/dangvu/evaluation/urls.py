from django.urls import path

from dangvu.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("xep-lai/<int:pk>/", views.reclassify_page, name="reclassify"),
    path("<str:code>/<int:year>/", views.org_year, name="org"),
]

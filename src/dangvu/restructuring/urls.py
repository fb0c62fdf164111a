from django.urls import path

from dangvu.restructuring import views

app_name = "restructuring"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
]

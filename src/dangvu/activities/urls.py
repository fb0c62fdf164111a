from django.urls import path

from dangvu.activities import views

app_name = "activities"
urlpatterns = [
    path("cua-toi/", views.me, name="me"),
    path("hop/<int:pk>/", views.meeting_page, name="meeting"),
    path("bien-lai/<int:pk>/", views.receipt_page, name="receipt"),
    path("dang-vien/<int:pk>/dang-phi/", views.member_dues, name="member_dues"),
    path("dang-vien/<int:pk>/nop/", views.payment_new, name="pay"),
    path("tai-lieu/<int:pk>/", views.document_page, name="document"),
    path("tai-lieu/<int:pk>/<str:code>/hoc-moi/", views.session_new, name="session_new"),
    path("tai-lieu/<int:pk>/<str:code>/chuong-trinh/", views.programme_new, name="programme_new"),
    path("<str:code>/", views.org_page, name="org"),
    path("<str:code>/hop-moi/", views.meeting_new, name="meeting_new"),
    path("<str:code>/ke-hoach/<int:year>/", views.plan_page, name="plan"),
    path("<str:code>/dang-phi/", views.dues_page, name="dues"),
    path("<str:code>/hoc-tap/", views.study_list, name="study"),
]

from django.urls import path

from dangvu.accounts import views

urlpatterns = [
    path("xac-thuc/", views.otp_verify, name="otp_verify"),
    path("xac-thuc/thiet-lap/", views.otp_setup, name="otp_setup"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/doi-mat-khau/", views.PasswordChange.as_view(), name="password_change"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("quan-tri/tai-khoan/", views.users, name="users"),
    path("quan-tri/tai-khoan/<int:pk>/mat-khau/", views.user_password_reset, name="user_reset"),
    path("quan-tri/tai-khoan/<int:pk>/trang-thai/", views.user_state, name="user_state"),
    path("quan-tri/vai-tro/", views.roles, name="roles"),
    path("quan-tri/vai-tro/<int:pk>/ket-thuc/", views.role_end, name="role_end"),
    path("quan-tri/vai-tro/<int:pk>/giu/", views.role_confirm, name="role_confirm"),
    path("quan-tri/vai-tro/<int:pk>/nhay-cam/", views.sensitive_decide, name="sensitive_decide"),
    path("nhat-ky/thay-doi/", views.change_log, name="change_log"),
    path("nhat-ky/truy-cap/", views.access_log, name="access_log"),
]

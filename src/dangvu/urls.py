from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from dangvu.api.api import api_urls
from dangvu.desk import views as desk_views

urlpatterns = [
    path("", desk_views.home, name="home"),
    path("", include("dangvu.desk.urls")),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ngon-ngu/", login_not_required(set_language), name="set_language"),
    path("to-chuc/sap-xep/", include("dangvu.restructuring.urls")),
    path("to-chuc/", include("dangvu.tree.urls")),
    path("dang-vien/", include("dangvu.members.urls")),
    path("dang-vien/", include("dangvu.discipline.urls")),
    path("xep-loai/", include("dangvu.evaluation.urls")),
    path("khen-thuong/", include("dangvu.awards.urls")),
    path("phat-trien-dang/", include("dangvu.recruitment.urls")),
    path("dai-hoi/", include("dangvu.congress.urls")),
    path("sinh-hoat/", include("dangvu.activities.urls")),
    path("kiem-tra/", include("dangvu.inspection.urls")),
    path("bao-cao/", include("dangvu.reports.urls")),
    path("", include("dangvu.exchange.urls")),
    path("api/v1/", api_urls()),
    path("", include("dangvu.accounts.urls")),
]

handler404 = "dangvu.core.views.not_found"
handler500 = "dangvu.core.views.server_error"
handler403 = "dangvu.core.views.forbidden"
handler400 = "dangvu.core.views.bad_request"

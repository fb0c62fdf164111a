from django.urls import path

from dangvu.reports import views
from dangvu.reports.views import activities as activities_views
from dangvu.reports.views import awards as award_views
from dangvu.reports.views import congress as congress_views
from dangvu.reports.views import inspection as inspection_views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("lan/<int:pk>/", views.run_page, name="run"),
    path("lan/<int:pk>/tai/<str:what>/", views.run_file, name="run_file"),
    path("lan/<int:pk>/du-thao/", views.publish, name="publish"),
    path("lan/<int:pk>/gop-y/", views.comment, name="comment"),
    path("lan/<int:pk>/gop-y/<int:comment_id>/", views.answer, name="answer"),
    path("bau-cu/<int:pk>/bien-ban.docx", congress_views.minutes, name="election_minutes"),
    path(
        "kiem-tra/<int:pk>/quyet-dinh.docx", inspection_views.decision, name="inspection_decision"
    ),
    path(
        "kiem-tra/<int:pk>/thong-bao-ket-luan.docx",
        inspection_views.conclusion,
        name="inspection_conclusion",
    ),
    path("<str:code>/", views.org_reports, name="org"),
    path("<str:code>/kiem-tra.xlsx", inspection_views.forms_xlsx, name="inspection_xlsx"),
    path("<str:code>/dai-hoi/", congress_views.board, name="congress_board"),
    path("<str:code>/sinh-hoat.xlsx", activities_views.coverage_xlsx, name="activities_xlsx"),
    path("<str:code>/so-dang-phi.xlsx", activities_views.dues_book_xlsx, name="dues_book_xlsx"),
    path("<str:code>/dang-phi.xlsx", activities_views.dues_summary_xlsx, name="dues_summary_xlsx"),
    path(
        "<str:code>/dai-hoi/<int:first>-<int:last>/ket-qua.docx",
        congress_views.congress_report,
        name="congress_report",
    ),
    path(
        "<str:code>/dai-hoi/<int:first>-<int:last>/dai-bieu.docx",
        congress_views.delegates_list,
        name="delegates_list",
    ),
    path(
        "<str:code>/dai-hoi/<int:first>-<int:last>/cap-uy.docx",
        congress_views.committee_list,
        name="committee_list",
    ),
    path("<str:code>/de-nghi/<str:what>.<str:fmt>", award_views.award_list, name="award_list"),
    path("<str:code>/bieu/<str:number>/", views.form_page, name="form"),
    path("<str:code>/ho-so/", views.records_page, name="records"),
    path("<str:code>/tong-quan/", views.dashboard, name="dashboard"),
    path("<str:code>/chi-tieu-ket-nap/", views.targets_page, name="targets"),
    path("<str:code>/phat-trien-dang/", views.recruitment_page, name="recruitment"),
    path("<str:code>/tong-ket/", views.create_review, name="create_review"),
]

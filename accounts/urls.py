from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("lao/districts/", views.DistrictOptionsView.as_view(), name="district_options"),
    path("lao/organisations/", views.OrganisationOptionsView.as_view(), name="lao_options"),
    path("lao/search/", views.OrganisationSearchView.as_view(), name="lao_search"),
    path(
        "verify-email/resend/", views.ResendVerificationView.as_view(), name="resend_verification"
    ),
    path("privacy-notice/", views.PrivacyNoticeView.as_view(), name="privacy_notice"),
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/privacy/", views.PrivacyView.as_view(), name="privacy"),
    path(
        "me/privacy/my-data.<str:fmt>",
        views.PersonalDataDownloadView.as_view(),
        name="download_my_data",
    ),
    path("me/delete/", views.EraseAccountView.as_view(), name="erase_account"),
    path(
        "manage/participants/import/", views.NominatedImportView.as_view(), name="nominated_import"
    ),
    path(
        "manage/participants/import/template.xlsx",
        views.NominatedTemplateView.as_view(),
        name="nominated_template",
    ),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
]

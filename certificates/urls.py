from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("mine/", views.mine, name="mine"),
    path("mine/name/", views.certificate_name, name="name"),
    path("mine/<str:code>/certificate.pdf", views.download_pdf, name="download_pdf"),
    path("mine/<str:code>/credential.json", views.credential_json, name="credential_json"),
    path("mine/<str:code>/credential.jwt", views.credential_jws, name="credential_jws"),
    path("transcript/", views.transcript, name="transcript"),
    path("transcript/cpd-transcript.csv", views.transcript_csv, name="transcript_csv"),
    path("transcript/cpd-transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("manage/", views.manage, name="manage"),
    path("manage/issue/", views.manual_issue, name="manual_issue"),
    path("manage/issue/course/", views.source_issue, name="source_issue"),
    path("manage/<str:code>/revoke/", views.revoke, name="revoke"),
    path("manage/exports/", views.export_request, name="export_request"),
    path("manage/exports/<uuid:public_id>/", views.export_detail, name="export_detail"),
    path("manage/exports/<uuid:public_id>/download/", views.export_download, name="export_download"),
    path("issuers/<slug:slug>/", views.issuer_profile, name="issuer_profile"),
    path("issuers/<slug:slug>/jwks.json", views.issuer_jwks, name="issuer_jwks"),
    path("issuers/<slug:slug>/status/revocation", views.issuer_status_list, name="issuer_status_list"),
    path("issuers/<slug:slug>/revocations.json", views.issuer_revocations, name="issuer_revocations"),
]

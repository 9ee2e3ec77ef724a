from django.urls import path

from accounts import views

app_name = "accounts"

member = "associations/<slug:slug>/members/<int:membership_id>/"

urlpatterns = [
    path("account/profile/", views.profile_edit, name="profile"),
    path("account/associations/", views.my_associations, name="my_associations"),
    path("associations/<slug:slug>/", views.association_detail, name="association_detail"),
    path("associations/<slug:slug>/dashboard/", views.association_dashboard, name="association_dashboard"),
    path("associations/<slug:slug>/members/", views.member_list, name="member_list"),
    path("associations/<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path("associations/<slug:slug>/members/import/", views.member_import, name="member_import"),
    path(
        "associations/<slug:slug>/members/import/template.csv",
        views.member_import_template,
        name="member_import_template",
    ),
    path(member, views.member_detail, name="member_detail"),
    path(member + "approve/", views.member_approve, name="member_approve"),
    path(member + "lapse/", views.member_lapse, name="member_lapse"),
    path(member + "reactivate/", views.member_reactivate, name="member_reactivate"),
    path(member + "role/", views.member_change_role, name="member_change_role"),
    path(member + "terms/", views.member_change_terms, name="member_change_terms"),
]

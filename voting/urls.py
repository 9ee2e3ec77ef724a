from django.urls import path, register_converter

from voting import views

app_name = "voting"


class MinutesFormat:
    regex = "json|pdf"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MinutesFormat, "minutes_format")

poll = "polls/<int:pk>/"

urlpatterns = [
    path("", views.poll_list, name="poll_list"),
    path("associations/<slug:slug>/polls/new/", views.poll_new, name="poll_new"),
    path("associations/<slug:slug>/rules/new/", views.ruleset_new, name="ruleset_new"),
    path("associations/<slug:slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path(poll, views.poll_detail, name="poll_detail"),
    path(poll + "vote/", views.poll_vote, name="poll_vote"),
    path(poll + "receipt/", views.poll_receipt, name="poll_receipt"),
    path(poll + "receipts/", views.poll_receipts, name="poll_receipts"),
    path(poll + "audit/", views.poll_audit, name="poll_audit"),
    path(poll + "open/", views.poll_open, name="poll_open"),
    path(poll + "close/", views.poll_close, name="poll_close"),
    path(poll + "presence/", views.poll_presence, name="poll_presence"),
    path(poll + "proxies/", views.poll_proxies, name="poll_proxies"),
    path(poll + "proxies/grant/", views.poll_proxy_grant, name="poll_proxy_grant"),
    path(poll + "proxies/<int:proxy_id>/revoke/", views.proxy_revoke, name="proxy_revoke"),
    path(poll + "minutes.<minutes_format:fmt>", views.poll_minutes, name="poll_minutes"),
    path("meetings/<int:meeting_id>/proxy/", views.meeting_proxy, name="meeting_proxy"),
    path(
        "meetings/<int:meeting_id>/proxy/<int:proxy_id>/revoke/",
        views.meeting_proxy_revoke,
        name="meeting_proxy_revoke",
    ),
    path("meetings/<int:meeting_id>/minutes.<minutes_format:fmt>", views.meeting_minutes, name="meeting_minutes"),
]

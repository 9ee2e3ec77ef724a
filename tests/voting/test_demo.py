"""The demo association holds a general assembly with a motion and an officer election, and a board resolution."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from voting.models import Poll

pytestmark = pytest.mark.django_db


def test_the_demo_votes_are_built_once_and_read_in_english_and_russian(client):
    from lms.demo.people import build_people
    from lms.demo.votes import ACCOUNTS, MOTION, build_votes
    from lms.demo.webinars import build_webinars

    build_people()
    build_webinars()
    build_votes()
    build_votes()

    assert Poll.objects.count() == 4
    assert sorted(Poll.objects.values_list("state", flat=True)) == ["closed", "draft", "open", "open"]
    motion = Poll.objects.get(title=MOTION)
    assert motion.result["outcome"]["result"] == "carried"
    assert motion.meeting.presences.count() == 4
    assert motion.meeting.webinar is None  # held before the webinars: the chair marked presence
    accounts = Poll.objects.get(title=ACCOUNTS)
    assert accounts.meeting.webinar.kind == "general-assembly"
    assert accounts.opens_at == accounts.meeting.webinar.starts_at == accounts.meeting.starts_at
    client.force_login(User.objects.get(email="member1@lis-commons.local"))
    english = client.get(reverse("voting:poll_list")).content.decode()
    assert "Polls waiting for your vote" in english
    assert "Elect the treasurer" in english
    russian = client.get("/ru" + reverse("voting:poll_detail", args=[motion.pk])).content.decode()
    assert "Утвердить годовой отчёт" in russian
    assert "Принято" in russian
    with translation.override("en"):
        proxy_path = reverse("voting:meeting_proxy", args=[accounts.meeting_id])
    proxy_page = client.get("/ru" + proxy_path).content.decode()
    assert "Доверенность на собрание" in proxy_page
    assert "Ежегодное общее собрание 2027" in proxy_page

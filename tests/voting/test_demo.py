"""The demo association holds a general assembly with a motion and an officer election, and a board resolution."""

import pytest
from django.urls import reverse

from accounts.models import User
from voting.models import Poll

pytestmark = pytest.mark.django_db


def test_the_demo_votes_are_built_once_and_read_in_english_and_russian(client):
    from lms.demo.people import build_people
    from lms.demo.votes import MOTION, build_votes

    build_people()
    build_votes()
    build_votes()

    assert Poll.objects.count() == 3
    assert sorted(Poll.objects.values_list("state", flat=True)) == ["closed", "open", "open"]
    motion = Poll.objects.get(title=MOTION)
    assert motion.result["outcome"]["result"] == "carried"
    assert motion.meeting.presences.count() == 4
    client.force_login(User.objects.get(email="member1@lis-commons.local"))
    english = client.get(reverse("voting:poll_list")).content.decode()
    assert "Polls waiting for your vote" in english
    assert "Elect the treasurer" in english
    russian = client.get("/ru" + reverse("voting:poll_detail", args=[motion.pk])).content.decode()
    assert "Утвердить годовой отчёт" in russian
    assert "Принято" in russian

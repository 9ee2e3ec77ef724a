"""The Russian catalogue of the voting app translates every string; voting pages and rule citations speak Russian."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.voting.factories import open_poll
from voting import rules, services

CATALOGUE = settings.BASE_DIR / "voting" / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_voting_message_has_a_russian_translation_and_none_is_fuzzy():
    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [
        entry for entry in entries if "#, fuzzy" in entry or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)
    ]
    assert len(entries) > 200
    assert untranslated == []


def test_the_rules_are_cited_in_russian():
    with translation.override("ru"):
        assert rules.majority_text(rules.Rule()).startswith("Большинство: простое")


@pytest.mark.django_db
def test_the_poll_page_and_its_result_read_in_russian(client, association, member):
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])
    services.poll_close(poll_id=poll.pk)
    client.force_login(member)

    page = client.get("/ru" + reverse("voting:poll_detail", args=[poll.pk])).content.decode()

    assert "Кто видит, как вы голосуете" in page
    assert "Принято" in page
    assert "Решено по этим правилам" in page


@pytest.mark.django_db
def test_each_e_mail_is_in_its_recipients_language(association, member, board_member):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from accounts.models import Profile
    from tests.voting.factories import poll_create
    from voting.tasks import poll_opened_notify, poll_reminder_send

    Profile.objects.update_or_create(user=member, defaults={"preferred_language": "ru"})
    Profile.objects.update_or_create(user=board_member, defaults={"preferred_language": "en"})
    poll = services.poll_open(poll_id=poll_create(association, closes_at=timezone.now() + timedelta(hours=1)).pk)
    mail.outbox.clear()

    with translation.override("en"):
        poll_opened_notify(poll.pk)
    with translation.override("ru"):
        poll_reminder_send(poll.pk)

    subjects = {(m.to[0], m.subject.split(":")[0]) for m in mail.outbox}
    assert subjects == {
        (member.email, "Открыто голосование"),
        (member.email, "Напоминание"),
        (board_member.email, "Poll open"),
        (board_member.email, "Reminder"),
    }
    russian = next(m for m in mail.outbox if m.to == [member.email])
    assert "Проголосовать: " in russian.body

"""The demo webinars: one upcoming per track, a past one with a recording and attendance, a general assembly."""

from django.apps import apps
from django.utils import timezone

from lms.demo.webinars import webinars_seed
from webinars.models import AttendanceInterval, Recording, Registration, Webinar


def test_the_demo_builds_the_webinars_once_and_certifies_the_past_attendee(association, trainer, learner, member):
    first = webinars_seed(association=association, presenter=trainer, learner=learner, member=member)
    second = webinars_seed(association=association, presenter=trainer, learner=learner, member=member)
    assert [w.pk for w in first] == [w.pk for w in second]
    now = timezone.now()
    upcoming = Webinar.objects.filter(starts_at__gt=now, kind=Webinar.Kind.WEBINAR)
    assert sorted(upcoming.values_list("track", flat=True)) == [
        "future-lis-skills",
        "media-literacy",
        "online-governance",
    ]
    past = Webinar.objects.get(ends_at__lt=now)
    assert Recording.objects.filter(webinar=past).count() == 1
    assert AttendanceInterval.objects.filter(webinar=past).count() == 2
    assert Registration.objects.get(webinar=past, user=learner).attended is True
    assert Registration.objects.get(webinar=past, user=member).attended is False
    certificate = apps.get_model("certificates", "Certificate").objects.get()
    assert certificate.recipient == learner and certificate.kind == "webinar"
    assembly = Webinar.objects.get(kind=Webinar.Kind.GENERAL_ASSEMBLY)
    assert assembly.audience == Webinar.Audience.MEMBERS and assembly.association == association

"""Courses as sources of certificates: the one module where courses register with certificates' access registry.

certificates knows nothing of courses. Courses tell it who runs a course (its trainers, as ``accounts.roles``
defines them) and what the course's certificate says, so that a course's trainers manage the certificates of their
own courses (list, issue by hand, revoke, export) even without a membership of the issuing association.
"""

from certificates.access import Achievement, register_source
from certificates.services import CertificateKind


def course_achievement(course) -> Achievement:
    """What the course's certificate says; the same values ``course_certificate_issue`` issues with."""
    return Achievement(
        title=course.title, kind=CertificateKind.COURSE, cpd_hours=course.cpd_hours, issuer=course.issuer
    )


def courses_trained_by(user):
    from accounts.roles import trained_by
    from courses.models import CoursePage

    return trained_by(user, CoursePage.objects.select_related("issuer"))


def certificate_sources_register() -> None:
    """Called from CoursesConfig.ready()."""
    from courses.models import CoursePage

    register_source(CoursePage, run_by=courses_trained_by, achievement=course_achievement)

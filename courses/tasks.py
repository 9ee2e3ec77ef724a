"""Background work for courses. Tasks take ids, re-read rows and are safe to run twice."""

from celery import shared_task

from courses.models import CourseCompletion
from courses.services import course_certificate_issue


@shared_task
def course_certificate_issue_task(completion_id: int) -> int | None:
    """Issue the certificate of a recorded completion (idempotent: certificate_issue returns the existing one).

    None when there is no completion, or while the learner has not given the name to print (the certificate is
    held by certificates and issued when they do).
    """
    completion = (
        CourseCompletion.objects.select_related("learner", "course", "course__issuer").filter(pk=completion_id).first()
    )
    if completion is None:
        return None
    certificate = course_certificate_issue(completion=completion)
    return certificate.pk if certificate is not None else None

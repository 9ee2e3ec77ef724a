"""Russian: a recipient who prefers Russian gets the built-in certificate, and the e-mail, in Russian;
the public pages speak Russian to a Russian browser. (make test compiles the translations.)"""

import io

import pypdf
from django.urls import reverse

from tests.certificates.factories import issue


def test_the_built_in_certificate_is_rendered_in_russian(
    russian_learner, award, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(recipient=russian_learner, source=award)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        text = " ".join(pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text().split())
    assert "Сертификат" in text and "Настоящим удостоверяется, что" in text
    assert "Ирина Сергеевна Петрова" in text
    assert mailoutbox[0].subject.startswith("Ваш сертификат")


def test_the_verification_page_speaks_russian(client, certificate):
    response = client.get(
        reverse("certificates:verify", kwargs={"code": certificate.verification_code}), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert "ДЕЙСТВИТЕЛЕН" in response.content.decode()


def test_the_language_switchers_cookie_is_honoured_on_these_unprefixed_pages(client, learner, settings):
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get(reverse("certificates:mine"))
    body = response.content.decode()
    assert '<html lang="ru"' in body and "Мои сертификаты" in body
    assert response["Content-Language"] == "ru"

"""Russian: a recipient who prefers Russian gets the built-in certificate, and the e-mail, in Russian;
the public pages speak Russian to a Russian browser. (make test compiles the translations.)"""

import io

import pypdf
from django.urls import reverse
from django.utils import translation

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


def test_the_verification_page_speaks_russian_under_the_russian_prefix(client, certificate):
    """Issue 8, finding 4: /ru/certificates/verify/ exists (i18n_patterns)."""
    with translation.override("ru"):
        url = reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    assert url.startswith("/ru/certificates/verify/")
    assert "ДЕЙСТВИТЕЛЕН" in client.get(url).content.decode()
    with translation.override("ru"):
        form = reverse("certificates:verify_form")
    assert form == "/ru/certificates/verify/"
    assert client.get(form).status_code == 200


def test_certificate_pages_follow_the_browsing_language_not_the_cookie_or_profile(client, russian_learner, settings):
    """Issue 8, finding 4: from an English page (no prefix) My certificates is English, whatever the cookie says."""
    client.force_login(russian_learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    english = client.get("/certificates/mine/")
    assert '<html lang="en"' in english.content.decode() and english["Content-Language"] == "en"
    russian = client.get("/ru/certificates/mine/")
    body = russian.content.decode()
    assert '<html lang="ru"' in body and "Мои сертификаты" in body
    assert russian["Content-Language"] == "ru"


def test_my_certificates_links_to_the_verification_page_and_says_the_certificate_s_language(
    client, learner, certificate
):
    client.force_login(learner)
    content = client.get("/certificates/mine/").content.decode()
    assert 'href="/certificates/verify/"' in content
    assert "Printed in English, the language the course or event was taken in." in content
    verify = client.get(f"/certificates/verify/{certificate.verification_code}/").content.decode()
    assert "English: printed in the language the course or event was taken in" in verify


def test_addresses_in_credentials_do_not_change_with_the_language(certificate):
    from certificates.badges import issuer_profile_url

    english = issuer_profile_url(certificate.issuer)
    with translation.override("ru"):
        assert issuer_profile_url(certificate.issuer) == english
    assert "/ru/" not in english

"""Public verification: valid or revoked said plainly, only the needed facts, codes that cannot be
enumerated (same 'not found' for any unknown code, rate limits, digest lookup)."""

import re
import secrets

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import verification_code_new


def _verify(client, code):
    return client.get(reverse("certificates:verify", kwargs={"code": code}))


@pytest.mark.django_db
def test_anyone_sees_a_valid_certificate_without_logging_in(client, certificate):
    response = _verify(client, certificate.verification_code)
    assert response.status_code == 200
    body = response.content.decode()
    assert "VALID" in body
    for fact in (certificate.recipient_name, certificate.achievement_title, certificate.issuer_name, "3.5"):
        assert fact in body
    assert certificate.code_grouped in body


def test_the_page_shows_only_what_is_needed(client, certificate):
    """No e-mail address, no internal ids, no links to the PDF."""
    body = _verify(client, certificate.verification_code).content.decode()
    assert certificate.recipient.email not in body
    assert "certificate.pdf" not in body
    assert response_has_noindex(client, certificate)


def response_has_noindex(client, certificate):
    return _verify(client, certificate.verification_code)["X-Robots-Tag"] == "noindex"


def test_a_revoked_certificate_says_revoked_with_the_date_but_never_the_reason(client, certificate, association_admin):
    """The reason is about a person: the recipient sees it under My certificates, the public page does not."""
    services.certificate_revoke(certificate=certificate, actor=association_admin, reason="Issued in error")
    response = _verify(client, certificate.verification_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "REVOKED" in body and "VALID" not in body
    assert "Issued in error" not in body


def test_the_recipient_sees_the_reason_of_a_revocation_under_my_certificates(client, certificate, association_admin):
    services.certificate_revoke(certificate=certificate, actor=association_admin, reason="Issued in error")
    client.force_login(certificate.recipient)
    assert "Issued in error" in client.get(reverse("certificates:mine")).content.decode()


@pytest.mark.django_db
def test_a_random_code_says_not_found_with_404_and_no_hints(client, certificate):
    """Two unknown codes (one near the real one) give byte-identical pages: nothing hints at valid codes."""
    near = certificate.verification_code[:-1] + ("A" if certificate.verification_code[-1] != "A" else "B")
    first = _verify(client, verification_code_new())
    second = _verify(client, near)
    garbage = _verify(client, "x" * 10)
    for response in (first, second, garbage):
        assert response.status_code == 404
        assert "Not found." in response.content.decode()
    assert _unmasked(first) == _unmasked(second) == _unmasked(garbage)


def _unmasked(response) -> str:
    # The CSRF token is masked afresh on every render and the language switcher echoes the path the
    # visitor typed; everything else must match.
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="next" type="hidden" value="[^"]+"', "", body)


def test_the_code_can_be_typed_grouped_in_lower_case_with_spaces(client, certificate):
    typed = certificate.code_grouped.lower().replace("-", " ")
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", kwargs={"code": certificate.verification_code})


def test_the_grouped_code_works_in_the_url_too(client, certificate):
    assert _verify(client, certificate.code_grouped).status_code == 200


def test_the_form_says_not_found_for_an_unknown_code(client, db):
    response = client.get(reverse("certificates:verify_form"), {"code": secrets.token_hex(16)})
    assert response.status_code == 404
    assert "Not found." in response.content.decode()


def test_the_empty_form_is_a_labelled_page(client, db):
    response = client.get(reverse("certificates:verify_form"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_code">' in body
    assert body.count("<h1") == 1


def test_lookups_are_rate_limited_per_ip_with_a_clear_429(client, certificate, settings):
    settings.CERTIFICATES_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert _verify(client, verification_code_new()).status_code == 404
    refused = _verify(client, certificate.verification_code)
    assert refused.status_code == 429
    assert "Too many look-ups" in refused.content.decode()
    other_ip = client.get(
        reverse("certificates:verify", kwargs={"code": certificate.verification_code}), REMOTE_ADDR="10.0.0.9"
    )
    assert other_ip.status_code == 200


def test_the_lookup_uses_the_digest_index_and_one_query(certificate, django_assert_num_queries):
    from certificates.selectors import certificate_by_code

    with django_assert_num_queries(1):
        assert certificate_by_code(certificate.verification_code) == certificate
    with django_assert_num_queries(1):
        assert certificate_by_code(verification_code_new()) is None


def test_an_empty_code_in_the_form_is_a_labelled_error_not_a_lookup(client, db):
    response = client.get(reverse("certificates:verify_form"), {"code": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_form_is_rate_limited_too(client, db, settings):
    settings.CERTIFICATES_VERIFY_RATE_LIMIT = 1
    client.get(reverse("certificates:verify_form"), {"code": verification_code_new()})
    response = client.get(reverse("certificates:verify_form"), {"code": verification_code_new()})
    assert response.status_code == 429

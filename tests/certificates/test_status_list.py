"""The W3C Bitstring Status List: each certificate has a stable, per-issuer index; the issuer publishes a signed
BitstringStatusListCredential whose bits are 1 exactly for revoked certificates, of at least 131,072 entries,
with no reasons, ids, names or e-mail addresses; the retired 1EdTech list is gone (410)."""

import base64
import gzip
import json

import jwt
import pytest
from django.urls import reverse

from certificates import badges, services
from certificates.models import STATUS_LIST_LENGTH, Certificate, status_list_capacity
from tests.certificates.factories import ManualAwardFactory, issue
from tests.factories import UserFactory


def _status_list_path(association):
    return reverse("certificates:issuer_status_list", kwargs={"slug": association.slug})


def _fetch_verified(client, association) -> dict:
    """What a verifier does: fetch the list, verify its VC-JWT with the key its kid names, return the payload."""
    response = client.get(_status_list_path(association))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and set(header) == {"alg", "typ", "kid"}
    jwks_url, _, kid = header["kid"].partition("#")
    keys = client.get(jwks_url.removeprefix("http://127.0.0.1:8000")).json()["keys"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid))
    return jwt.decode(token, key=key.key, algorithms=["RS256"])


def _decode_bits(encoded: str) -> bytes:
    # Independent of badges.status_list_decode: multibase 'u' + base64url without padding, then GZIP.
    assert encoded[0] == "u" and "=" not in encoded
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def _set_bits(bits: bytes) -> set[int]:
    return {i * 8 + b for i, byte in enumerate(bits) if byte for b in range(8) if byte & (0x80 >> b)}


@pytest.fixture
def issued(association, django_capture_on_commit_callbacks):
    """Five certificates of one issuer, for five people."""
    with django_capture_on_commit_callbacks(execute=False):
        return [issue(recipient=UserFactory(), issuer=association) for _ in range(5)]


def test_every_credential_points_at_its_bit_in_the_issuers_list(issued, association):
    for certificate in issued:
        entry = badges.credential(certificate)["credentialStatus"]
        assert entry == {
            "id": f"{badges.status_list_url(association)}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": badges.status_list_url(association),
        }
    assert len({c.status_index for c in issued}) == len(issued)


def test_the_published_list_has_a_bit_set_exactly_for_the_revoked(client, issued, association, association_admin):
    services.certificate_revoke(certificate=issued[1], actor=association_admin, reason="Plagiarised the final essay")
    services.certificate_revoke(certificate=issued[3], actor=association_admin, reason="Duplicate")
    payload = _fetch_verified(client, association)
    bits = _decode_bits(payload["credentialSubject"]["encodedList"])
    assert _set_bits(bits) == {issued[1].status_index, issued[3].status_index}


def test_a_list_without_revocations_is_all_zero_and_at_least_16_kb(client, issued, association):
    payload = _fetch_verified(client, association)
    bits = _decode_bits(payload["credentialSubject"]["encodedList"])
    assert len(bits) == STATUS_LIST_LENGTH // 8 == 16_384
    assert _set_bits(bits) == set()


def test_the_list_is_a_bitstring_status_list_credential_of_the_issuer(client, issued, association):
    payload = _fetch_verified(client, association)
    url = badges.status_list_url(association)
    assert payload["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert payload["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert payload["id"] == payload["jti"] == url
    assert payload["issuer"] == payload["iss"] == badges.issuer_profile_url(association)
    assert payload["validFrom"].endswith("Z")
    subject = payload["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert set(subject) == {"id", "type", "statusPurpose", "encodedList"}


def test_the_list_carries_no_reason_no_name_no_email_and_no_credential_id(
    client, issued, association, association_admin
):
    reason = "Plagiarised the final essay"
    services.certificate_revoke(certificate=issued[0], actor=association_admin, reason=reason)
    token = client.get(_status_list_path(association)).content.decode()
    text = json.dumps(jwt.decode(token, options={"verify_signature": False}), ensure_ascii=False)
    assert reason not in text and "Plagiarised" not in text
    assert "@" not in text.replace('"@context"', "")  # no e-mail address of anyone
    for certificate in issued:
        assert certificate.recipient.email not in text
        assert certificate.recipient_name not in text
        assert certificate.verification_code not in text
        assert str(certificate.credential_uuid) not in text


def test_another_associations_key_does_not_verify_the_list(client, issued, association, other_association):
    token = client.get(_status_list_path(association)).content.decode()
    other = client.get(reverse("certificates:issuer_jwks", kwargs={"slug": other_association.slug})).json()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key=jwt.PyJWK(other["keys"][0]).key, algorithms=["RS256"])


def test_the_list_is_public_fetchable_from_other_origins_and_by_head(client, association):
    url = _status_list_path(association)
    response = client.get(url)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_an_unknown_issuer_has_no_list(client, db):
    assert client.get(reverse("certificates:issuer_status_list", kwargs={"slug": "nope"})).status_code == 404


def test_revocations_of_another_issuer_do_not_show_in_this_list(
    client, issued, association, other_association, other_admin
):
    theirs = issue(recipient=UserFactory(), issuer=other_association)
    services.certificate_revoke(certificate=theirs, actor=other_admin, reason="Theirs")
    bits = _decode_bits(_fetch_verified(client, association)["credentialSubject"]["encodedList"])
    assert _set_bits(bits) == set()


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = badges.status_bits([0, 9, 131_071], length=STATUS_LIST_LENGTH)
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert badges.status_list_decode(badges.status_list_encode(bits)) == bits


def test_the_capacity_grows_by_whole_lists_and_stays_at_most_half_used():
    assert status_list_capacity(0) == STATUS_LIST_LENGTH
    assert status_list_capacity(STATUS_LIST_LENGTH // 2 - 1) == STATUS_LIST_LENGTH
    assert status_list_capacity(STATUS_LIST_LENGTH // 2) == 2 * STATUS_LIST_LENGTH


def test_a_list_covers_an_index_beyond_the_first_131072(client, association, association_admin):
    certificate = issue(recipient=UserFactory(), issuer=association)
    Certificate.objects.filter(pk=certificate.pk).update(status_index=200_000)
    certificate.refresh_from_db()
    services.certificate_revoke(certificate=certificate, actor=association_admin, reason="x")
    bits = _decode_bits(_fetch_verified(client, association)["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 2 * STATUS_LIST_LENGTH
    assert _set_bits(bits) == {200_000}


def test_a_drawn_index_already_taken_is_drawn_again(association, monkeypatch):
    first = issue(recipient=UserFactory(), issuer=association)
    draws = iter([first.status_index, first.status_index, 4242])
    monkeypatch.setattr(services, "status_index_draw", lambda used: next(draws))
    second = issue(recipient=UserFactory(), issuer=association)
    assert second.status_index == 4242
    assert Certificate.objects.count() == 2


def test_the_same_index_may_be_used_by_two_issuers(association, other_association, monkeypatch):
    monkeypatch.setattr(services, "status_index_draw", lambda used: 7)
    mine = issue(recipient=UserFactory(), issuer=association)
    theirs = issue(recipient=UserFactory(), issuer=other_association)
    assert mine.status_index == theirs.status_index == 7


def test_the_index_is_stable_and_a_repeat_issue_keeps_it(association, learner):
    award = ManualAwardFactory(association=association)
    certificate = issue(recipient=learner, source=award)
    again = issue(recipient=learner, source=award)
    assert again.pk == certificate.pk and again.status_index == certificate.status_index


def test_the_retired_1edtech_list_answers_gone_and_names_nothing(client, issued, association, association_admin):
    services.certificate_revoke(certificate=issued[0], actor=association_admin, reason="Fraud")
    response = client.get(reverse("certificates:issuer_revocations", kwargs={"slug": association.slug}))
    assert response.status_code == 410
    body = response.content.decode()
    assert "Fraud" not in body and issued[0].verification_code not in body
    assert response.json()["statusListCredential"] == badges.status_list_url(association)


def test_the_list_is_built_in_a_constant_number_of_queries(
    client, issued, association, association_admin, django_assert_max_num_queries
):
    for certificate in issued[:3]:
        services.certificate_revoke(certificate=certificate, actor=association_admin, reason="x")
    client.get(_status_list_path(association))  # the issuer key exists from here on
    # association, revoked indexes, highest index, issuer key
    with django_assert_max_num_queries(4):
        assert client.get(_status_list_path(association)).status_code == 200

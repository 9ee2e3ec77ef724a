"""Open Badges 3.0: the credential has the specification's required fields, the VC-JWT verifies with the
issuer's published JWKS (and fails when tampered), no private key is ever published, the credential id is
opaque and neither the id nor anything else carries the e-mail. The status list is in test_status_list.py."""

import base64
import json
import uuid

import jwt
import pytest
from django.urls import reverse

from certificates import badges
from certificates.models import IssuerKey
from certificates.pdf import verification_url
from tests.certificates.factories import issue


def _jwks(client, association):
    response = client.get(reverse("certificates:issuer_jwks", kwargs={"slug": association.slug}))
    assert response.status_code == 200
    return response.json()


def _verify_with_published_key(client, association, token):
    """What a verifier does: read the header's kid, fetch the JWKS it names, pick the key, verify RS256."""
    header = jwt.get_unverified_header(token)
    jwks_url, _, kid = header["kid"].partition("#")
    assert jwks_url == badges.jwks_url(association)
    path = jwks_url.removeprefix("http://127.0.0.1:8000")
    keys = client.get(path).json()["keys"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid))
    return jwt.decode(token, key=key.key, algorithms=["RS256"], options={"verify_aud": False})


@pytest.fixture
def token(certificate):
    return badges.credential_jws(certificate)


def test_the_jws_verifies_with_the_published_jwks(client, certificate, token, association):
    claims = _verify_with_published_key(client, association, token)
    assert claims["iss"] == claims["issuer"]["id"] == badges.issuer_profile_url(association)
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())


def test_the_jose_header_is_rs256_with_a_kid_uri_and_nothing_else(token, association):
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"].startswith(badges.jwks_url(association) + "#")
    assert set(header) == {"alg", "typ", "kid"}


def test_a_tampered_payload_fails_verification(client, token, association):
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["creditsEarned"] = 400.0
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify_with_published_key(client, association, f"{head}.{forged}.{signature}")


def test_another_associations_key_does_not_verify(client, token, other_association):
    other_key = jwt.PyJWK(_jwks(client, other_association)["keys"][0])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key=other_key.key, algorithms=["RS256"])


def test_the_jwks_never_contains_private_members(client, association, certificate):
    badges.credential_jws(certificate)
    keys = _jwks(client, association)["keys"]
    assert len(keys) == 1
    assert set(keys[0]) == {"kty", "n", "e", "kid", "alg", "use"}
    assert "d" not in keys[0] and "p" not in keys[0]


def test_one_key_per_association_made_on_first_need(association, other_association):
    assert not IssuerKey.objects.exists()
    first = badges.issuer_key_ensure(association)
    assert badges.issuer_key_ensure(association) == first
    assert badges.issuer_key_ensure(other_association).kid != first.kid


def test_the_credential_has_the_required_fields(certificate):
    credential = badges.credential(certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"urn:uuid:{certificate.credential_uuid}"
    assert credential["issuer"]["type"] == ["Profile"] and credential["issuer"]["name"]
    assert credential["validFrom"].endswith("Z")
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    identity = subject["identifier"][0]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True and identity["identityHash"].startswith("sha256$")
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["name"] == certificate.achievement_title
    assert achievement["criteria"]["narrative"]
    assert subject["creditsEarned"] == 3.5
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.status_index)
    assert status["statusListCredential"] == badges.status_list_url(certificate.issuer)


def test_the_credential_id_does_not_reveal_the_verification_code(certificate):
    credential = badges.credential(certificate)
    assert certificate.verification_code not in credential["id"]
    assert certificate.verification_code not in credential["credentialStatus"]["id"]
    uuid.UUID(credential["id"].removeprefix("urn:uuid:"), version=4)


def test_the_verification_page_travels_as_evidence_not_as_the_id(certificate):
    evidence = badges.credential(certificate)["evidence"]
    assert evidence[0]["type"] == ["Evidence"]
    assert evidence[0]["id"] == verification_url(certificate)


def test_each_certificate_has_its_own_stable_credential_id(certificate, learner, association):
    other = issue(recipient=learner, issuer=association)
    assert badges.credential(certificate)["id"] == badges.credential(certificate)["id"]
    assert badges.credential(other)["id"] != badges.credential(certificate)["id"]


def test_the_email_is_only_present_salted_and_hashed(certificate):
    import hashlib

    credential = badges.credential(certificate)
    text = json.dumps(credential)
    assert certificate.recipient.email not in text
    identity = credential["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((certificate.recipient.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_the_issuer_profile_is_public_json(client, association):
    response = client.get(reverse("certificates:issuer_profile", kwargs={"slug": association.slug}))
    assert response.status_code == 200
    profile = response.json()
    assert profile["type"] == ["Profile"] and profile["name"] == association.name
    assert profile["id"] == badges.issuer_profile_url(association)


def test_unknown_issuers_are_404(client, db):
    assert client.get(reverse("certificates:issuer_jwks", kwargs={"slug": "nope"})).status_code == 404


def test_with_a_passphrase_the_private_key_is_encrypted_at_rest_and_still_signs(client, certificate, settings):
    settings.CERTIFICATES_KEY_PASSPHRASE = "a long passphrase kept in the environment"
    key = badges.issuer_key_ensure(certificate.issuer)
    assert key.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    claims = _verify_with_published_key(client, certificate.issuer, badges.credential_jws(certificate))
    assert claims["jti"] == badges.credential(certificate)["id"]


def test_the_public_json_can_be_fetched_from_other_origins_and_by_head(client, association):
    url = reverse("certificates:issuer_jwks", kwargs={"slug": association.slug})
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/jwk-set+json"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405

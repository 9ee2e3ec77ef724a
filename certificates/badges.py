"""Open Badges 3.0: every certificate as an OpenBadgeCredential (VC 2.0 data model), signed as VC-JWT (RS256).

Each association signs with its own RSA key (``IssuerKey``), made on first need. The private key stays in
the database (encrypted with CERTIFICATES_KEY_PASSPHRASE when that is set) and is only ever loaded here to
sign; the JWKS publishes the public half, from a whitelist of public members (never "d").
Each credential's id is an opaque ``urn:uuid`` (``Certificate.credential_uuid``); the public verification URL
travels as ``evidence``, never as the id. Revocation is published as a W3C Bitstring Status List (v1.0), the
status method open verifiers check (the Digital Credentials Consortium's verifier skips the 1EdTech revocation
list): one signed ``BitstringStatusListCredential`` per issuer, a GZIP-compressed bit per certificate at its
random ``status_index``, and nothing else: no reasons, no ids, no names.
"""

import base64
import datetime
import gzip
import hashlib
import hmac
import json
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Association
from certificates.models import STATUS_LIST_LENGTH, Certificate, IssuerKey
from certificates.pdf import verification_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
STATUS_PURPOSE = "revocation"
ALGORITHM = "RS256"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _public_jwk(public_key) -> dict:
    numbers = public_key.public_numbers()
    jwk = {"kty": "RSA", "e": _b64url_uint(numbers.e), "n": _b64url_uint(numbers.n)}
    # RFC 7638 thumbprint: a stable key id derived from the key itself.
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode("ascii")
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def issuer_key_ensure(association: Association) -> IssuerKey:
    """Idempotent and race-safe: the association's key, generated (RSA 2048) the first time it is needed."""
    existing = IssuerKey.objects.filter(association=association).first()
    if existing is not None:
        return existing
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    passphrase = settings.CERTIFICATES_KEY_PASSPHRASE.encode()
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode(
        "ascii"
    )
    jwk = _public_jwk(private_key.public_key())
    try:
        with transaction.atomic():
            return IssuerKey.objects.create(
                association=association, kid=jwk["kid"], private_key_pem=pem, public_jwk=jwk
            )
    except IntegrityError:
        return IssuerKey.objects.get(association=association)


def _private_key(key: IssuerKey):
    """Load the signing key; an encrypted PEM (CERTIFICATES_KEY_PASSPHRASE set when it was made) is decrypted."""
    pem = key.private_key_pem.encode("ascii")
    encrypted = b"ENCRYPTED PRIVATE KEY" in pem
    password = settings.CERTIFICATES_KEY_PASSPHRASE.encode() if encrypted else None
    return serialization.load_pem_private_key(pem, password=password)


def _absolute(name: str, **kwargs) -> str:
    """Addresses inside credentials never change with the reader's language: the default one, unprefixed."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def issuer_profile_url(association: Association) -> str:
    return _absolute("certificates:issuer_profile", slug=association.slug)


def jwks_url(association: Association) -> str:
    return _absolute("certificates:issuer_jwks", slug=association.slug)


def status_list_url(association: Association) -> str:
    return _absolute("certificates:issuer_status_list", slug=association.slug)


def credential_id(certificate: Certificate) -> str:
    """Opaque: says nothing of the recipient and does not contain the verification code."""
    return f"urn:uuid:{certificate.credential_uuid}"


def jwks(association: Association) -> dict:
    """The public keys only: a fixed whitelist of members, so a private member can never leak."""
    key = issuer_key_ensure(association)
    public = {name: key.public_jwk[name] for name in ("kty", "n", "e", "kid", "alg", "use")}
    return {"keys": [public]}


def issuer_profile(association: Association) -> dict:
    profile = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_profile_url(association),
        "type": ["Profile"],
        "name": association.name,
    }
    if association.website:
        profile["url"] = association.website
    if association.description:
        profile["description"] = association.description
    return profile


def _salt(certificate: Certificate) -> str:
    # Derived, not stored: the same credential comes out every time, and the salt reveals nothing of the code.
    return hmac.new(certificate.verification_code.encode(), b"ob3-identity-salt", hashlib.sha256).hexdigest()[:16]


def _subject_id(certificate: Certificate) -> str:
    # A pseudonymous, per-credential subject id (the e-mail stays out of the credential).
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'lis-commons:subject:' + certificate.verification_code)}"


def _achievement_id(certificate: Certificate) -> str:
    key = f"{settings.SITE_URL}/achievements/{certificate.source_type_id}/{certificate.source_id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _timestamp(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential as JSON (unsigned)."""
    salt = _salt(certificate)
    identity_hash = hashlib.sha256((certificate.recipient.email.lower() + salt).encode()).hexdigest()
    hours = float(certificate.cpd_hours)
    issuer = certificate.issuer
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.achievement_title,
        "issuer": {
            "id": issuer_profile_url(issuer),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            **({"url": issuer.website} if issuer.website else {}),
        },
        "validFrom": _timestamp(certificate.issued_at),
        # OB 3.0's own field for when the achievement was awarded (a date-time; the day at midnight UTC), apart
        # from validFrom, the moment the credential was issued and starts to be valid.
        "awardedDate": f"{certificate.awarded_on.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "id": _subject_id(certificate),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": f"sha256${identity_hash}",
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": _achievement_id(certificate),
                "type": ["Achievement"],
                "name": certificate.achievement_title,
                "description": f"{certificate.get_kind_display()}: {certificate.achievement_title}",
                "criteria": {
                    "narrative": f"{certificate.get_kind_display()} — {certificate.achievement_title}, "
                    f"{certificate.issuer_name}."
                },
                "creditsAvailable": hours,
            },
            "creditsEarned": hours,
        },
        "evidence": [
            {
                # The public page a person checks by hand: the recipient shares it, the issuer never publishes it.
                "id": verification_url(certificate),
                "type": ["Evidence"],
                "name": "Verification page",
                "narrative": "The issuer's public page for this certificate: valid or revoked.",
            }
        ],
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": status_entry(certificate),
    }


def status_entry(certificate: Certificate) -> dict:
    """The credential's ``BitstringStatusListEntry``: its bit in the issuer's revocation list."""
    url = status_list_url(certificate.issuer)
    return {
        "id": f"{url}#{certificate.status_index}",
        "type": STATUS_ENTRY_TYPE,
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(certificate.status_index),
        "statusListCredential": url,
    }


def credential_jws(certificate: Certificate) -> str:
    """The credential as a compact JWS (VC-JWT): header alg RS256, kid = JWKS URL#kid, typ JWT."""
    return _sign(certificate.issuer, credential(certificate), not_before=int(certificate.issued_at.timestamp()))


def status_bits(indexes, *, length: int) -> bytes:
    """The bitstring: ``length`` bits, bit ``i`` set for each index; index 0 is the first byte's high bit."""
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def status_list_encode(bits: bytes) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP-compressed bitstring, as the W3C spec asks."""
    compressed = gzip.compress(bits, mtime=0)  # no timestamp: the same list encodes the same way
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_decode(encoded: str) -> bytes:
    """The inverse of ``status_list_encode`` (what a verifier does; used by the tests and for checks)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    raw = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def status_list_credential(association: Association) -> dict:
    """The issuer's revocation list as a ``BitstringStatusListCredential`` (unsigned): bits only, no reasons.

    Its length is a whole number of 131,072-entry lists covering every index the issuer has given.
    """
    certificates = Certificate.objects.filter(issuer=association)
    revoked = certificates.filter(status=Certificate.Status.REVOKED).values_list("status_index", flat=True)
    highest = certificates.aggregate(highest=models.Max("status_index"))["highest"] or 0
    length = STATUS_LIST_LENGTH * (highest // STATUS_LIST_LENGTH + 1)
    url = status_list_url(association)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", STATUS_LIST_CREDENTIAL_TYPE],
        "issuer": issuer_profile_url(association),
        "validFrom": _timestamp(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": status_list_encode(status_bits(revoked, length=length)),
        },
    }


def _sign(association: Association, payload: dict, *, not_before: int) -> str:
    """A VC-JWT of ``payload`` with the association's key: header alg RS256, kid = JWKS URL#kid, typ JWT."""
    key = issuer_key_ensure(association)
    issuer = payload["issuer"]
    claims = {
        **payload,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": payload["id"],
        "nbf": not_before,
        "sub": payload["credentialSubject"]["id"],
    }
    headers = {"kid": f"{jwks_url(association)}#{key.kid}", "typ": "JWT"}
    return jwt.encode(claims, _private_key(key), algorithm=ALGORITHM, headers=headers)


def status_list_jws(association: Association) -> str:
    """The revocation list, signed as VC-JWT with the same key as the issuer's credentials."""
    payload = status_list_credential(association)
    return _sign(association, payload, not_before=int(timezone.now().timestamp()))

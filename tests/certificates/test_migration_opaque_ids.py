"""Migration 0003 on certificates issued before it: every one gets its own credential UUID and a distinct status
index within its issuer, and a printed e-mail address gives way to the person's name, or to none."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("certificates", "0002_templates_pdf_badges_exports")]
AFTER = [("certificates", "0003_opaque_ids_status_list_pending_names")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_certificates_get_ids_indexes_and_lose_printed_emails(migrations_restored):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Association = old.get_model("accounts", "Association")
    Certificate = old.get_model("certificates", "Certificate")
    ContentType = old.get_model("contenttypes", "ContentType")
    source_type = ContentType.objects.get_or_create(app_label="accounts", model="association")[0]
    issuers = [Association.objects.create(name=f"Association {n}", slug=f"a{n}") for n in range(2)]
    named = User.objects.create(email="named@example.org", display_name="Nina Named")
    nameless = User.objects.create(email="nameless@example.org", display_name="")
    rows = []
    for n in range(6):
        person = named if n % 2 else nameless
        rows.append(
            Certificate.objects.create(
                recipient=person,
                issuer=issuers[n % 2],
                kind="event",
                source_type=source_type,
                source_id=str(n),
                recipient_name=person.display_name or person.email,
                achievement_title="Workshop",
                issuer_name="Association",
                verification_code=f"CODE{n:028d}",
                code_digest=f"digest{n}",
            ).pk
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Certificate = new.get_model("certificates", "Certificate")
    certificates = list(Certificate.objects.filter(pk__in=rows))
    assert len({c.credential_uuid for c in certificates}) == 6
    for issuer in issuers:
        indexes = [c.status_index for c in certificates if c.issuer_id == issuer.pk]
        assert len(indexes) == len(set(indexes)) == 3 and all(0 <= i < 131_072 for i in indexes)
    assert {c.recipient_name for c in certificates if c.recipient_id == named.pk} == {"Nina Named"}
    assert {c.recipient_name for c in certificates if c.recipient_id == nameless.pk} == {""}

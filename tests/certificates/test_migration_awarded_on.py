"""Migration 0004 on certificates issued before it: each one's date awarded is its issue date (in the site's time
zone), not the day the migration ran."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("certificates", "0003_opaque_ids_status_list_pending_names")]
AFTER = [("certificates", "0004_awarded_on_export_include_revoked")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_certificates_are_awarded_on_their_issue_date(migrations_restored):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Association = old.get_model("accounts", "Association")
    Certificate = old.get_model("certificates", "Certificate")
    ContentType = old.get_model("contenttypes", "ContentType")
    source_type = ContentType.objects.get_or_create(app_label="accounts", model="association")[0]
    issuer = Association.objects.create(name="Association", slug="a")
    person = User.objects.create(email="named@example.org", display_name="Nina Named")
    issued = timezone.make_aware(datetime.datetime(2024, 5, 31, 23, 30))  # late in the evening, local time
    certificate = Certificate.objects.create(
        recipient=person,
        issuer=issuer,
        kind="event",
        source_type=source_type,
        source_id="1",
        recipient_name="Nina Named",
        achievement_title="Workshop",
        issuer_name="Association",
        verification_code="CODE" + "0" * 28,
        code_digest="digest",
        status_index=7,
    )
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert new.get_model("certificates", "Certificate").objects.get(pk=certificate.pk).awarded_on == datetime.date(
        2024, 5, 31
    )

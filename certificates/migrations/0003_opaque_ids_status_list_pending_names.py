# Opaque credential ids, W3C Bitstring Status List indexes, certificates held until the recipient gives a name,
# and no e-mail address left as a printed name.

import secrets
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATUS_LIST_LENGTH = 131_072  # as certificates.models; copied so this migration never changes meaning


def give_credential_ids(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(credential_uuid__isnull=True).only("pk"):
        Certificate.objects.filter(pk=certificate.pk).update(credential_uuid=uuid.uuid4())


def give_status_indexes(apps, schema_editor):
    # Random, distinct per issuer, below a capacity that keeps each issuer's list at most half full.
    Certificate = apps.get_model("certificates", "Certificate")
    issuers = Certificate.objects.values_list("issuer_id", flat=True).distinct()
    for issuer_id in list(issuers):
        rows = list(Certificate.objects.filter(issuer_id=issuer_id).order_by("pk").values_list("pk", flat=True))
        capacity = STATUS_LIST_LENGTH * (1 + len(rows) // (STATUS_LIST_LENGTH // 2))
        taken: set[int] = set()
        for pk in rows:
            index = secrets.randbelow(capacity)
            while index in taken:
                index = secrets.randbelow(capacity)
            taken.add(index)
            Certificate.objects.filter(pk=pk).update(status_index=index)


def forget_email_names(apps, schema_editor):
    """Certificates of people without a display name printed their e-mail: use their name now, else none.

    Their stored PDF (which printed the e-mail) is removed; the next download renders it again once there is a
    name, and a certificate without one is not rendered at all.
    """
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(recipient_name__contains="@").select_related("recipient"):
        name = " ".join((certificate.recipient.display_name or "").split())
        printable = bool(name) and "@" not in name and not name.startswith(("=", "+", "-")) and len(name) <= 150
        old_pdf = certificate.pdf.name if certificate.pdf else ""
        Certificate.objects.filter(pk=certificate.pk).update(
            recipient_name=name if printable else "", pdf="", pdf_rendered_at=None
        )
        if old_pdf:
            try:
                certificate.pdf.storage.delete(old_pdf)
            except OSError:
                pass  # the row no longer points at it; a leftover file is unreachable by URL


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_trainer_role"),
        ("certificates", "0002_templates_pdf_badges_exports"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="credential_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="credential id"),
        ),
        migrations.RunPython(give_credential_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="credential_uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="credential id"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="status list index"),
        ),
        migrations.RunPython(give_status_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(editable=False, verbose_name="status list index"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("issuer", "status_index"), name="certificates_one_status_index_per_issuer"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="recipient_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="recipient name"),
        ),
        migrations.RunPython(forget_email_names, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PendingCertificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("course", "Course completion"),
                            ("webinar", "Webinar attendance"),
                            ("event", "Event or workshop"),
                            ("other", "Other achievement"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("source_id", models.CharField(max_length=64)),
                ("achievement_title", models.CharField(max_length=300, verbose_name="achievement")),
                (
                    "cpd_hours",
                    models.DecimalField(decimal_places=2, default=0, max_digits=6, verbose_name="CPD hours"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="earned")),
                (
                    "notified_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="recipient asked for a name"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "issuer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_certificates",
                        to="accounts.association",
                        verbose_name="issuer",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_certificates",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
                (
                    "source_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="certificates.certificatetemplate",
                    ),
                ),
            ],
            options={
                "verbose_name": "certificate waiting for a name",
                "verbose_name_plural": "certificates waiting for a name",
                "ordering": ["created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("recipient", "source_type", "source_id"),
                        name="certificates_one_pending_per_recipient_source",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("cpd_hours__gte", 0)), name="certificates_pending_cpd_hours_gte_0"
                    ),
                ],
            },
        ),
    ]

"""The awarded date, apart from the issue date (existing certificates: their issue date, in the site's time zone),
and the export's choice about revoked certificates."""

import django.utils.timezone
from django.db import migrations, models


def awarded_on_from_issue_date(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(awarded_on__isnull=True).only("pk", "issued_at").iterator():
        awarded_on = django.utils.timezone.localtime(certificate.issued_at).date()
        Certificate.objects.filter(pk=certificate.pk).update(awarded_on=awarded_on)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_opaque_ids_status_list_pending_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="awarded_on",
            field=models.DateField(null=True, verbose_name="awarded on"),
        ),
        migrations.RunPython(awarded_on_from_issue_date, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="awarded_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="awarded on"),
        ),
        migrations.AddField(
            model_name="pendingcertificate",
            name="awarded_on",
            field=models.DateField(
                blank=True, help_text="Empty: the day of issue.", null=True, verbose_name="awarded on"
            ),
        ),
        migrations.AddField(
            model_name="certificateexport",
            name="include_revoked",
            field=models.BooleanField(
                default=True,
                help_text="Included: their PDFs are marked REVOKED in the file name and in the manifest. Else left out.",
                verbose_name="include revoked certificates",
            ),
        ),
    ]

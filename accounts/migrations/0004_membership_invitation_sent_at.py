from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def claim_invitations_already_sent(apps, schema_editor):
    """Memberships whose invitation went out before the claim column existed count as sent (no second e-mail)."""
    Membership = apps.get_model("accounts", "Membership")
    MembershipEvent = apps.get_model("accounts", "MembershipEvent")
    sent = MembershipEvent.objects.filter(membership=OuterRef("pk"), action="invitation_sent").order_by("created_at")
    Membership.objects.filter(invitation_sent_at__isnull=True, events__action="invitation_sent").update(
        invitation_sent_at=Subquery(sent.values("created_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_trainer_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="invitation_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="invitation sent"),
        ),
        migrations.RunPython(claim_invitations_already_sent, migrations.RunPython.noop),
    ]

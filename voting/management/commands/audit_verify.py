"""Verify the audit hash chain of every poll (or the ones named); fail when a chain is broken."""

from django.core.management.base import BaseCommand, CommandError

from voting.models import Poll
from voting.services import poll_audit_verify


class Command(BaseCommand):
    help = "Verify every poll's append-only audit chain."

    def add_arguments(self, parser):
        parser.add_argument("poll_ids", nargs="*", type=int, help="Only these polls (default: every poll).")

    def handle(self, *args, poll_ids, **options):
        polls = Poll.objects.exclude(audit_sequence=0).order_by("pk")
        if poll_ids:
            polls = polls.filter(pk__in=poll_ids)
        broken = 0
        for poll in polls:
            verdict = poll_audit_verify(poll=poll)
            if verdict.ok:
                self.stdout.write(f"poll {poll.pk}: {verdict.entries} entries, head {verdict.head}")
            else:
                broken += 1
                self.stderr.write(f"poll {poll.pk}: BROKEN at entry {verdict.broken_at}: {verdict.reason}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.")
        self.stdout.write(self.style.SUCCESS(f"{polls.count()} audit chain(s) verified."))

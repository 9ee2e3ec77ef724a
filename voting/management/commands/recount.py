"""Recompute every closed poll (or the ones named) from its ballot box and rules version; fail on a mismatch."""

from django.core.management.base import BaseCommand, CommandError

from voting.models import Poll
from voting.services import poll_recount


class Command(BaseCommand):
    help = "Recount closed polls from their stored ballots and compare with the published results."

    def add_arguments(self, parser):
        parser.add_argument("poll_ids", nargs="*", type=int, help="Only these polls (default: every closed poll).")

    def handle(self, *args, poll_ids, **options):
        polls = Poll.objects.filter(state=Poll.State.CLOSED).select_related("ruleset").order_by("pk")
        if poll_ids:
            polls = polls.filter(pk__in=poll_ids)
        failed = 0
        for poll in polls:
            recount = poll_recount(poll=poll)
            if recount.matches:
                self.stdout.write(f"poll {poll.pk}: matches ({poll.result['outcome']['result']})")
            else:
                failed += 1
                self.stderr.write(f"poll {poll.pk}: MISMATCH: {'; '.join(recount.problems)}")
        if failed:
            raise CommandError(f"{failed} poll(s) do not match their published result.")
        self.stdout.write(self.style.SUCCESS(f"{polls.count()} closed poll(s) recounted; all match."))

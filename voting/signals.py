"""What the voting app tells the rest of the platform.

``vote_cast``: a vote was recorded (sent by ``services.vote_cast`` once its rows are written). On PostgreSQL the cast
record is written by one plain SQL statement, so no model signal fires for it: whoever shows something that depends
on a person's votes (the header's "polls waiting for your vote", ``lms.person_chrome``) listens here.
Arguments: ``poll_id``, ``cast_by_id`` (who cast it) and ``member_id`` (whose vote it was: the same person, or the
member whose proxy ``cast_by_id`` holds).
"""

from django.dispatch import Signal

vote_cast = Signal()

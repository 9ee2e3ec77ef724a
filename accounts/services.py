"""Writes for accounts: users, profiles, associations and memberships."""

from django.db import transaction

from accounts.models import Profile, User


@transaction.atomic
def user_create(*, email: str, password: str | None = None, display_name: str = "", **profile_fields) -> User:
    """Create a user together with their profile (every user has exactly one)."""
    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    Profile.objects.create(user=user, **profile_fields)
    return user


def profile_ensure(*, user: User) -> Profile:
    """Idempotent: returns the user's profile, creating an empty one for users made outside user_create."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile

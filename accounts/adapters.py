from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Signs people up through allauth and gives each new user a profile."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

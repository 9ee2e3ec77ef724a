from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import profile_ensure, user_language_apply


class AccountAdapter(DefaultAccountAdapter):
    """Signs people up through allauth, gives each new user a profile, and logs them in in their language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        return user_language_apply(request=request, response=response, user=user)

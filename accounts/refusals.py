"""One way to refuse: every service raises ``Refusal``; one helper turns it into a message or an HTTP status.

``Refusal`` is a ``ValidationError``, so a form can still attach it to a field (``form.add_error("email", error)``),
and it carries the HTTP status a view answers with when it is not shown on a form:

- 400 the request itself is wrong (bad input, a tampered id),
- 403 the person is known but may not do this,
- 404 the thing does not exist *for this person* (we never confirm that it exists to someone who may not see it),
- 409 the state does not allow it now (closed, already done),
- 429 too many attempts.

Views never build their own refusal text: they call ``refusal_respond`` (or ``refusal_message``/``refusal_json``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _


class Refusal(ValidationError):
    """A service's refusal: a message for the person, a machine ``code`` and the HTTP ``status`` it maps to."""

    def __init__(self, message, *, code: str = "refused", status: int = 403, params=None):
        super().__init__(message, code=code, params=params)
        self.status = status

    @property
    def text(self) -> str:
        """The message, with its parameters filled in, as one string."""
        return " ".join(str(message) for message in self.messages)

    @classmethod
    def not_found(cls, message=None, *, code: str = "not_found") -> Refusal:
        return cls(message or _("This page does not exist."), code=code, status=404)

    @classmethod
    def invalid(cls, message, *, code: str = "invalid") -> Refusal:
        return cls(message, code=code, status=400)

    @classmethod
    def conflict(cls, message, *, code: str = "conflict") -> Refusal:
        return cls(message, code=code, status=409)

    @classmethod
    def too_many(cls, message=None, *, code: str = "rate_limited") -> Refusal:
        return cls(message or _("Too many attempts. Please wait a minute and try again."), code=code, status=429)


def refusal_text(error: ValidationError) -> str:
    """The text of any ``ValidationError`` (a ``Refusal`` or Django's own), as one line."""
    return " ".join(str(message) for message in error.messages)


def refusal_status(error: ValidationError) -> int:
    return getattr(error, "status", 400)


def refusal_message(request: HttpRequest, error: ValidationError) -> None:
    """Show the refusal as an error message on the next page."""
    messages.error(request, refusal_text(error))


def refusal_json(error: ValidationError) -> JsonResponse:
    """The refusal as ``{"error": text, "code": code}`` with its status (for fetch() callers)."""
    code = getattr(error, "code", None) or "invalid"
    return JsonResponse({"error": refusal_text(error), "code": code}, status=refusal_status(error))


def refusal_respond(request: HttpRequest, error: ValidationError, *, redirect_to: str | None = None) -> HttpResponse:
    """The one place a refusal becomes a response.

    404 is raised as ``Http404`` (the site's 404 page; no hint that the thing exists). A JSON caller gets
    ``refusal_json``. Otherwise the text becomes an error message and the person goes to ``redirect_to``; without
    one, a plain page with the status.
    """
    status = refusal_status(error)
    if status == 404:
        raise Http404(refusal_text(error))
    if "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json":
        return refusal_json(error)
    if redirect_to:
        refusal_message(request, error)
        return redirect(redirect_to)
    return render(request, "refusal.html", {"message": refusal_text(error)}, status=status)

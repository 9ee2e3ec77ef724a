"""Who may play a package where: host apps register a context prefix; h5p never imports them.

A context key is ``"<prefix>:<rest>"``, e.g. ``"courses.lesson:42:3f2a..."``. The host app registers its prefix
once (in ``AppConfig.ready()``) with

- ``can_play(user, context_key)``: may this person play (and be scored) there;
- ``holds_package(context_key, package_id)``: is this the package placed there (a statement about any other
  package is refused, so a learner cannot score a lesson with an easy package from elsewhere);
- optionally ``on_attempt(user, context_key, attempt)``, which runs inside the transaction that records the attempt.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from h5p.models import H5PAttempt

CONTEXT_KEY_MAX_LENGTH = 255


@dataclass(frozen=True, slots=True)
class ContextRegistration:
    prefix: str
    can_play: Callable[[Any, str], bool]
    holds_package: Callable[[str, int], bool]
    on_attempt: Callable[[Any, str, "H5PAttempt"], None] | None


_registry: dict[str, ContextRegistration] = {}


def register_context(
    prefix: str,
    *,
    can_play: Callable[[Any, str], bool],
    holds_package: Callable[[str, int], bool],
    on_attempt: Callable[[Any, str, "H5PAttempt"], None] | None = None,
) -> None:
    """Register (or replace: safe when ``ready()`` runs twice) the rules for keys starting with ``prefix:``."""
    if not prefix or ":" in prefix or prefix != prefix.strip():
        raise ValueError(f"An H5P context prefix must be non-empty, without ':' or spaces: {prefix!r}")
    _registry[prefix] = ContextRegistration(
        prefix=prefix, can_play=can_play, holds_package=holds_package, on_attempt=on_attempt
    )


def unregister_context(prefix: str) -> None:
    """Forget a prefix (tests register temporary ones)."""
    _registry.pop(prefix, None)


def context_registration(context_key: str) -> ContextRegistration | None:
    """The registration for a well-formed key, or None for a malformed key or an unknown prefix."""
    if not isinstance(context_key, str) or not context_key or len(context_key) > CONTEXT_KEY_MAX_LENGTH:
        return None
    prefix, sep, rest = context_key.partition(":")
    if not sep or not rest:
        return None
    return _registry.get(prefix)


def context_can_play(*, user, context_key: str) -> bool:
    """True only for an authenticated user whom the context's host app lets play; unknown prefixes are False."""
    if user is None or not user.is_authenticated:
        return False
    registration = context_registration(context_key)
    if registration is None:
        return False
    return bool(registration.can_play(user, context_key))


def context_holds_package(*, context_key: str, package_id: int) -> bool:
    """True only when the context's host app confirms that ``package_id`` is the package placed there."""
    registration = context_registration(context_key)
    if registration is None or isinstance(package_id, bool) or not isinstance(package_id, int):
        return False
    return bool(registration.holds_package(context_key, package_id))

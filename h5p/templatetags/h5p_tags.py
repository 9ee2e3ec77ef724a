from django import template

from h5p.access import context_can_play
from h5p.player import player_embed

register = template.Library()


@register.simple_tag(takes_context=True)
def h5p_player_config(context, package, context_key):
    """``{"status": "ok", "config": {...}}`` for a user who may play here; otherwise the status says why not
    (``"login"`` or ``"forbidden"``)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"status": "login"}
    if package is None or not context_can_play(user=user, context_key=context_key):
        return {"status": "forbidden"}
    return {"status": "ok", "config": player_embed(request=request, package=package, context_key=context_key)}

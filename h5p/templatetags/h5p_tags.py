from django import template

from h5p.player import players_build

register = template.Library()


@register.simple_tag(takes_context=True)
def h5p_player_config(context, package, context_key):
    """``{"status": "ok", "config": {...}}`` for a user who may play here; otherwise the status says why not
    (``"login"`` or ``"forbidden"``).

    A page with several H5P blocks builds every player at once (``h5p.player.players_build``) and passes each
    block its own as ``h5p_player``; it is used when it is the player of this very context key."""
    prebuilt = context.get("h5p_player")
    if isinstance(prebuilt, dict) and prebuilt.get("context") == context_key:
        return prebuilt
    request = context.get("request")
    return players_build(request=request, placements=[(context_key, package)])[context_key]

"""H5P interactive content: validated uploads, safe extraction, serving, the player, xAPI results.

Generic by design: it knows nothing about courses. A host app

1. registers a context prefix in its ``AppConfig.ready()``::

       access.register_context("courses.lesson", can_play=..., holds_package=..., on_attempt=...)

2. puts ``h5p.blocks.H5PActivityBlock`` in a StreamField and renders it with a context key of that prefix
   (and, optionally, the learner's best attempt)::

       {% include_block block with h5p_context="courses.lesson:42:<block id>" h5p_best=best %}

   A page with several blocks builds all their players at once with ``h5p.player.players_build`` (the host app's
   decision for the page, one signed link per package) and passes each block its own as ``h5p_player``.

3. reads results with ``h5p.selectors.attempts_best_for(user=..., context_keys=[...])``.

Package code is untrusted: the block embeds the player as ``<iframe sandbox="allow-scripts">`` (never
``allow-same-origin``) whose document comes from ``H5P_CONTENT_ORIGIN`` through a signed, expiring link
(``h5p.player``), as do the package files; the player has no cookies. It hands xAPI statements, resume state and its
height to the page by ``postMessage`` (``static/h5p/sandbox.js``); the page (``static/h5p/player.js``) checks the
sender and the message, then posts statements to ``/h5p/xapi/`` and state to ``/h5p/state/<id>/`` with its own
session and CSRF token. The server takes the user from the session, checks the
context's ``can_play`` and ``holds_package``, checks the score (``0 <= raw <= max``, ``max > 0``, a consistent
``scaled``), ignores repeated statement ids, limits each learner's rate, and records an ``H5PAttempt`` for each
top-level scored statement.

Library code is trusted separately from content: ``H5PLibrary`` records which code (by file hashes) is installed,
and only people with ``h5p.install_library`` may install or change it; others may upload content that uses the
installed libraries unchanged.
"""

"""One fixed-window counter in the shared cache, for every per-person or per-address rate limit of the platform.

The cache is Redis in production (``check --deploy`` refuses a per-process cache there), so every web worker counts
into the same window.
"""

import time

from django.core.cache import cache


def throttle_hit(*, scope: str, who: str | int, limit: int, window: int) -> bool:
    """Count one event of ``who`` in ``scope``; True once more than ``limit`` fall in the current ``window`` seconds."""
    window = max(1, int(window))
    key = f"throttle:{scope}:{who}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit

"""The words of the demo site, in English and Russian: home, about, the three training tracks and the footer.

Read from ``lms/demo/content/site.json``; bodies become raw StreamField data for ``cms.blocks.BaseStreamBlock``.
"""

from cms.tracks import Track
from lms.demo.texts import content_load, stream


def _page(texts: dict) -> dict:
    return {**texts, "body": stream(texts["body"])} if "body" in texts else dict(texts)


def _languages(texts: dict) -> dict:
    return {language: _page(fields) for language, fields in texts.items()}


_SITE = content_load("site.json")
HOME = _languages(_SITE["home"])
ABOUT = _languages(_SITE["about"])
TRACKS = {Track(value): _languages(texts) for value, texts in _SITE["tracks"].items()}
FOOTER = _SITE["footer"]

"""The demo's words, read from the data files under ``lms/demo/content/`` (JSON, both languages side by side).

Bodies are written in a small readable form and turned into StreamField data here:

- ``{"text": ["paragraph", ...]}``: a paragraph block, each string one ``<p>`` (inline HTML allowed);
  ``{"html": "..."}`` for a paragraph block with other markup (lists);
- ``{"heading": "...", "level": "h2"}`` (level optional);
- ``{"callout": {"kind": "tip", "title": "...", "text": [...]}}``;
- ``{"reading": {"title": "...", "items": [{"citation": "...", "url": "...", "note": "..."}]}}``;
- ``{"quiz": {...}}``: a quiz block value (questions of kind single, multiple or true_false);
- ``{"h5p": true}``: where the course's interactive H5P activity goes (lessons only).
"""

import json
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"


@cache
def _read(relative: str):
    return json.loads((CONTENT / relative).read_text(encoding="utf-8"))


def content_load(relative: str):
    """The parsed JSON file ``lms/demo/content/<relative>`` (a fresh copy: callers may change it)."""
    return json.loads(json.dumps(_read(relative)))


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def stream(items: list[dict], *, h5p: dict | None = None) -> list[dict]:
    """StreamField raw data (without ids) for a body written in the readable form above."""
    blocks = []
    for item in items:
        if "text" in item:
            blocks.append({"type": "paragraph", "value": _paragraphs(item["text"])})
        elif "html" in item:
            blocks.append({"type": "paragraph", "value": item["html"]})
        elif "heading" in item:
            blocks.append({"type": "heading", "value": {"text": item["heading"], "level": item.get("level", "h2")}})
        elif "callout" in item:
            callout = item["callout"]
            text = callout["html"] if "html" in callout else _paragraphs(callout["text"])
            value = {"kind": callout["kind"], "title": callout["title"], "text": text}
            blocks.append({"type": "callout", "value": value})
        elif "reading" in item:
            blocks.append({"type": "reading_list", "value": item["reading"]})
        elif "quiz" in item:
            blocks.append({"type": "quiz", "value": item["quiz"]})
        elif "h5p" in item:
            if h5p is not None:
                blocks.append({"type": "h5p", "value": h5p})
        else:
            raise ValueError(f"Unknown demo body item: {sorted(item)}")
    return blocks

"""Sanitising content.json against the semantics of the libraries a package brings, the way H5P core does.

H5P libraries put text fields into the page as HTML. H5P's own server (``H5PContentValidator``) therefore filters
every ``text`` field before it stores content: a field with the ``html`` widget keeps only the tags its semantics
list (plus ``div``, ``span``, ``p`` and ``br``, and the tags those imply), without attributes except a link's
``href`` to http(s), ftp or mailto; every other text is escaped as plain text (existing entities are kept).
Keys the semantics do not declare are dropped. We do the same, with nh3 (the ammonia HTML sanitiser) doing the
HTML part, because pyh5p's ``Semantics.normalize`` strips tags with a regular expression (an unclosed ``<img``
passes) and does not descend into nested libraries.

Pure: plain data in, plain data out; nothing here reads settings or storage.
"""

import re
from collections.abc import Mapping
from typing import Any

import nh3

# H5P core always allows these in an html field (H5PContentValidator::validateText).
_BASE_TAGS = frozenset({"div", "span", "p", "br"})
_IMPLIED_TAGS = {
    "table": {"tr", "td", "th", "colgroup", "thead", "tbody", "tfoot", "caption"},
    "b": {"strong"},
    "i": {"em"},
    "ul": {"li"},
    "ol": {"li"},
    "del": {"s"},
    "strike": {"s"},
}
_URL_SCHEMES = frozenset({"http", "https", "ftp", "mailto"})
_ENTITY = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
# What a library field's value may hold besides ``library`` and ``params``.
_LIBRARY_KEYS = ("subContentId", "metadata")
# File-like values: ``path`` is checked by the package validation (it must be a packaged file).
_FILE_TYPES = frozenset({"image", "video", "audio", "file"})

Semantics = list[dict[str, Any]]


def plain_text(value: str) -> str:
    """``htmlspecialchars($text, ENT_QUOTES, 'UTF-8', false)``: escape markup, keep entities already there."""
    value = _ENTITY.sub("&amp;", value)
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")


def allowed_tags(field: Mapping[str, Any]) -> set[str]:
    tags = {str(tag).lower() for tag in field.get("tags") or [] if isinstance(tag, str)} | _BASE_TAGS
    for tag in list(tags):
        tags |= _IMPLIED_TAGS.get(tag, set())
    return tags


def html_text(value: str, field: Mapping[str, Any]) -> str:
    """Only the tags the field allows, no attributes but a safe ``href``; script and style contents dropped."""
    tags = allowed_tags(field)
    return nh3.clean(
        value,
        tags=tags,
        attributes={"a": {"href", "target"}} if "a" in tags else {},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _library_key(name: Any) -> str | None:
    """``"H5P.Image 1.1"`` -> ``"H5P.Image 1.1"`` (normalised), or None."""
    if not isinstance(name, str):
        return None
    match = re.fullmatch(r"\s*([\w.-]+)\s+(\d+)\.(\d+)\s*", name)
    if not match:
        return None
    return f"{match.group(1)} {int(match.group(2))}.{int(match.group(3))}"


def _escape_all(value: Any) -> Any:
    """Every string in ``value`` as plain text (for values whose semantics are unknown)."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, list):
        return [_escape_all(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _escape_all(item) for key, item in value.items() if isinstance(key, str)}
    return value


class ContentSanitiser:
    """Walks content.json with the semantics of ``libraries`` ({"Machine.Name major.minor": semantics})."""

    def __init__(self, libraries: Mapping[str, Semantics]):
        self.libraries = {key: value for key, value in libraries.items() if isinstance(value, list)}

    def params(self, library: str, params: Any) -> Any:
        """The sanitised parameters of ``library`` (a key as above)."""
        semantics = self.libraries.get(_library_key(library) or "")
        if semantics is None or not isinstance(params, Mapping):
            return _escape_all(params)
        return self._group_fields(semantics, params)

    def _group_fields(self, fields: list, value: Mapping) -> dict:
        result = {}
        for field in fields:
            if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
                continue
            name = field["name"]
            if name in value:
                cleaned = self.field(field, value[name])
                if cleaned is not None or value[name] is None:
                    result[name] = cleaned
        return result

    def field(self, field: Mapping[str, Any], value: Any) -> Any:
        kind = field.get("type")
        if value is None:
            return None
        if kind == "text":
            if not isinstance(value, str):
                return None
            return html_text(value, field) if field.get("widget") == "html" else plain_text(value)
        if kind == "group":
            children = [child for child in field.get("fields") or [] if isinstance(child, Mapping)]
            # H5P stores a group of one field as that field's value (unless it is sub-content).
            if len(children) == 1 and not field.get("isSubContent"):
                return self.field(children[0], value)
            if not isinstance(value, Mapping):
                return None
            return self._group_fields(children, value)
        if kind == "list":
            item = field.get("field")
            if not isinstance(value, list) or not isinstance(item, Mapping):
                return None
            return [cleaned for cleaned in (self.field(item, entry) for entry in value) if cleaned is not None]
        if kind == "library":
            return self._library(field, value)
        if kind in _FILE_TYPES:
            return self._files(value)
        if kind == "number":
            return value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if kind == "boolean":
            return value if isinstance(value, bool) else None
        if kind == "select":
            options = {option.get("value") for option in field.get("options") or [] if isinstance(option, Mapping)}
            if isinstance(value, list) and field.get("multiple"):
                return [entry for entry in value if entry in options]
            return value if value in options else None
        # A type this code does not know: keep the shape, make every string plain text.
        return _escape_all(value)

    def _library(self, field: Mapping[str, Any], value: Any) -> dict | None:
        if not isinstance(value, Mapping):
            return None
        selected = _library_key(value.get("library"))
        options = {_library_key(option) for option in field.get("options") or []}
        if selected is None or (options and selected not in options):
            return None  # H5P core drops a library the field does not offer
        result: dict[str, Any] = {"library": value["library"], "params": self.params(selected, value.get("params"))}
        for key in _LIBRARY_KEYS:
            if key in value:
                result[key] = _escape_all(value[key])
        return result

    def _files(self, value: Any) -> Any:
        def one(item: Any) -> Any:
            if not isinstance(item, Mapping):
                return None
            return {
                key: (entry if key == "path" and isinstance(entry, str) else _escape_all(entry))
                for key, entry in item.items()
                if isinstance(key, str)
            }

        if isinstance(value, list):
            return [cleaned for cleaned in (one(item) for item in value) if cleaned is not None]
        return one(value)


def content_sanitise(*, content: Mapping[str, Any], main_library: str, libraries: Mapping[str, Semantics]) -> dict:
    """content.json of a package whose main library is ``main_library`` ("Machine.Name major.minor"), sanitised."""
    return ContentSanitiser(libraries).params(main_library, content)

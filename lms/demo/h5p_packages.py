"""Demo H5P activities built from the libraries of ``lms/demo/h5p/true-false.h5p``: no download, no new code.

``true_false_package(...)`` returns the bytes of a real ``.h5p`` file: the same library folders, a new
``h5p.json`` (title, language) and a ``content/content.json`` written for H5P.TrueFalse 1.6 (question, correct
answer, feedback). Its interface texts come from the library's own translation file for the language
(``H5P.TrueFalse-1.6/language/ru.json``), so a Russian item says «Проверить», not "Check".
The archive is deterministic (same members, order and timestamps), so the same question builds the same bytes
and the h5p app stores it once.

``python -m lms.demo.h5p_packages OUTPUT_DIR`` writes the demo courses' packages as files, for uploading by hand.
"""

import html
import io
import json
import sys
import zipfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "h5p" / "true-false.h5p"
LIBRARY = "H5P.TrueFalse-1.6"
TEXT_GROUPS = ("l10n", "confirmCheck", "confirmRetry")  # the content fields that hold interface texts


def _defaults(semantics: list[dict], translation: list[dict]) -> dict:
    """Field name -> translated default, for the interface-text groups (semantics and translation are parallel)."""
    texts = {}
    for field, translated in zip(semantics, translation, strict=False):
        if field.get("name") not in TEXT_GROUPS:
            continue
        group = {}
        for child, child_translated in zip(field.get("fields", []), translated.get("fields", []), strict=False):
            if "default" in child_translated:
                group[child["name"]] = child_translated["default"]
        texts[field["name"]] = group
    return texts


def true_false_content(*, question: str, correct: bool, language: str, feedback_correct="", feedback_wrong="") -> dict:
    """``content/content.json`` for H5P.TrueFalse: the source package's settings with this question."""
    with zipfile.ZipFile(SOURCE) as source:
        content = json.loads(source.read("content/content.json"))
        if language != "en":
            semantics = json.loads(source.read(f"{LIBRARY}/semantics.json"))
            translation = json.loads(source.read(f"{LIBRARY}/language/{language}.json"))["semantics"]
            for group, texts in _defaults(semantics, translation).items():
                content[group] = {**content.get(group, {}), **texts}
    content["question"] = f"<p>{html.escape(question)}</p>\n"
    content["correct"] = "true" if correct else "false"
    content["behaviour"] = {
        **content["behaviour"],
        "feedbackOnCorrect": feedback_correct,
        "feedbackOnWrong": feedback_wrong,
    }
    return content


def true_false_package(*, title: str, language: str, question: str, correct: bool, **feedback) -> bytes:
    """The bytes of a ``.h5p`` file asking ``question`` (True or False), in ``language`` ("en" or "ru")."""
    content = true_false_content(question=question, correct=correct, language=language, **feedback)
    output = io.BytesIO()
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "h5p.json":
                metadata = json.loads(data)
                metadata.update(title=title, language=language)
                data = json.dumps(metadata, ensure_ascii=False).encode()
            elif info.filename == "content/content.json":
                data = json.dumps(content, ensure_ascii=False).encode()
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.external_attr = info.external_attr
            copy.compress_type = zipfile.ZIP_STORED if info.is_dir() else zipfile.ZIP_DEFLATED
            target.writestr(copy, data)
    return output.getvalue()


def demo_packages() -> dict[str, bytes]:
    """File name -> bytes, one package per demo course and language (as seed_demo builds them)."""
    from lms.demo.texts import content_load

    packages = {}
    for slug in content_load("catalogue.json")["courses"]:
        activity = content_load(f"courses/{slug}.json")["h5p"]
        for language in ("en", "ru"):
            if language in activity:
                packages[f"{slug}.{language}.h5p"] = true_false_package(
                    language=language, correct=activity["correct"] == "true", **activity[language]
                )
    return packages


if __name__ == "__main__":  # pragma: no cover - a convenience for people, tested through demo_packages()
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in demo_packages().items():
        (folder / name).write_bytes(data)
        print(folder / name)

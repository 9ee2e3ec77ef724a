"""Packages the h5p tests build themselves, and the test context keys."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

PLAY_PREFIX = "test.play"
DENY_PREFIX = "test.deny"


def fixture_path() -> Path:
    return Path(settings.BASE_DIR) / "lms" / "demo" / "h5p" / "true-false.h5p"


def fixture_members() -> dict[str, bytes]:
    with zipfile.ZipFile(fixture_path()) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def build_zip(members: dict[str, bytes], *, symlinks: dict[str, str] | None = None) -> bytes:
    """A zip written by the test itself (hostile names are written as given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def upload(data: bytes, name: str = "package.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def play_key(user, rest: str = "lesson-1") -> str:
    return f"{PLAY_PREFIX}:{user.pk}:{rest}"

"""Reading an uploaded .h5p safely: strict limits, pyh5p's checks, and a clear message for every refusal.

Nothing here writes anything: ``package_inspect`` either returns what it read (with content.json sanitised
against the libraries' semantics, and each library's files hashed) or raises ``PackageRejected``.
"""

import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyh5p
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.refusals import Refusal
from h5p.sanitise import content_sanitise

# validate() keywords that refuse an upload. "additionalProperties" (a stray top-level file such as
# H5P_CONTENT_HERE.txt in real exports) is harmless: the player never loads it.
REFUSING_KEYWORDS = frozenset({"required", "type", "dependency", "path", "asset"})


class PackageRejected(Refusal):
    """The upload is not a safe, self-contained H5P package (or may not be installed by this person).

    A ``Refusal`` (400 unless said otherwise): forms attach it to the upload field, views answer with it.
    """

    def __init__(self, message, *, code: str = "package_rejected", status: int = 400):
        super().__init__(message, code=code, status=status)


@dataclass(frozen=True, slots=True)
class InspectedLibrary:
    """A library folder of the package: its version and the SHA-256 of each file (path relative to the folder)."""

    machine_name: str
    major: int
    minor: int
    patch: int
    title: str
    directory: str
    files: dict[str, str]
    digest: str

    @property
    def key(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass(frozen=True, slots=True)
class InspectedPackage:
    content_hash: str
    size: int
    metadata: dict[str, Any]
    main_library: str
    files: dict[str, bytes]
    libraries: tuple[InspectedLibrary, ...] = ()

    @property
    def total_size(self) -> int:
        return sum(len(data) for data in self.files.values())


def package_limits() -> pyh5p.PackageLimits:
    """The strict limits for uploads, read from settings at call time."""
    return pyh5p.PackageLimits(
        max_files=settings.H5P_MAX_FILES,
        max_file_size=settings.H5P_MAX_FILE_BYTES,
        max_total_size=settings.H5P_MAX_TOTAL_BYTES,
        max_compression_ratio=float(settings.H5P_MAX_COMPRESSION_RATIO),
    )


def _member(text: str) -> str:
    return text.strip().strip("'\"")


def _explain(error: pyh5p.PackageError) -> str:
    """Turn a pyh5p refusal into a translated sentence that names the offending file."""
    text = str(error)
    limits = package_limits()
    rules: list[tuple[str, Any]] = [
        (
            r"unsafe archive member path: (.+)",
            lambda m: (
                _("The package contains an unsafe file path: %(name)s. Every file must stay inside the package.")
                % {"name": _member(m.group(1))}
            ),
        ),
        (
            r"symbolic links are not allowed in H5P archives: (.+)",
            lambda m: (
                _("The package contains a symbolic link: %(name)s. Links are not allowed.")
                % {"name": _member(m.group(1))}
            ),
        ),
        (
            r"archive member extension is not allowed: (.+)",
            lambda m: _("The file type of %(name)s is not allowed in an H5P package.") % {"name": _member(m.group(1))},
        ),
        (
            r"archive member exceeds size limit: (.+)",
            lambda m: (
                _("%(name)s is larger than the limit of %(limit)s per file.")
                % {"name": _member(m.group(1)), "limit": filesizeformat(limits.max_file_size)}
            ),
        ),
        (
            r"archive member has an unsafe compression ratio: (.+)",
            lambda m: (
                _("%(name)s expands more than %(ratio)s times when unpacked (a possible zip bomb), so it was refused.")
                % {"name": _member(m.group(1)), "ratio": int(limits.max_compression_ratio)}
            ),
        ),
        (
            r"package contains more than (\d+) members",
            lambda m: _("The package contains more than %(count)s files.") % {"count": m.group(1)},
        ),
        (
            r"package contains duplicate member: (.+)",
            lambda m: _("The package contains the file %(name)s twice.") % {"name": _member(m.group(1))},
        ),
        (
            r"package exceeds total expanded size limit",
            lambda m: (
                _("The package is larger than %(limit)s when unpacked.")
                % {"limit": filesizeformat(limits.max_total_size)}
            ),
        ),
        (r"invalid H5P ZIP archive", lambda m: _("The file is not an H5P package: it is not a valid ZIP archive.")),
        (
            r"H5P package is missing root h5p.json",
            lambda m: _("The package has no h5p.json file at its top level, so it is not an H5P package."),
        ),
        (r"h5p.json (is not valid|must contain)", lambda m: _("The package's h5p.json is not a valid JSON object.")),
        (
            r"content/content.json (is not valid|must contain)",
            lambda m: _("The package's content/content.json is not a valid JSON object."),
        ),
        (
            r"invalid library definition in (.+)",
            lambda m: _("The library.json of %(name)s is not valid.") % {"name": _member(m.group(1))},
        ),
    ]
    for pattern, message in rules:
        match = re.search(pattern, text)
        if match:
            return message(match)
    return _("The package was refused: %(reason)s") % {"reason": text}


def _dependency_ids(items: Any) -> list[tuple[str, int, int]]:
    result = []
    if not isinstance(items, list):
        return result
    for item in items:
        if not isinstance(item, Mapping):
            continue
        try:
            result.append((str(item["machineName"]), int(item["majorVersion"]), int(item["minorVersion"])))
        except (KeyError, TypeError, ValueError):
            continue
    return result


def _check_self_contained(package: pyh5p.H5PPackage) -> str:
    """Refuse content-only exports: every library h5p.json or a library needs must be packaged.

    Returns the main library as "Machine.Name major.minor".
    """
    packaged = {(lib.id.machine_name, lib.id.major, lib.id.minor) for lib in package.libraries}
    if not packaged:
        raise PackageRejected(
            _(
                "The package contains content without libraries (an h5p.org “reuse” export). "
                "Export it again with its libraries included."
            )
        )
    wanted = _dependency_ids(package.metadata.get("preloadedDependencies"))
    for library in package.libraries:
        wanted.extend(_dependency_ids(library.metadata.get("preloadedDependencies")))
    missing = sorted(
        {f"{name} {major}.{minor}" for name, major, minor in wanted}
        - {f"{name} {major}.{minor}" for name, major, minor in packaged}
    )
    if missing:
        raise PackageRejected(
            _("The package is missing libraries it depends on: %(libraries)s.") % {"libraries": ", ".join(missing)}
        )
    main_name = package.metadata.get("mainLibrary")
    mains = sorted(
        (major, minor)
        for name, major, minor in _dependency_ids(package.metadata.get("preloadedDependencies"))
        if name == main_name
    ) or sorted((lib.id.major, lib.id.minor) for lib in package.libraries if lib.id.machine_name == main_name)
    if not mains:
        raise PackageRejected(
            _("The main library %(library)s is not included in the package.") % {"library": main_name}
        )
    major, minor = mains[-1]
    return f"{main_name} {major}.{minor}"


def library_digest(files: dict[str, str]) -> str:
    """One SHA-256 for a whole library: over its sorted ``path NUL sha256`` lines."""
    lines = "".join(f"{path}\0{digest}\n" for path, digest in sorted(files.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _inspected_libraries(package: pyh5p.H5PPackage) -> tuple[InspectedLibrary, ...]:
    result = []
    for library in package.libraries:
        files = {path: hashlib.sha256(data).hexdigest() for path, data in library.files.items()}
        title = library.metadata.get("title")
        result.append(
            InspectedLibrary(
                machine_name=library.id.machine_name,
                major=library.id.major,
                minor=library.id.minor,
                patch=library.id.patch,
                title=title[:255] if isinstance(title, str) else "",
                directory=library.id.directory_name,
                files=files,
                digest=library_digest(files),
            )
        )
    return tuple(result)


def _sanitised_content(package: pyh5p.H5PPackage, main_library: str) -> bytes:
    """content.json filtered by the semantics of the packaged libraries (see ``h5p.sanitise``)."""
    semantics = {}
    for library in package.libraries:
        try:
            raw = library.semantics_raw
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PackageRejected(
                _("The semantics.json of %(name)s is not valid.") % {"name": library.id.directory_name}
            ) from error
        semantics[f"{library.id.machine_name} {library.id.major}.{library.id.minor}"] = raw
    content = content_sanitise(content=package.content or {}, main_library=main_library, libraries=semantics)
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def package_inspect(uploaded_file) -> InspectedPackage:
    """Read and validate an uploaded file in memory. Raises ``PackageRejected``; writes nothing."""
    max_bytes = settings.H5P_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise PackageRejected(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PackageRejected(
            _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(max_bytes)}
        )
    if not data:
        raise PackageRejected(_("The file is empty."))
    try:
        package = pyh5p.read_package(data, limits=package_limits())
    except pyh5p.PackageError as error:
        raise PackageRejected(_explain(error)) from error
    except (zlib.error, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, ValueError) as error:
        # zipfile's own errors for damaged data, encrypted members and unknown compression methods
        raise PackageRejected(
            _("The file is not a usable H5P package: it is damaged, encrypted or uses an unsupported compression.")
        ) from error
    issues = [issue for issue in package.validate(require_content=True) if issue.keyword in REFUSING_KEYWORDS]
    dependency_issues = [issue for issue in issues if issue.keyword == "dependency"]
    if dependency_issues or package.is_content_only:
        _check_self_contained(package)  # raises with the precise message
        raise PackageRejected(_("The main library is not included in the package."))
    if issues:
        details = "; ".join(f"{issue.path}: {issue.message}" for issue in issues[:5])
        raise PackageRejected(_("The package's h5p.json or content is not valid: %(details)s.") % {"details": details})
    main_library = _check_self_contained(package)
    title = package.metadata.get("title")
    if not isinstance(title, str):
        raise PackageRejected(_("The package's h5p.json has no title."))
    files = dict(package.files)
    files["content/content.json"] = _sanitised_content(package, main_library)
    return InspectedPackage(
        content_hash=hashlib.sha256(data).hexdigest(),
        size=len(data),
        metadata=package.metadata,
        main_library=main_library,
        files=files,
        libraries=_inspected_libraries(package),
    )

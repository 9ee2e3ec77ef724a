"""Record the libraries of packages uploaded before libraries were records, from their extracted files.

Best effort and idempotent: a package whose files are missing is skipped; the first copy of a library version met
(oldest package first) becomes the installed one, as if its uploader had installed it.
"""

import hashlib
import json

from django.core.files.storage import default_storage
from django.db import migrations


def _walk(prefix):
    try:
        directories, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return
    for name in files:
        yield f"{prefix}/{name}"
    for directory in directories:
        yield from _walk(f"{prefix}/{directory}")


def _library(prefix, directory):
    root = f"{prefix}/{directory}"
    try:
        with default_storage.open(f"{root}/library.json", "rb") as handle:
            metadata = json.loads(handle.read().decode("utf-8"))
        name, major, minor = metadata["machineName"], int(metadata["majorVersion"]), int(metadata["minorVersion"])
        patch = int(metadata.get("patchVersion", 0))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    files = {}
    for path in _walk(root):
        with default_storage.open(path, "rb") as handle:
            files[path[len(root) + 1 :]] = hashlib.sha256(handle.read()).hexdigest()
    lines = "".join(f"{path}\0{digest}\n" for path, digest in sorted(files.items()))
    title = metadata.get("title") if isinstance(metadata.get("title"), str) else ""
    return {
        "machine_name": str(name)[:255],
        "major_version": major,
        "minor_version": minor,
        "patch_version": patch,
        "title": title[:255],
        "files": files,
        "digest": hashlib.sha256(lines.encode("utf-8")).hexdigest(),
    }


def backfill(apps, schema_editor):
    H5PPackage = apps.get_model("h5p", "H5PPackage")
    H5PLibrary = apps.get_model("h5p", "H5PLibrary")
    H5PLibraryChange = apps.get_model("h5p", "H5PLibraryChange")
    for package in H5PPackage.objects.order_by("pk"):
        if package.libraries.exists():
            continue
        try:
            directories, _files = default_storage.listdir(package.storage_prefix)
        except (FileNotFoundError, NotADirectoryError, OSError):
            continue
        for directory in directories:
            if directory == "content":
                continue
            found = _library(package.storage_prefix, directory)
            if found is None:
                continue
            record, created = H5PLibrary.objects.get_or_create(
                machine_name=found.pop("machine_name"),
                major_version=found.pop("major_version"),
                minor_version=found.pop("minor_version"),
                defaults={**found, "installed_by_id": package.uploaded_by_id, "updated_by_id": package.uploaded_by_id},
            )
            if created:
                H5PLibraryChange.objects.create(
                    library=record,
                    action="installed",
                    patch_version=record.patch_version,
                    digest_after=record.digest,
                    changed_by_id=package.uploaded_by_id,
                )
            package.libraries.add(record)


class Migration(migrations.Migration):
    dependencies = [("h5p", "0003_trainers_upload_packages")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

"""The project carries everything it needs: nothing in it reads the team's reference shelf (``../shared``),
which a clone of the repository does not have."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", ".git", "staticfiles", "media", "__pycache__"}
# A path that climbs out of the repository into a sibling folder named shared.
OUTSIDE = re.compile(r"""(\.\./shared|parent\s*/\s*["']shared|["']shared/fixtures)""")


def test_no_project_file_reads_from_the_shared_folder_outside_the_repository():
    offenders = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP or path.suffix not in {".py", ".html", ".js", ".cfg", ".toml", ".sh"} or path == Path(__file__):
            continue
        if OUTSIDE.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(str(path.relative_to(ROOT)))
    for name in ("Makefile", ".ci/run"):
        if OUTSIDE.search((ROOT / name).read_text(encoding="utf-8")):
            offenders.append(name)
    assert offenders == []


def test_the_demo_h5p_package_is_in_the_repository_with_its_licence():
    package = ROOT / "lms" / "demo" / "h5p" / "true-false.h5p"
    assert package.stat().st_size > 100_000
    assert "MIT License" in (package.parent / "README.md").read_text(encoding="utf-8")

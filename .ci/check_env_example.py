"""Every environment variable the project reads is documented in .env.example, and nothing documented is unread.

Reads are calls of lms.env's readers (env_str("NAME", ...), env_bool, env_int, env_list, env_choice) and of
os.environ.get / os.environ[...] / os.getenv in the project's own Python files (not tests, which read made-up
names to test the readers; not migrations, the virtualenv or node_modules).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "migrations", ".git", ".ci", "tests", "staticfiles", "static"}
READ = re.compile(
    r"""(?:\benv_(?:str|bool|int|list|choice)\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
)
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
# Read by tests/conftest.py through a table, not a direct call.
INDIRECT = {"REQUIRE_SERVICES", "REQUIRE_BROWSER"}
# Set by the tooling (manage.py, celery, pytest), not by people deploying the site.
TOOLING = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CI"}


def main() -> int:
    read: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP.intersection(path.relative_to(ROOT).parts):
            continue
        for name in READ.findall(path.read_text(encoding="utf-8")):
            read.setdefault(name, str(path.relative_to(ROOT)))
    read = {name: where for name, where in read.items() if name not in TOOLING}
    documented = set(DOCUMENTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))

    missing = sorted(set(read) - documented)
    unread = sorted(documented - set(read) - INDIRECT)
    for name in missing:
        print(f".env.example lacks {name} (read in {read[name]})")
    for name in unread:
        print(f".env.example documents {name}, which nothing reads")
    if missing or unread:
        return 1
    print(f".env.example documents all {len(read)} variables the project reads.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

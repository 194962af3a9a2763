"""Offline dependency check: the hashed lock files agree with requirements*.txt, and what is
installed is what the lock pins. Needs no network (pip-audit, which does, is in the README).

    python scripts/check_lock.py requirements-dev.lock   # what `make test` installs

Exit status 1 with one line per problem: a requirement missing from the lock or pinned outside
its range (run `make lock`), a pin without hashes, an installed version other than the pin.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
SOURCES = {"requirements.lock": "requirements.txt", "requirements-dev.lock": "requirements-dev.txt"}


def pins(lock: Path) -> dict[str, tuple[str, str | None, int]]:
    """{name: (version, marker, number of hashes)} of a lock written by `uv pip compile --generate-hashes`."""
    found, current = {}, None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            found[current] = (match[2], match[3], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, marker, hashes = found[current]
            found[current] = (version, marker, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            current = None
    return found


def requirements(path: Path) -> list[Requirement]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            out += requirements(path.parent / line[3:].strip())
        elif line:
            out.append(Requirement(line))
    return out


def problems(lock: Path, source: Path, *, installed: bool) -> list[str]:
    """What is wrong with `lock` against its `source` (and, `installed`, against this environment)."""
    pinned, lock_name = pins(lock), lock.name
    found = [f"{lock_name}: {name}=={version} has no --hash" for name, (version, _m, n) in pinned.items() if not n]
    for req in requirements(source):
        name = canonicalize_name(req.name)
        if name not in pinned:
            found.append(f"{lock_name}: {req} is in {source.name} but not in the lock (run `make lock`)")
        elif not req.specifier.contains(pinned[name][0], prereleases=True):
            found.append(f"{lock_name}: {name}=={pinned[name][0]} is outside {req} (run `make lock`)")
    if installed:
        for name, (version, marker, _n) in sorted(pinned.items()):
            if marker and not Marker(marker).evaluate():
                continue
            try:
                have = metadata.version(name)
            except metadata.PackageNotFoundError:
                have = None
            if have != version:
                found.append(f"installed {name} is {have or 'missing'}, {lock_name} pins {version}")
    return found


def main(argv: list[str]) -> int:
    installed_lock = argv[0] if argv else "requirements-dev.lock"
    found = [
        line
        for lock, source in SOURCES.items()
        for line in problems(ROOT / lock, ROOT / source, installed=lock == installed_lock)
    ]
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print(f"lock files match requirements*.txt; installed packages match {installed_lock}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

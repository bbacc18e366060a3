"""The workspace's rules (STYLE.md), checked on every run:

* every member declares what it imports (installing one member alone works);
* services are never imported by anything, not even another service;
* what runs on its own (`services/`, `tools/`: the simulator, the CLI) is never
  imported by a library's code, and `libs/` holds only what is imported;
* a service's domain imports none of faststream, aio-pika, asyncpg, httpx,
  aiohttp, structlog;
* SQL (migrations and queries) lives inside the package, so wheels carry it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = sorted(
    p.parent
    for p in ROOT.glob("*/*/pyproject.toml")
    if p.parent.parent.name in ("libs", "services", "tools")
)
SERVICES = {m.name.replace("-", "_") for m in MEMBERS if m.parent.name == "services"}
RUNNABLE = {m.name.replace("-", "_") for m in MEMBERS if m.parent.name in ("services", "tools")}
LIBRARIES = [m for m in MEMBERS if m.parent.name == "libs"]
INFRASTRUCTURE = {
    "faststream",
    "aio_pika",
    "aiormq",
    "asyncpg",
    "httpx",
    "aiohttp",
    "structlog",
    "starlette",
    "fastapi",
}
DISTRIBUTION_OF = {"yaml": "pyyaml", "docker": "docker"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def declared(member: Path) -> set[str]:
    project = tomllib.loads((member / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[<>=!\[; ~]", dependency)[0].lower().replace("_", "-")
        for dependency in project.get("dependencies", [])
    }


def sources(member: Path) -> list[Path]:
    return sorted((member / "src").rglob("*.py"))


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: m.name)
def test_every_import_is_declared(member: Path) -> None:
    own = {p.name for p in (member / "src").iterdir() if p.is_dir()}
    needed = set()
    for path in sources(member):
        needed |= imported_modules(path)
    third_party = needed - set(sys.stdlib_module_names) - own - {"__future__"}
    distributions = {DISTRIBUTION_OF.get(m, m).lower().replace("_", "-") for m in third_party}
    missing = sorted(distributions - declared(member))
    assert not missing, f"{member.name} imports but does not declare: {missing}"


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: m.name)
def test_services_are_never_imported_by_another_member(member: Path) -> None:
    own = member.name.replace("-", "_")
    for path in sources(member):
        wrong = (imported_modules(path) & SERVICES) - {own}
        assert not wrong, f"{path.relative_to(ROOT)} imports the service(s) {sorted(wrong)}"


@pytest.mark.parametrize("library", LIBRARIES, ids=lambda m: m.name)
def test_libraries_import_nothing_that_runs_on_its_own(library: Path) -> None:
    for path in sources(library):
        wrong = imported_modules(path) & RUNNABLE
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, which runs on its own"


@pytest.mark.parametrize("library", LIBRARIES, ids=lambda m: m.name)
def test_libraries_are_not_runnable(library: Path) -> None:
    """A member with a `__main__` is a program: it belongs in `services/` or `tools/`."""
    mains = [p.relative_to(ROOT) for p in (library / "src").rglob("__main__.py")]
    assert not mains, f"{library.name} runs on its own ({mains}): move it to services/ or tools/"


@pytest.mark.parametrize(
    "domain",
    sorted(p for p in ROOT.glob("services/*/src/*/domain*") if p.name in ("domain", "domain.py")),
    ids=lambda p: p.parts[-3],
)
def test_domain_is_pure(domain: Path) -> None:
    files = [domain] if domain.is_file() else sorted(domain.rglob("*.py"))
    for path in files:
        wrong = imported_modules(path) & INFRASTRUCTURE
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: m.name)
def test_sql_ships_inside_the_package(member: Path) -> None:
    """A wheel holds only `src/<package>`: SQL outside it (migrations included)
    would be missing from a non-editable install such as the Docker image."""
    stray = [p for p in member.rglob("*.sql") if "src" not in p.relative_to(member).parts]
    assert not stray, f"{member.name}: move {[str(p) for p in stray]} under src/"

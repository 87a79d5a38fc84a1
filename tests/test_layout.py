"""The code's layout (issue 12): models import no business area, no import cycles,
every area is a package saying in one line what it does, views hold no CLI commands."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("admin", "cli", "jobs", "models", "seeds", "services", "views")
# every package under services/ is a business area (core is shared infrastructure)
AREAS = tuple(sorted(p.parent.name for p in (Path(__file__).resolve().parents[1] / "services")
                     .glob("*/__init__.py") if p.parent.name != "core"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")} | \
        {"app": REPO / "app.py", "config": REPO / "config.py"}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules imported anywhere in the file (top level or inside functions)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def test_models_import_no_business_area(graph):
    offending = {m: sorted(i for i in imps if i.startswith("services.")
                           and not i.startswith("services.core") and i != "services")
                 for m, imps in graph.items() if m == "models" or m.startswith("models.")}
    assert {m: i for m, i in offending.items() if i} == {}


def test_core_imports_no_business_area(graph):
    offending = {m: sorted(i for i in imps if i.startswith("services.")
                           and not i.startswith("services.core"))
                 for m, imps in graph.items() if m.startswith("services.core")}
    assert {m: i for m, i in offending.items() if i} == {}


def test_no_two_modules_import_each_other(graph):
    pairs = sorted({tuple(sorted((a, b))) for a, imps in graph.items() for b in imps
                    if a in graph.get(b, ()) and a != b
                    and not (a.startswith(b + ".") or b.startswith(a + "."))})
    assert pairs == []


def test_no_import_cycles_between_modules(graph):
    """No longer cycles either (a -> b -> c -> a), package __init__ re-exports aside."""
    edges = {m: {i for i in imps if not (i.startswith(m + ".") or m.startswith(i + "."))}
             for m, imps in graph.items()}
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("area", AREAS + ("core",))
def test_each_area_is_a_package_with_a_one_line_docstring(area):
    init = REPO / "services" / area / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text()))
    assert doc and len(doc.splitlines()) == 1, f"services/{area}/__init__.py needs a one-line docstring"


def test_services_top_level_holds_only_area_packages():
    loose = sorted(p.name for p in (REPO / "services").glob("*.py") if p.name != "__init__.py")
    assert loose == []


def test_views_hold_web_blueprints_only():
    """CLI commands live in cli/, not in views/."""
    for path in (REPO / "views").glob("*.py"):
        text = path.read_text()
        assert ".cli.command" not in text and "cli_group=" not in text and "import click" not in text, path

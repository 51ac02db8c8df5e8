"""The map of docs/architecture.md, kept true: every app has its place in the layers, no app
imports one above it (lazy imports inside functions included), the apps' import graph has no
cycle, and only views import views. Each check is shown to catch a made-up offender too."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "digiplan"
DOC = PACKAGE.parent / "docs" / "architecture.md"

# From the bottom up; an app may import only apps to its left. docs/architecture.md explains it.
LAYERS = [
    "lib",
    "health",
    "audit",
    "demo",
    "organisations",
    "accounts",
    "privacy",
    "signin",
    "imports",
    "frameworks",
    "registry",
    "assessments",
    "plans",
    "reports",
    "comparison",
    "onboarding",
    "operations",
]
NOT_APPS = {"templates", "static", "locale", "__pycache__"}


def apps_in(package: Path) -> set[str]:
    return {p.name for p in package.iterdir() if p.is_dir() and p.name not in NOT_APPS}


def imported_modules(path: Path) -> list[str]:
    """Every module the file imports, at the top or inside a function."""
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
            # `from digiplan.x import views` imports a module, not a name.
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def app_imports(package: Path) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → the files that do it; migrations left out (they name
    other apps' migrations by design)."""
    name = package.name
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    apps = apps_in(package)
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or parts[0] not in apps or "migrations" in parts:
            continue
        for module in imported_modules(path):
            pieces = module.split(".")
            if len(pieces) > 1 and pieces[0] == name and pieces[1] in apps and pieces[1] != parts[0]:
                edges[(parts[0], pieces[1])].append(str(path.relative_to(package.parent)))
    return edges


def upward(edges, layers: list[str]) -> list[str]:
    rank = {app: number for number, app in enumerate(layers)}
    return sorted(
        f"{low} imports {high} in {sorted(set(files))}"
        for (low, high), files in edges.items()
        if rank[low] < rank[high]
    )


def cycles(edges) -> list[list[str]]:
    """The cycles of the app graph, each once (depth-first search, from each app)."""
    graph = defaultdict(set)
    for low, high in edges:
        graph[low].add(high)
    found = set()
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for following in sorted(graph[node]):
                if following == start:
                    found.add(tuple(path[path.index(min(path)) :] + path[: path.index(min(path))]))
                elif following not in path and following > start:
                    stack.append((following, [*path, following]))
    return [list(cycle) for cycle in sorted(found)]


def views_imported_outside_views(package: Path) -> list[str]:
    """Views are the top of each app: a service, selector or export that imports a view module
    would tie the app's logic to the request."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent)
        if "views" in path.stem or "views" in path.parts or path.stem.startswith("urls"):
            continue
        for module in imported_modules(path):
            tail = module.split(".")
            if module.startswith(f"{package.name}.") and any(
                p == "views" or p.startswith("views_") for p in tail
            ):
                found.append(f"{relative} imports {module}")
    return sorted(set(found))


# ---- The project ------------------------------------------------------------------------------


def test_every_app_has_a_place_in_the_layers():
    assert apps_in(PACKAGE) == set(LAYERS), "place each new app in LAYERS and in docs/architecture.md"


def test_no_app_imports_an_app_above_it():
    assert upward(app_imports(PACKAGE), LAYERS) == []


def test_the_apps_import_graph_has_no_cycle():
    assert cycles(app_imports(PACKAGE)) == []


def test_only_views_and_urls_import_views():
    assert views_imported_outside_views(PACKAGE) == []


def test_the_architecture_document_names_every_app_in_the_order_of_the_layers():
    text = DOC.read_text(encoding="utf-8")
    drawn = [line.split()[0] for line in text.split("```")[1].splitlines() if line.strip() not in ("", "↓")]
    # The diagram is drawn from the top (reports) down to lib.
    assert drawn == LAYERS[::-1]
    for app in LAYERS:
        assert f"`{app}`" in text, f"docs/architecture.md does not say what {app} owns"


# ---- The checks catch what they are for ---------------------------------------------------------


@pytest.fixture
def made_up(tmp_path):
    package = tmp_path / "digiplan"

    def write(relative: str, source: str) -> None:
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")

    for app in ("lib", "plans", "reports"):
        write(f"{app}/__init__.py", "")
    return package, write


def test_a_lazy_import_upward_is_caught(made_up):
    package, write = made_up
    write("plans/services.py", "def f():\n    from digiplan.reports import selectors\n")
    assert upward(app_imports(package), ["lib", "plans", "reports"]) == [
        "plans imports reports in ['digiplan/plans/services.py']"
    ]


def test_a_cycle_between_apps_is_caught(made_up):
    package, write = made_up
    write("plans/a.py", "import digiplan.reports.b\n")
    write("reports/b.py", "from digiplan.lib import c\n")
    write("lib/c.py", "from digiplan.plans import a\n")
    assert cycles(app_imports(package)) == [["lib", "plans", "reports"]]


def test_a_migration_and_an_import_within_the_app_are_not_edges(made_up):
    package, write = made_up
    write("lib/migrations/0001_initial.py", "from digiplan.reports import models\n")
    write("lib/x.py", "from digiplan.lib import y\n")
    assert app_imports(package) == {}


def test_a_service_importing_a_view_is_caught(made_up):
    package, write = made_up
    write("reports/exports.py", "from digiplan.plans.views.plans import helper\n")
    write("reports/views.py", "from digiplan.plans.views import plans\n")
    assert views_imported_outside_views(package) == [
        "digiplan/reports/exports.py imports digiplan.plans.views.plans",
        "digiplan/reports/exports.py imports digiplan.plans.views.plans.helper",
    ]

"""The apps are siblings over core, core over statistics, and no import runs back up or round in
a circle (docs/architecture.md). Every import is read from the source with ast, including those
inside functions and under TYPE_CHECKING, so a loop cannot be dodged by a late import."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("arp_portal", "surveys", "dashboards", "actions")

# Lower layers first. A module may import its own component and any lower layer; the three apps
# share a layer, so none of them imports another. The project's settings and URLs sit on top.
LAYERS = [
    {"arp_portal.statistics"},
    {"arp_portal.core"},
    {"arp_portal.accounts"},
    {"surveys", "dashboards", "actions"},
    {"arp_portal"},  # settings, urls, wsgi, asgi, env, embedded_db
]
RANK = {component: rank for rank, layer in enumerate(LAYERS) for component in layer}


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def component(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "arp_portal" and len(parts) > 1 and ".".join(parts[:2]) in RANK:
        return ".".join(parts[:2])
    return parts[0]


def source_modules() -> dict[str, pathlib.Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imports_of(module: str, path: pathlib.Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement in the file, resolved to a module of
    the project where one is named (`from pkg import module` names the module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule if submodule in known else target, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] in PACKAGES]


def import_graph() -> dict[str, dict[str, int]]:
    modules = source_modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for target, line in imports_of(module, path, known):
            # `import a.b.c` also runs a and a.b; the edge that matters is to the module named.
            while target not in known and "." in target:
                target = target.rpartition(".")[0]
            if target in known and target != module:
                edges.setdefault(target, line)
    return graph


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    wrong = []
    for module, targets in graph.items():
        source = component(module)
        for target, line in targets.items():
            destination = component(target)
            if destination != source and RANK[destination] >= RANK[source]:
                wrong.append(f"{module} (line {line}) imports {target}")
    return sorted(wrong)


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_runs_up_a_layer_or_across_to_a_sibling_app():
    assert upward_imports(import_graph()) == []


def test_no_modules_import_each_other_even_inside_a_function():
    assert cycles(import_graph()) == []


def test_core_imports_no_app_and_statistics_nothing_of_the_project():
    graph = import_graph()
    core = {
        target
        for module, targets in graph.items()
        if module.startswith("arp_portal.core")
        for target in targets
    }
    assert {component(target) for target in core} <= {"arp_portal.core", "arp_portal.statistics"}
    statistics = {
        target
        for module, targets in graph.items()
        if module.startswith("arp_portal.statistics")
        for target in targets
    }
    assert {component(target) for target in statistics} <= {"arp_portal.statistics"}


@pytest.mark.parametrize(
    ("graph", "wrong"),
    [
        ({"arp_portal.core.views": {"actions.models": 3}}, ["arp_portal.core.views (line 3)"]),
        ({"surveys.apps": {"actions.measures": 8}}, ["surveys.apps (line 8)"]),
        ({"dashboards.views": {"arp_portal.core.models": 1}}, []),
    ],
)
def test_the_layer_check_catches_an_upward_or_sideways_import(graph, wrong):
    assert [line.split(" imports")[0] for line in upward_imports(graph)] == wrong


def test_the_cycle_check_catches_a_loop_through_three_modules():
    graph = {"a.x": {"a.y": 1}, "a.y": {"a.z": 1}, "a.z": {"a.x": 1}, "a.w": {"a.x": 1}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_an_import_inside_a_function_is_seen(tmp_path):
    path = tmp_path / "snapshots.py"
    path.write_text("def f():\n    from dashboards.children.selectors import g\n    return g\n")
    known = {"dashboards.children.selectors"}
    assert imports_of("dashboards.children.snapshots", path, known) == [
        ("dashboards.children.selectors", 2)
    ]

"""The layers of docs/architecture.md, enforced over every module's imports.

    core <- net <- config <- features (fetch, translate, enrich) <- combined (publish) <- ui, cli

Every `import` statement in src/ counts: at module level, inside functions, and
under `if TYPE_CHECKING:` (a type-only import that points the wrong way still
ties the layers together). A module may import its own layer and the layers
below; features do not import one another (the UI and the CLI combine them);
and the module graph has no cycles. The test reads the source (AST), so it sees
imports that a runtime check would miss because no code path ran them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
ROOT = "tui_digest"

# Lowest first: (layer, packages or modules in it). `tui_digest.cli_*` are the CLI's
# modules beside cli.py. The package's own __init__ (the version) is core.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("tui_digest.core", "tui_digest.data")),
    ("net", ("tui_digest.net",)),
    ("config", ("tui_digest.config",)),
    (
        "features",
        ("tui_digest.fetch", "tui_digest.translate", "tui_digest.enrich", "tui_digest.rank"),
    ),
    # Runs that combine features (publish: translate what is missing, then write files).
    ("combined", ("tui_digest.publish",)),
    ("app", ("tui_digest.ui", "tui_digest.cli", "tui_digest.cli_*", "tui_digest.__main__")),
)
FEATURES = ("tui_digest.fetch", "tui_digest.translate", "tui_digest.enrich", "tui_digest.rank")

# Import cycles that other work in progress removes (issue 9, requirement 1). A
# cycle whose modules all fall under ONE of these prefixes is tolerated for now;
# any other cycle fails. Empty this list as those changes land.
CYCLES_BEING_FIXED: tuple[tuple[str, ...], ...] = ()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / ROOT).rglob("*.py"))}


MODULES = all_modules()


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """(imported tui_digest module, line) for every import statement in `module`."""
    path = MODULES[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT:
                    yield _known(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node, is_package)
            if target.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                # `from pkg import sub` imports the submodule `pkg.sub` when there is one.
                sub = f"{target}.{alias.name}"
                yield (sub if sub in MODULES else _known(target)), node.lineno


def _known(name: str) -> str:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def layer_of(module: str) -> int:
    if module == ROOT:
        return 0
    for index, (_name, patterns) in enumerate(LAYERS):
        if any(fnmatchcase(module, p) or fnmatchcase(module, p + ".*") for p in patterns):
            return index
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS in {__file__}")


def feature_of(module: str) -> str | None:
    return next((f for f in FEATURES if module == f or module.startswith(f + ".")), None)


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, _line in imports_of(module):
            if target and target != module:
                edges[module].add(target)
    return edges


# --- layers -------------------------------------------------------------------------


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)  # raises naming the module


def test_imports_point_down_the_layers():
    wrong = []
    for module in MODULES:
        mine = layer_of(module)
        for target, line in imports_of(module):
            theirs = layer_of(target)
            if theirs > mine:
                wrong.append(
                    f"{MODULES[module].relative_to(SRC)}:{line}: {module} ({LAYERS[mine][0]}) "
                    f"imports {target} ({LAYERS[theirs][0]})"
                )
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_features_do_not_import_one_another():
    wrong = []
    for module in MODULES:
        mine = feature_of(module)
        if mine is None:
            continue
        for target, line in imports_of(module):
            theirs = feature_of(target)
            if theirs is not None and theirs != mine:
                wrong.append(f"{MODULES[module].relative_to(SRC)}:{line}: imports {target}")
    assert not wrong, "features importing other features:\n" + "\n".join(wrong)


def test_core_never_imports_textual_anywhere():
    wrong = []
    for module, path in MODULES.items():
        if layer_of(module) > 2:  # core, net and config: no UI toolkit
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(n.split(".")[0] in ("textual", "rich") for n in names):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not wrong, "UI toolkit imported below the UI layer:\n" + "\n".join(wrong)


# --- cycles -------------------------------------------------------------------------


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is small, but recursion limits are not)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _being_fixed(component: list[str]) -> bool:
    def under(module: str, prefixes: tuple[str, ...]) -> bool:
        return any(module == p or module.startswith(p + ".") for p in prefixes)

    return any(all(under(m, prefixes) for m in component) for prefixes in CYCLES_BEING_FIXED)


def test_no_import_cycles_counting_imports_inside_functions():
    cycles = [c for c in strongly_connected(graph()) if not _being_fixed(c)]
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(edges) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from tui_digest.ui.app import DigestApp\n", "tui_digest.ui.app"),
        ("if TYPE_CHECKING:\n    import tui_digest.cli\n", "tui_digest.cli"),
        ("from tui_digest.core import paths\n", "tui_digest.core.paths"),
    ],
)
def test_imports_inside_functions_and_type_checking_count(tmp_path, source, expected, monkeypatch):
    module = "tui_digest.core.fake_for_test"
    path = tmp_path / "fake_for_test.py"
    path.write_text(source, "utf-8")
    monkeypatch.setitem(MODULES, module, path)
    assert [t for t, _ in imports_of(module)] == [expected]


# --- one of each ------------------------------------------------------------------------

ATOMIC_WRITER = "tui_digest.core.atomic_file"


def test_files_are_replaced_only_by_the_one_atomic_writer():
    # os.replace / os.rename outside core/atomic_file means a second home-made writer.
    # (cache_guard moves a damaged cache aside: a rename that is not a write.)
    allowed = {ATOMIC_WRITER, "tui_digest.core.cache_guard"}
    wrong = []
    for module, path in MODULES.items():
        if module in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("replace", "rename")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}: os.{node.attr}")
    assert not wrong, "use core/atomic_file.write_atomic:\n" + "\n".join(wrong)

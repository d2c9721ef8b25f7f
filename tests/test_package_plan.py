"""The package's plan: a foundation, two wings on it, and the app on top (``ganlab/__init__.py``).

Every ``ganlab`` import in every module (at the top or inside a function) is read from the source;
no module may import from a floor above its own, the toy and image wings never import each other,
and no chain of imports leads back to where it started.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys

import ganlab

PACKAGE = os.path.dirname(ganlab.__file__)
FLOORS = {  # the first matching prefix decides a module's floor
    "ganlab.errors": 0, "ganlab.maths": 0, "ganlab.models": 0, "ganlab.metrics": 0, "ganlab.training": 0,
    "ganlab.toy": 1, "ganlab.images": 1,
    "ganlab.viz": 2, "ganlab.ui": 2, "ganlab.cli": 2, "ganlab.cli_comparisons": 2, "ganlab.bench": 2, "ganlab.__main__": 2,
}
WINGS = ("ganlab.toy", "ganlab.images")


def modules() -> dict[str, str]:
    """{dotted name: source path} of every module of the package."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, name), os.path.dirname(PACKAGE))[:-3].split(os.sep)
                if rel[-1] == "__init__":
                    rel = rel[:-1]
                found[".".join(rel)] = os.path.join(folder, name)
    return found


def imports(path: str, known: set[str]) -> set[str]:
    """The ganlab modules that the file at ``path`` imports (``from a import b`` counts as ``a.b``
    when that is a module)."""
    out = set()
    tree = ast.parse(open(path, encoding="utf-8").read())
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                   for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # ``if TYPE_CHECKING:`` imports are for annotations, never run
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("ganlab")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ganlab"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in known else node.module)
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def floor(module: str) -> int:
    for prefix, level in FLOORS.items():
        if module == prefix or module.startswith(prefix + "."):
            return level
    raise AssertionError(f"{module} belongs to no floor: add it to FLOORS (and to docs/architecture.md)")


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {m: imports(p, known) - {m} for m, p in found.items() if m != "ganlab"}


def test_every_module_imports_only_its_floor_or_below_and_wings_stay_apart():
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if target == "ganlab":  # the package itself: only its docstring
                continue
            if floor(target) > floor(module):
                wrong.append(f"{module} → {target} (floor {floor(module)} imports floor {floor(target)})")
            wing = next((w for w in WINGS if module.startswith(w)), None)
            if wing and any(target.startswith(w) for w in WINGS if w != wing):
                wrong.append(f"{module} → {target} (one wing imports the other)")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    """Tarjan's strongly connected components: a component of more than one module is a cycle."""
    edges = graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_the_checks_see_a_cycle_and_an_upward_import(tmp_path):
    """The walker itself: it finds both kinds of import in a file, lazy ones included."""
    path = tmp_path / "m.py"
    path.write_text("from ganlab.toy import presets\n\ndef f():\n    import ganlab.images.data\n")
    found = imports(str(path), {"ganlab.toy.presets", "ganlab.images.data"})
    assert found == {"ganlab.toy.presets", "ganlab.images.data"}
    assert floor("ganlab.training.trainer") < floor("ganlab.toy.run") < floor("ganlab.ui.toy_tab")


def test_every_module_imports_in_a_fresh_interpreter():
    names = sorted(m for m in modules() if not m.endswith("__main__"))
    code = "import importlib\nfor n in %r:\n    importlib.import_module(n)\n" % names
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=os.path.dirname(PACKAGE))
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_ui_function_is_longer_than_80_lines():
    """A tab declares its controls and views; wiring and handlers stay short (``ui/controller``)."""
    long = []
    for module, path in modules().items():
        if module.startswith("ganlab.ui"):
            for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > 80:
                        long.append(f"{module}.{node.name}: {length} lines")
    assert not long, long


def test_every_module_says_in_its_first_line_what_it_holds():
    missing = [m for m, path in modules().items()
               if not (ast.get_docstring(ast.parse(open(path, encoding="utf-8").read())) or "").strip()]
    assert not missing, missing

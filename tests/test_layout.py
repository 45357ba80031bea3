"""The house's shape: layers import downwards only, no module cycles, few loose modules.

Read from the source with ``ast`` (nothing is imported), so a lazy import inside a function
counts as much as one at the top of a module. The map of the house is CONTRIBUTING.md.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ekslab"

# layer -> the layers it may import (itself always allowed); "" is the package's own top
# (__init__, _version). The course and the CLI sit on top of everything.
ALLOWED = {
    "": {""},
    "i18n": {""},
    "model": {"", "i18n"},
    "fleet": {"", "i18n", "model"},
    "audit": {"", "i18n", "model", "fleet"},
    "drawing": {"", "i18n", "model", "fleet"},
    "explorer": {"", "i18n", "model", "fleet", "audit", "drawing"},
    "localaws": {"", "i18n", "model", "fleet"},
    "probe": {"", "i18n", "model", "fleet"},
    "course": {"", "i18n", "model", "fleet", "audit", "drawing", "explorer", "localaws", "probe"},
    "cli": {"", "i18n", "model", "fleet", "audit", "drawing", "explorer", "localaws", "course", "probe"},
}
TOP = {"__init__", "_version", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    """``ekslab.fleet.scanner`` -> ``fleet``; ``ekslab`` and ``ekslab._version`` -> ``""``."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP:
        return ""
    return parts[1]


def imports_of(path: Path, package: str) -> set[str]:
    """Every ekslab module named by an import anywhere in the file (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "ekslab")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "ekslab":
                continue
            for alias in node.names:  # `from ekslab.fleet import frame` names a module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in FILES}


def graph() -> dict[str, set[str]]:
    out = {}
    for path in FILES:
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        out[name] = {m for m in imports_of(path, package) if m != name}
    return out


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for src, targets in edges.items():
        allowed = ALLOWED.get(layer_of(src))
        if allowed is None:
            bad.append(f"{src}: layer {layer_of(src)!r} is not in the map (add it to ALLOWED and CONTRIBUTING.md)")
            continue
        for dst in sorted(targets):
            if layer_of(dst) != layer_of(src) and layer_of(dst) not in allowed:
                bad.append(f"{src} imports {dst}: {layer_of(src) or 'top'} may not import {layer_of(dst)}")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_imports_point_down_only():
    assert upward_imports(graph()) == []


def test_no_import_cycles():
    # the package __init__ imports nothing but _version at import time; lazy exports are strings
    assert cycles(graph()) == []


def test_the_checks_can_fail():
    edges = {"ekslab.model.config": {"ekslab.fleet.frame"}, "ekslab.fleet.frame": {"ekslab.model.config"}}
    assert upward_imports(edges) == ["ekslab.model.config imports ekslab.fleet.frame: model may not import fleet"]
    assert cycles(edges) == [["ekslab.fleet.frame", "ekslab.model.config"]]
    assert upward_imports({"ekslab.newlayer.x": set()})[0].startswith("ekslab.newlayer.x: layer 'newlayer'")


def test_few_loose_modules_and_real_subpackages():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"}]
    assert len(loose) <= 6, loose
    subpackages = [p.parent.name for p in PACKAGE.glob("*/__init__.py")]
    assert len(subpackages) >= 5, subpackages
    assert set(subpackages) <= set(ALLOWED), f"a subpackage is missing from the layer map: {subpackages}"


# inside audit/rules/: a rule family imports only the shared modules, so families never depend on one
# another and a new family is one new module; the recipe asks the families, the engine runs the recipe
RULES_SHARED = {"catalog", "values"}
RULES_FAMILIES = {"exposure", "node_egress", "dns", "endpoints", "access"}
RULES_ALLOWED = {"catalog": set(), "values": set(), "columns": {"values"},
                 **{name: RULES_SHARED for name in RULES_FAMILIES},
                 "recipe": RULES_SHARED | RULES_FAMILIES, "engine": {"catalog", "values", "columns", "recipe"}
                 | RULES_FAMILIES}


def rules_imports_out_of_place(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    prefix = "ekslab.audit.rules."
    for src, targets in edges.items():
        if not src.startswith(prefix):
            continue
        name = src[len(prefix):]
        allowed = RULES_ALLOWED.get(name)
        if allowed is None:
            bad.append(f"{src}: not in the rules map (add it to RULES_ALLOWED and CONTRIBUTING.md)")
            continue
        bad += [f"{src} imports {dst}" for dst in sorted(targets)
                if dst.startswith(prefix) and dst[len(prefix):] not in allowed]
    return bad


def test_rule_families_import_only_the_shared_modules():
    assert rules_imports_out_of_place(graph()) == []
    assert rules_imports_out_of_place({"ekslab.audit.rules.dns": {"ekslab.audit.rules.exposure"}}) == [
        "ekslab.audit.rules.dns imports ekslab.audit.rules.exposure"]
    assert rules_imports_out_of_place({"ekslab.audit.rules.values": {"ekslab.audit.rules.engine"}}) == [
        "ekslab.audit.rules.values imports ekslab.audit.rules.engine"]
    assert "not in the rules map" in rules_imports_out_of_place({"ekslab.audit.rules.misc": set()})[0]
    assert rules_imports_out_of_place({"ekslab.audit.rules.recipe": {"ekslab.audit.rules.dns"}}) == []


def test_the_model_stays_plain_python():
    """Nothing heavy at module level in the model; a table-making function may import pandas inside itself."""
    heavy = {"pandas", "boto3", "botocore", "ipywidgets", "matplotlib", "diagrams", "numpy"}
    for path in (PACKAGE / "model").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & heavy, f"{path.name} imports {names} at module level"


def test_notebooks_import_only_the_top_level():
    import json

    for nb in sorted(p for p in (PACKAGE.parent / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            tree = ast.parse("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    assert all(a.name == "ekslab" or not a.name.startswith("ekslab") for a in node.names), nb.name
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ekslab"):
                    assert node.module == "ekslab", f"{nb.name}: from {node.module} import ..."

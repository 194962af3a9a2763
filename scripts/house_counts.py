"""Counts for the house (issue 20): imports between apps that run upward or sideways across the layer
contract in pyproject.toml, import cycles between apps, modules over 400 lines.

Usage: .venv/bin/python scripts/house_counts.py [checkout]
"""

import collections
import pathlib
import sys
import tomllib

import grimp

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
sys.path.insert(0, str(root))
conf = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
layers = [[p.strip() for p in line.split("|")] for line in conf["layers"]]
rank = {pkg: len(layers) - i for i, line in enumerate(layers) for pkg in line}
g = grimp.build_graph("tuijin")


def app(m):
    parts = m.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else m


up = set()
edges = set()
for m in g.modules:
    for imp in g.find_modules_directly_imported_by(m):
        if not imp.startswith("tuijin"):
            continue
        a, b = app(m), app(imp)
        if a == b:
            continue
        edges.add((a, b))
        if a in rank and b in rank and (rank[b] > rank[a] or (rank[a] == rank[b])):
            up.add((m, imp))
# cycles between apps: strongly connected components of size > 1

adj = collections.defaultdict(set)
for a, b in edges:
    adj[a].add(b)


def reach(x):
    seen, st = set(), [x]
    while st:
        n = st.pop()
        for y in adj[n]:
            if y not in seen:
                seen.add(y)
                st.append(y)
    return seen


apps = sorted({a for e in edges for a in e})
sccs = []
done = set()
for a in apps:
    if a in done:
        continue
    comp = {b for b in reach(a) if a in reach(b)} | {a}
    done |= comp
    if len(comp) > 1:
        sccs.append(sorted(comp))
long = sorted(
    (len(p.read_text().splitlines()), str(p.relative_to(root)))
    for p in (root / "tuijin").rglob("*.py")
    if "migrations" not in p.parts and len(p.read_text().splitlines()) > 400
)
print(f"upward (or sibling) imports between apps: {len(up)}")
for m, i in sorted(up):
    print(f"  {m} -> {i}")
print(f"app import cycles: {len(sccs)}", *("  " + " <-> ".join(c) for c in sccs), sep="\n")
print(f"modules over 400 lines: {len(long)}")
for n, p in reversed(long):
    print(f"  {n} {p}")

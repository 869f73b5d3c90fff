#!/usr/bin/env python3
"""Fails when a source file includes a header across a forbidden module edge.

The allowed edges are data: tests/lint/module_graph.txt, one line per module,
`module: allowed module, allowed module, ...`. A module is a folder (the longest
matching prefix of a file's path wins, so `server/rpc` can differ from `server`); a file
may always include headers of its own module. Includes of headers outside the tree (system,
Abseil, gRPC, generated `warden/v1/...` protos, which belong to `proto`) are judged by
their first path component when it names a module, and ignored otherwise.

Usage: layering.py [REPO_ROOT]   Exit 0 when every include is allowed, 1 otherwise (each
offending include printed as `file:line: module -> module (header)`).
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCES = ('.h', '.cc')
# Generated protobuf headers are included as "warden/v1/x.pb.h": they are proto's.
ALIASES = {'warden': 'proto'}


def load_graph(path):
    graph = {}
    with open(path, encoding='utf-8') as table:
        for number, raw in enumerate(table, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            if ':' not in line:
                sys.exit(f'{path}:{number}: expected "module: allowed, ..."')
            module, allowed = line.split(':', 1)
            graph[module.strip()] = {a.strip() for a in allowed.split(',') if a.strip()}
    for module, allowed in graph.items():
        for target in allowed:
            if target not in graph:
                sys.exit(f'{path}: {module} allows {target}, which is no module in the table')
    return graph


def module_of(path, modules):
    """The longest module that is `path` or a folder above it; None if none is."""
    best = None
    for module in modules:
        if path == module or path.startswith(module + '/'):
            if best is None or len(module) > len(best):
                best = module
    return best


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
    graph = load_graph(os.path.join(root, 'tests', 'lint', 'module_graph.txt'))
    modules = list(graph)
    bad = 0
    checked = 0
    for module in modules:
        folder = os.path.join(root, module)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d not in ('node_modules', 'build')]
            for name in filenames:
                if not name.endswith(SOURCES):
                    continue
                path = os.path.join(dirpath, name)
                relative = os.path.relpath(path, root)
                own = module_of(relative, modules)
                if own != module:
                    continue  # a deeper module's file, checked under that module
                with open(path, encoding='utf-8', errors='replace') as source:
                    for number, line in enumerate(source, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        header = match.group(1)
                        first = header.split('/', 1)[0]
                        target = module_of(header, modules) or ALIASES.get(first)
                        if target is None or target == own:
                            continue
                        checked += 1
                        if target not in graph[own]:
                            print(f'{relative}:{number}: {own} -> {target} ({header}) '
                                  'is not an allowed edge (tests/lint/module_graph.txt)')
                            bad += 1
    print(f'layering: {checked} cross-module includes checked, {bad} forbidden')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

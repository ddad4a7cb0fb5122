#!/usr/bin/env python3
"""Checks the module graph against the layer table of docs/architecture.md.

The table (under the heading "## Module layers") numbers the layers bottom-up
and names every module of Package.swift that lives in Sources/. A module may
import, and list in its Package.swift dependencies, only modules of strictly
lower layers. This script reads:

  - the table;
  - Package.swift's targets, in the order written, with the names in their
    `dependencies:` (string literals, `.target(name:)`, `.byName(name:)`;
    `.product(...)` is another package's and is ignored);
  - every `import` line of Sources/<module>/**/*.swift (any attributes, such as
    `@testable` or `@_implementationOnly`, any access level, and the
    `import struct M.T` forms). Imports of modules that are not targets of
    Package.swift (Foundation, NIOCore, X509, Glibc...) are ignored.

and prints one line per violation, then exits 1:

  - an import of a module in the same or a higher layer (or one that is not in
    the table, such as a test-only target);
  - an import of one of our modules that the importing target does not list in
    its Package.swift dependencies (it builds only because something else
    happened to build that module first);
  - a Package.swift dependency on a module in the same or a higher layer;
  - a target listed in Package.swift before a target it depends on, or one of
    our modules listed after a module of a higher layer (Package.swift reads
    bottom-up);
  - a module of Package.swift missing from the table, a name in the table that
    is not a module of Package.swift, or a module in the table twice.

Python 3 standard library only. Usage:
    python3 Tests/Tools/check_imports.py [--root DIR]
DIR (default: this repository) holds Package.swift, docs/architecture.md and
Sources/. Exit status 0: no violation; 1: violations (printed); 2: a file could
not be read or understood.
"""

import argparse
import os
import re
import sys

TABLE_HEADING = "## Module layers"
TARGET_KINDS = ("target", "executableTarget", "testTarget", "systemLibrary", "binaryTarget", "macro", "plugin")


class Unreadable(Exception):
    """A file this script cannot understand: exit status 2."""


def blank_comments_and_strings(text):
    """`text` with comments and string literals replaced by spaces, newlines kept
    (so offsets and line numbers stay as they were). String literals become a
    quote pair around spaces, so a name in `"..."` is still found by
    `string_literal_at`, which reads the original text."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            for k in range(i + 3, max(i + 3, j - 3)):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def closing(code, start):
    """Offset just past the bracket that closes the one at `start` in `code`
    (comments and strings already blanked)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for i in range(start, len(code)):
        c = code[i]
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if not stack or stack.pop() != c:
                raise Unreadable("unbalanced %r at line %d" % (c, line_of(code, i)))
            if not stack:
                return i + 1
    raise Unreadable("no closing bracket for the one at line %d" % line_of(code, start))


def top_level_items(code, start, end):
    """(offset, text) of each comma-separated item between `start` and `end`,
    splitting only at commas outside nested brackets."""
    items, depth, begin = [], 0, start
    for i in range(start, end):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            items.append((begin, code[begin:i]))
            begin = i + 1
    items.append((begin, code[begin:end]))
    result = []
    for offset, item in items:
        stripped = item.lstrip()
        if stripped.strip():
            result.append((offset + len(item) - len(stripped), stripped.rstrip()))
    return result


def labelled_arguments(code, open_paren):
    """label → (offset of the value, value text) of a call's arguments."""
    args = {}
    for offset, item in top_level_items(code, open_paren + 1, closing(code, open_paren) - 1):
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*", item)
        if m:
            args[m.group(1)] = (offset + m.end(), item[m.end():])
    return args


def string_literal_at(text, offset):
    m = re.compile(r'\s*"([^"\\\n]*)"').match(text, offset)
    return m.group(1) if m else None


def read_package(root):
    """Targets of Package.swift in the order written: dicts with name, kind,
    path, line and deps (a list of (name, line) of other targets)."""
    path = os.path.join(root, "Package.swift")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise Unreadable("Package.swift: %s" % e.strerror)
    code = blank_comments_and_strings(text)
    # `let NAME: Target.Dependency = .product(...)`: another package's product under a name
    products = set(re.findall(r"\blet\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*Target\.Dependency\s*=\s*\.product\s*\(", code))
    package = re.search(r"\bPackage\s*\(", code)
    if not package:
        raise Unreadable("Package.swift: no Package( ... )")
    arguments = labelled_arguments(code, package.end() - 1)
    if "targets" not in arguments:
        raise Unreadable("Package.swift: Package( ... ) has no targets:")
    array = arguments["targets"][0]
    array = code.index("[", array)
    targets = []
    for offset, item in top_level_items(code, array + 1, closing(code, array) - 1):
        line = line_of(code, offset)
        m = re.match(r"\.(%s)\s*\(" % "|".join(TARGET_KINDS), item)
        if not m:
            raise Unreadable("Package.swift:%d: a target this script cannot read: %s" % (line, item.split("\n")[0]))
        args = labelled_arguments(code, offset + m.end() - 1)
        name = string_literal_at(text, args["name"][0]) if "name" in args else None
        if not name:
            raise Unreadable("Package.swift:%d: a target without a literal name" % line)
        target_path = string_literal_at(text, args["path"][0]) if "path" in args else None
        deps = []
        if "dependencies" in args:
            deps_at = code.index("[", args["dependencies"][0])
            for dep_offset, dep in top_level_items(code, deps_at + 1, closing(code, deps_at) - 1):
                dep_line = line_of(code, dep_offset)
                if dep.startswith('"'):
                    deps.append((string_literal_at(text, dep_offset), dep_line))
                    continue
                if dep in products:
                    continue  # another package's product, named by a constant
                call = re.match(r"\.(target|byName|product)\s*\(", dep)
                if not call:
                    raise Unreadable("Package.swift:%d: a dependency this script cannot read: %s" % (dep_line, dep))
                if call.group(1) == "product":
                    continue  # another package's product
                dep_args = labelled_arguments(code, dep_offset + call.end() - 1)
                dep_name = string_literal_at(text, dep_args["name"][0]) if "name" in dep_args else None
                if not dep_name:
                    raise Unreadable("Package.swift:%d: a dependency without a literal name" % dep_line)
                deps.append((dep_name, dep_line))
        targets.append({"name": name, "kind": m.group(1), "path": target_path, "line": line, "deps": deps})
    return targets


def read_table(root):
    """(layers: module → layer number, line: module → line of its row) from
    the first Markdown table under TABLE_HEADING in docs/architecture.md, and
    the problems found in the table itself."""
    path = os.path.join(root, "docs", "architecture.md")
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise Unreadable("docs/architecture.md: %s" % e.strerror)
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == TABLE_HEADING)
    except StopIteration:
        raise Unreadable("docs/architecture.md: no heading %r" % TABLE_HEADING)
    rows = []
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped.startswith("#"):
            break
        if stripped.startswith("|"):
            rows.append((i + 1, [cell.strip() for cell in stripped.strip("|").split("|")]))
        elif rows:
            break  # the table ended
    if len(rows) < 3:
        raise Unreadable("docs/architecture.md: no table under %r" % TABLE_HEADING)
    header = [cell.lower() for cell in rows[0][1]]
    if "layer" not in header or "modules" not in header:
        raise Unreadable("docs/architecture.md:%d: the layer table needs the columns layer and modules" % rows[0][0])
    layer_column, modules_column = header.index("layer"), header.index("modules")
    layers, row_of, problems, previous = {}, {}, [], 0
    for number, cells in rows[2:]:
        if len(cells) != len(header):
            raise Unreadable("docs/architecture.md:%d: %d cells, the header has %d" % (number, len(cells), len(header)))
        if not cells[layer_column].isdigit():
            raise Unreadable("docs/architecture.md:%d: layer %r is not a number" % (number, cells[layer_column]))
        layer = int(cells[layer_column])
        if layer <= previous:
            problems.append("docs/architecture.md:%d: layer %d comes after layer %d; the table goes bottom-up, "
                            "one row per layer" % (number, layer, previous))
        previous = max(previous, layer)
        for module in cells[modules_column].split(","):
            module = module.strip().strip("`").strip()
            if not module:
                continue
            if module in layers:
                problems.append("docs/architecture.md:%d: %s is in the table twice (layers %d and %d)"
                                % (number, module, layers[module], layer))
                continue
            layers[module], row_of[module] = layer, number
    return layers, row_of, problems


IMPORT = re.compile(
    r"^[ \t]*(?:@[A-Za-z_][A-Za-z0-9_]*(?:\([^)\n]*\))?[ \t]+)*"
    r"(?:(?:public|package|internal|fileprivate|private)[ \t]+)?"
    r"import[ \t]+(?:(?:typealias|struct|class|enum|protocol|let|var|func|actor)[ \t]+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)",
    re.MULTILINE)


def imports_in(path):
    """(line, module) of each import in a Swift file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code = blank_comments_and_strings(text)
    return [(line_of(code, m.start(1)), m.group(1)) for m in IMPORT.finditer(code)]


def check(root):
    targets = read_package(root)
    layers, row_of, problems = read_table(root)
    violations = list(problems)
    by_name = {t["name"]: t for t in targets}

    def source_dir(t):
        return t["path"] or os.path.join("Sources", t["name"])

    # Our modules: every non-test target whose sources are under Sources/.
    modules = [t for t in targets if t["kind"] != "testTarget"
               and os.path.normpath(source_dir(t)).split(os.sep)[0] == "Sources"]
    module_names = {t["name"] for t in modules}

    # The table against Package.swift.
    for t in modules:
        if t["name"] not in layers:
            violations.append("Package.swift:%d: %s is not in the layer table of docs/architecture.md"
                              % (t["line"], t["name"]))
    for name in sorted(layers, key=lambda m: row_of[m]):
        if name not in module_names:
            what = "a test-only or benchmark target" if name in by_name else "not a target"
            violations.append("docs/architecture.md:%d: the layer table names %s, which is %s of Package.swift"
                              % (row_of[name], name, what))
    sources = os.path.join(root, "Sources")
    for entry in sorted(os.listdir(sources)) if os.path.isdir(sources) else []:
        if os.path.isdir(os.path.join(sources, entry)) and not any(
                os.path.normpath(source_dir(t)) == os.path.join("Sources", entry) for t in modules):
            violations.append("Sources/%s: a directory that no target of Package.swift builds" % entry)

    def layer_text(name):
        return "layer %d" % layers[name] if name in layers else "not in the layer table"

    # Package.swift: written bottom-up, dependencies only on lower layers.
    position = {t["name"]: i for i, t in enumerate(targets)}
    highest = None
    for i, t in enumerate(targets):
        for dep, dep_line in t["deps"]:
            if dep in position and position[dep] > i:
                violations.append("Package.swift:%d: %s is listed before %s (line %d), which it depends on"
                                  % (t["line"], t["name"], dep, targets[position[dep]]["line"]))
            if t["name"] in module_names and t["name"] in layers and dep in by_name and (
                    dep not in layers or layers[dep] >= layers[t["name"]]):
                violations.append("Package.swift:%d: %s (layer %d) depends on %s (%s), which is not below it"
                                  % (dep_line, t["name"], layers[t["name"]], dep, layer_text(dep)))
        if t["name"] in module_names and t["name"] in layers:
            if highest and layers[highest] > layers[t["name"]]:
                violations.append("Package.swift:%d: %s (layer %d) is listed after %s (layer %d); "
                                  "targets go bottom-up" % (t["line"], t["name"], layers[t["name"]],
                                                            highest, layers[highest]))
            if not highest or layers[t["name"]] > layers[highest]:
                highest = t["name"]

    # The imports of every module's sources.
    imports_checked = 0
    for t in modules:
        directory = os.path.join(root, source_dir(t))
        declared = {dep for dep, _ in t["deps"]}
        files = []
        for folder, subfolders, names in os.walk(directory):
            subfolders.sort()
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".swift")]
        for path in files:
            shown = os.path.relpath(path, root)
            for line, imported in imports_in(path):
                if imported not in by_name or imported == t["name"]:
                    continue  # another package's module, or the module itself
                imports_checked += 1
                undeclared = imported not in declared
                if t["name"] in layers and (imported not in layers or layers[imported] >= layers[t["name"]]):
                    violations.append("%s:%d: %s (layer %d) imports %s (%s), which is not below it%s"
                                      % (shown, line, t["name"], layers[t["name"]], imported, layer_text(imported),
                                         "; Package.swift does not list it either" if undeclared else ""))
                elif undeclared:
                    violations.append("%s:%d: %s imports %s, which its dependencies in Package.swift do not list"
                                      % (shown, line, t["name"], imported))
    return violations, len(modules), len(set(layers.values())), imports_checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")),
                        help="the directory with Package.swift, docs/architecture.md and Sources/")
    root = parser.parse_args().root
    try:
        violations, modules, layers, imports = check(root)
    except (Unreadable, OSError, UnicodeDecodeError) as e:
        print("check_imports: cannot check: %s" % e, file=sys.stderr)
        return 2
    for violation in violations:
        print(violation)
    if violations:
        print("check_imports: %d violation(s) of the layers in docs/architecture.md" % len(violations), file=sys.stderr)
        return 1
    print("check_imports: OK: %d modules in %d layers, %d imports of our modules, all from a lower layer and declared"
          % (modules, layers, imports))
    return 0


if __name__ == "__main__":
    sys.exit(main())

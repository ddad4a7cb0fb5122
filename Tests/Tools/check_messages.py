#!/usr/bin/env python3
"""Checks every module's message catalog (Sources/MODULE/messages.json)
against itself, Package.swift and the module's code.

A catalog maps keys to entries {"pl": ..., "en": ..., "title": ...}; the
module reads it through its `messages` (Messages.swift) with
`messages.text("key", [...])`, `messages.sentence("key", [...])` or
`messages.finding("CODE", [...])` (the entries CODE.found, CODE.why and
CODE.fix, given the union of their placeholders). Reported,
each with its file (and line where there is one):
  - a catalog that is not a JSON object of entries, an entry without a
    non-empty `pl` and `en`, a field other than pl, en and title;
  - an entry whose Polish and English sentences name different placeholders
    (`{name}`);
  - a module with a catalog that Package.swift does not embed
    (`resources: messages`) or that has no Messages.swift, or the other way;
  - a key used in a lookup that the catalog lacks, `sentence` of an entry
    without a title;
  - a lookup whose literal arguments (["name": ...]) name other placeholders
    than the entry's (a lookup whose arguments are not a literal dictionary
    is left to the module's tests);
  - an entry whose key occurs nowhere in the module's code as a string
    literal (unused).

Usage: check_messages.py [DIR]   (DIR holds Package.swift and Sources/)
Exit 0 with "check_messages: OK: ..." or 1 with one line per fault.
"""

import json
import os
import re
import sys

PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z][A-Za-z0-9_]*)\}")
LOOKUP = re.compile(r"\bmessages\.(text|sentence|finding)\(\s*\"([^\"\\]*)\"")
# messages.finding("CODE", …) reads the three entries CODE.found, CODE.why, CODE.fix
FINDING_PARTS = (".found", ".why", ".fix")
STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"")
ARGUMENT_KEY = re.compile(r"\"([A-Za-z0-9_]+)\"\s*:")


def placeholders(sentence):
    return set(PLACEHOLDER.findall(sentence.replace("{{", "\0")))


def closing(code, open_at):
    """Index of the bracket closing the one at open_at, skipping strings."""
    pairs = {"(": ")", "[": "]"}
    stack = []
    i = open_at
    while i < len(code):
        c = code[i]
        if c == '"':
            i += 1
            while i < len(code) and code[i] != '"':
                i += 2 if code[i] == "\\" else 1
        elif c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i
        i += 1
    return len(code)


def literal_arguments(code, open_paren):
    """The names of a lookup's literal argument dictionary: a set, an empty
    set where the call has only the key, or None where the arguments are not
    a dictionary literal."""
    end = closing(code, open_paren)
    call = code[open_paren + 1:end]
    key_end = STRING.match(call.lstrip())
    rest = call.lstrip()[key_end.end():].strip() if key_end else ""
    if not rest:
        return set()
    if not rest.startswith(","):
        return None
    rest = rest[1:].strip()
    if not rest.startswith("["):
        return None
    dictionary = rest[:closing(rest, 0) + 1]
    if dictionary == "[:]":
        return set()
    # only the dictionary's own keys: blank out nested brackets' contents
    depth, top = 0, []
    for i, c in enumerate(dictionary):
        if c in "([":
            depth += 1
        if depth <= 1:
            top.append(c)
        else:
            top.append(" ")
        if c in ")]":
            depth -= 1
    return set(ARGUMENT_KEY.findall("".join(top)))


def embedded_modules(package_text):
    """Targets of Package.swift that embed their messages.json."""
    names = set()
    for m in re.finditer(r"\.(?:target|executableTarget)\(\s*name:\s*\"([^\"]+)\"", package_text):
        end = closing(package_text, package_text.index("(", m.start()))
        if re.search(r"resources:[^\n]*\bmessages\b", package_text[m.start():end]):
            names.add(m.group(1))
    return names


def check(root):
    faults = []
    sources = os.path.join(root, "Sources")
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as f:
        embedded = embedded_modules(f.read())
    modules = sorted(d for d in os.listdir(sources) if os.path.isdir(os.path.join(sources, d)))
    catalogs = entries_total = lookups_total = 0
    for module in modules:
        folder = os.path.join(sources, module)
        catalog_path = os.path.join(folder, "messages.json")
        relative = os.path.relpath(catalog_path, root)
        has_catalog = os.path.exists(catalog_path)
        if has_catalog != (module in embedded):
            faults.append("Package.swift: %s %s" % (
                module, "has messages.json but does not embed it (resources: messages)" if has_catalog
                else "embeds messages.json (resources: messages) but has none"))
        if has_catalog != os.path.exists(os.path.join(folder, "Messages.swift")):
            faults.append("%s: %s" % (os.path.relpath(folder, root), "messages.json without Messages.swift" if has_catalog
                                      else "Messages.swift without messages.json"))
        code_files = []
        for directory, _, files in os.walk(folder):
            for name in sorted(files):
                if name.endswith(".swift"):
                    path = os.path.join(directory, name)
                    with open(path, encoding="utf-8") as f:
                        code_files.append((os.path.relpath(path, root), f.read()))
        if not has_catalog:
            for path, code in code_files:
                for m in LOOKUP.finditer(code):
                    faults.append("%s:%d: messages.%s(\"%s\") but %s has no messages.json" % (
                        path, code.count("\n", 0, m.start()) + 1, m.group(1), m.group(2), module))
            continue
        catalogs += 1
        try:
            with open(catalog_path, encoding="utf-8") as f:
                catalog = json.load(f)
        except (OSError, ValueError) as e:
            faults.append("%s: not readable JSON: %s" % (relative, e))
            continue
        if not isinstance(catalog, dict):
            faults.append("%s: not a JSON object of entries" % relative)
            continue
        for key, entry in catalog.items():
            entries_total += 1
            if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) and entry.get(f) for f in ("pl", "en")):
                faults.append("%s: %s: needs a non-empty \"pl\" and \"en\"" % (relative, key))
                continue
            extra = set(entry) - {"pl", "en", "title"}
            if extra:
                faults.append("%s: %s: unknown fields %s" % (relative, key, ", ".join(sorted(extra))))
            if "title" in entry and not (isinstance(entry["title"], str) and entry["title"]):
                faults.append("%s: %s: \"title\" must be a non-empty string" % (relative, key))
            pl, en = placeholders(entry["pl"]), placeholders(entry["en"])
            if pl != en:
                faults.append("%s: %s: placeholders differ: pl {%s}, en {%s}" % (
                    relative, key, ", ".join(sorted(pl)), ", ".join(sorted(en))))
        literals, used = set(), set()
        for path, code in code_files:
            literals.update(STRING.findall(code))
            for m in LOOKUP.finditer(code):
                lookups_total += 1
                line = code.count("\n", 0, m.start()) + 1
                kind, key = m.group(1), m.group(2)
                keys = [key + part for part in FINDING_PARTS] if kind == "finding" else [key]
                used.update(keys)
                missing = [k for k in keys if not isinstance(catalog.get(k), dict) or "pl" not in catalog[k]]
                if missing:
                    faults.append("%s:%d: \"%s\" is not in %s" % (path, line, missing[0], relative))
                    continue
                entry = catalog[key] if kind != "finding" else None
                if kind == "sentence" and "title" not in entry:
                    faults.append("%s:%d: messages.sentence(\"%s\") needs a \"title\" in %s" % (path, line, key, relative))
                given = literal_arguments(code, code.index("(", m.start()))
                wanted = set().union(*(placeholders(catalog[k]["pl"]) for k in keys))
                if given is not None and given != wanted:
                    faults.append("%s:%d: \"%s\" is given {%s} but its sentence names {%s}" % (
                        path, line, key, ", ".join(sorted(given)), ", ".join(sorted(wanted))))
        for key in sorted(catalog):
            if key not in literals and key not in used:
                faults.append("%s: %s: unused (no string literal \"%s\" in %s)" % (relative, key, key, module))
    return faults, catalogs, entries_total, lookups_total


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    faults, catalogs, entries, lookups = check(root)
    for fault in faults:
        print(fault)
    if faults:
        return 1
    print("check_messages: OK: %d catalogs, %d entries in Polish and English, %d lookups" % (catalogs, entries, lookups))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Writes docs/schema/iou-analyze.schema.json, the JSON Schema (draft 2020-12) of `--report json`,
from the Codable declarations in Sources/ (the shapes Swift's synthesized Codable gives them):

- a struct is an object of its stored properties; optional ones may be absent;
- an enum with a String raw type is a string of its raw values;
- an enum with associated values is an object with exactly one key, the case name, whose value is
  an object of the case's labelled values (`{"retryRate": {"retries": 78, "spanNs": 9576000}}`).

`--check` compares the file with what would be written and fails when they differ (the tests run it).
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs/schema/iou-analyze.schema.json")
SOURCES = ["Sources/TraceAnalysis", "Sources/TraceParse/Model", "Sources/TraceParse/Diagnostics", "Sources/TraceReport"]
ROOT_TYPE = "Document"
SCALARS = {
    "Int": {"type": "integer"}, "Int32": {"type": "integer"}, "Int64": {"type": "integer"},
    "UInt8": {"type": "integer"}, "Double": {"type": ["number", "string"]}, "String": {"type": "string"},
    "Bool": {"type": "boolean"},
}


def declarations():
    """name -> ("struct", [(name, type)]) | ("raw", [values]) | ("cases", [(case, [(label, type)])])."""
    decls = {}
    for base in SOURCES:
        for d, _, names in os.walk(os.path.join(ROOT, base)):
            for f in sorted(names):
                if f.endswith(".swift"):
                    parse(open(os.path.join(d, f)).read(), decls)
    return decls


def parse(text, decls):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(?:public )?(struct|enum) (\w+)(?:: ([^{]*))?\{", lines[i])
        if not m or "Codable" not in (m.group(4) or ""):
            i += 1
            continue
        indent, kind, name, conformances = len(m.group(1)), m.group(2), m.group(3), m.group(4)
        body, _ = block(lines, i + 1, indent)
        i += 1  # nested declarations (e.g. Diagnostic.Severity) are read too
        if kind == "struct":
            decls[name] = ("struct", properties(body))
        elif conformances.split(",")[0].strip() == "String":
            decls[name] = ("raw", raw_values(body))
        else:
            decls[name] = ("cases", cases(body))


def block(lines, start, indent):
    """The lines of a declaration's body at one level deeper than `indent`, and the index after it."""
    body = []
    i = start
    while i < len(lines) and not re.match(r"^\s{%d}\}" % indent, lines[i]):
        body.append(lines[i])
        i += 1
    return body, i + 1


def top_level(body):
    """Statements directly in the body (nested blocks skipped), continuation lines joined."""
    out, depth, current = [], 0, ""
    for line in body:
        code = re.sub(r"//.*$", "", line)
        if depth == 0:
            current = (current + " " + code.strip()).strip() if current else code.strip()
        depth += code.count("{") - code.count("}")
        if depth == 0 and current and current.count("(") == current.count(")"):
            out.append(current)
            current = ""
    return out


def properties(body):
    props = []
    for s in top_level(body):
        m = re.match(r"^(?:public )?(?:private\(set\) )?(?:var|let) (\w+): ([^={]+?)\s*(=.*)?$", s)
        if m and "static" not in s:
            props.append((m.group(1), m.group(2).strip()))
        elif re.match(r"^(?:public )?(?:var|let) \w+ =", s):
            props.append((s, None))  # untyped: refused if the type is part of the document
    return props


def raw_values(body):
    values = []
    for s in top_level(body):
        for m in re.finditer(r"case (\w+)(?: = \"([^\"]*)\")?", s) if s.startswith("case ") else []:
            values.append(m.group(2) if m.group(2) is not None else m.group(1))
    return values


def cases(body):
    out = []
    for s in top_level(body):
        if not s.startswith("case "):
            continue
        m = re.match(r"^case (\w+)(?:\((.*)\))?$", s)
        labels = []
        if m.group(2):
            for part in split_top(m.group(2)):
                label, typ = part.split(":", 1)
                labels.append((label.strip(), typ.strip()))
        out.append((m.group(1), labels))
    return out


def split_top(text):
    parts, depth, cur = [], 0, ""
    for c in text:
        if c in "[(<":
            depth += 1
        if c in "])>":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    return parts + [cur] if cur.strip() else parts


def schema_of(typ, decls, used):
    typ = typ.strip()
    if typ.endswith("?"):
        return schema_of(typ[:-1], decls, used)
    if typ.startswith("[") and typ.endswith("]"):
        return {"type": "array", "items": schema_of(typ[1:-1], decls, used)}
    if typ in SCALARS:
        return dict(SCALARS[typ])
    if typ not in decls:
        raise SystemExit(f"json-schema: no Codable declaration found for {typ}")
    used.add(typ)
    return {"$ref": f"#/$defs/{typ}"}


def definition(name, decls, used):
    kind, content = decls[name]
    if kind == "raw":
        return {"type": "string", "enum": content}
    if kind == "struct":
        return obj(content, decls, used)
    return {"oneOf": [{"type": "object", "properties": {case: obj(labels, decls, used)}, "required": [case],
                       "additionalProperties": False} for case, labels in content]}


def obj(fields, decls, used):
    for n, t in fields:
        if t is None:
            raise SystemExit(f"json-schema: give the stored property a type: {n}")
    return {"type": "object", "properties": {n: schema_of(t, decls, used) for n, t in fields},
            "required": [n for n, t in fields if not t.endswith("?")], "additionalProperties": False}


def build():
    decls = declarations()
    used, done, defs = {ROOT_TYPE}, set(), {}
    while used - done:
        name = sorted(used - done)[0]
        done.add(name)
        defs[name] = definition(name, decls, used)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "iou-analyze --report json",
            "description": "Generated by tools/json-schema.py from the Codable declarations in Sources/.",
            "$ref": f"#/$defs/{ROOT_TYPE}", "$defs": dict(sorted(defs.items()))}


def main():
    text = json.dumps(build(), indent=2, sort_keys=False) + "\n"
    if "--check" in sys.argv:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            sys.exit(f"{os.path.relpath(OUT, ROOT)} is out of date: run tools/json-schema.py")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    open(OUT, "w").write(text)


if __name__ == "__main__":
    main()

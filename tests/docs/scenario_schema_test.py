#!/usr/bin/env python3
"""Keeps docs/scenario.schema.json true (run by ctest as `scenario_schema`).

  scenario_schema_test.py --root REPO [--agentsim BINARY]

1. The schema is a valid JSON Schema 2020-12.
2. Every scenario in scenarios/ (comments stripped) validates against it.
3. Misspelt keys fail the schema (and the loader, when --agentsim is given).
4. With --agentsim: every key the schema names in `properties` is accepted by the loader
   (sim/scenario.cc and friends): a scenario holding just that key (with a null value, and no
   agents so the load always fails before a run) must not get "unknown key '<key>'".

Needs python3-jsonschema (Debian 12: 4.10, which has Draft202012Validator). Without it the test
is skipped (exit 77) unless the environment variable CI is set, where it fails.
"""

import argparse
import copy
import json
import os
import pathlib
import subprocess
import sys
import tempfile

SKIP = 77


def strip_comments(text):
    """Removes // and /* */ comments outside strings (as nlohmann's ignore_comments)."""
    out = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end  # keep the newline: line numbers stay right
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError("unterminated /* comment")
            out.append("".join(ch for ch in text[i:end + 2] if ch == "\n"))
            i = end + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_jsonc(path):
    return json.loads(strip_comments(pathlib.Path(path).read_text(encoding="utf-8")))


def describe(error):
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}"


def check_strip_comments(failures):
    cases = [
        ('{"a": "x // not a comment"} // comment', {"a": "x // not a comment"}),
        ('{"a": "/* not */", /* yes */ "b": 1}', {"a": "/* not */", "b": 1}),
        ('{"a": "quote \\" // still string"}', {"a": 'quote " // still string'}),
        ('{"a": "back\\\\"} // c', {"a": "back\\"}),
        ('/* multi\nline */ {"u": "http://x"}', {"u": "http://x"}),
    ]
    for text, expected in cases:
        got = json.loads(strip_comments(text))
        if got != expected:
            failures.append(f"strip_comments({text!r}) = {got!r}, expected {expected!r}")


def schema_paths(schema, node, path, consts, seen_refs=()):
    """Yields (path, consts) for every key in `properties`, through $ref, oneOf/anyOf, items and
    additionalProperties. A path is a list of ("key", name) / ("item",) / ("any",) steps;
    consts maps a path length to the "type" an object there needs for the loader to read the
    branch (executors, distributions)."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen_refs:
            return
        target = schema
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        yield from schema_paths(schema, target, path, consts, seen_refs + (ref,))
    const = node.get("properties", {}).get("type", {}).get("const")
    if const is not None:
        consts = dict(consts, **{str(len(path)): const})
    for name, sub in node.get("properties", {}).items():
        step = path + [("key", name)]
        yield step, consts
        yield from schema_paths(schema, sub, step, consts, seen_refs)
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        yield from schema_paths(schema, branch, path, consts, seen_refs)
    if isinstance(node.get("items"), dict):
        yield from schema_paths(schema, node["items"], path + [("item",)], consts, seen_refs)
    if isinstance(node.get("additionalProperties"), dict):
        yield from schema_paths(schema, node["additionalProperties"], path + [("any",)], consts,
                                seen_refs)


def document_with(path, consts):
    """A scenario without agents (so loading fails before any run) holding `path` = null, with
    the "type" of each branching object on the way set as `consts` says."""
    doc = {"name": "schema-key-check"}
    node = doc
    parent_name = ""
    for i, step in enumerate(path):
        if str(i) in consts and isinstance(node, dict):
            node.setdefault("type", consts[str(i)])
        last = i == len(path) - 1
        if step[0] == "item":
            node.append({})
            node = node[-1]
            continue
        # A map's key: thresholds need a real metric to be read further.
        name = step[1] if step[0] == "key" else ("turns" if parent_name == "thresholds"
                                                 else "key0")
        if last:
            if name != "type" or name not in node:
                node[name] = None
            return doc
        nxt = path[i + 1]
        node = node.setdefault(name, [] if nxt[0] == "item" else {})
        parent_name = name
    return doc


def check_loader_accepts(schema, agentsim, failures):
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        scenario = pathlib.Path(tmp) / "scenario.json"
        report = pathlib.Path(tmp) / "report.db"
        seen = set()
        for path, consts in schema_paths(schema, schema, [], {}):
            key = json.dumps([path, consts])
            if key in seen:
                continue
            seen.add(key)
            doc = document_with(path, consts)
            leaf = path[-1][1]
            if path == [("key", "$schema")]:
                doc["$schema"] = 0  # null might be read as absent; a number never is valid
            scenario.write_text(json.dumps(doc), encoding="utf-8")
            run = subprocess.run([agentsim, "run", str(scenario), "--report", str(report)],
                                 capture_output=True, text=True, timeout=60)
            checked += 1
            shown = "/".join(s[1] if s[0] == "key" else ("0" if s[0] == "item" else "*")
                             for s in path)
            if run.returncode != 2:
                failures.append(f"loader check {shown}: expected exit 2 (no agents), got "
                                f"{run.returncode}")
            if f"unknown key '{leaf}'" in run.stderr:
                line = next(l for l in run.stderr.splitlines() if f"unknown key '{leaf}'" in l)
                failures.append(f"schema key {shown} is refused by the loader: {line}")
    return checked


def misspelt_cases(default):
    """(description, misspelt word, document): each must fail the schema and the loader."""
    cases = []
    d = copy.deepcopy(default)
    d["workload"]["sesions"] = d["workload"].pop("sessions")
    cases.append(("workload.sesions", "sesions", d))
    d = copy.deepcopy(default)
    d["backends"]["llm"]["ttft_msec"] = d["backends"]["llm"].pop("ttft_ms")
    cases.append(("backends.llm.ttft_msec", "ttft_msec", d))
    d = copy.deepcopy(default)
    d["threshold"] = {"turns": ["count>0"]}
    cases.append(("threshold (for thresholds)", "threshold", d))
    d = copy.deepcopy(default)
    d["thresholds"] = {"time_to_first_audio": ["p(95)<1500"]}
    cases.append(("thresholds metric time_to_first_audio", "time_to_first_audio", d))
    d = copy.deepcopy(default)
    d["thresholds"] = {"turns": [{"threshold": "count>0", "abortOnfail": True}]}
    cases.append(("thresholds abortOnfail", "abortOnfail", d))
    d = copy.deepcopy(default)
    d["workload"]["think_time_ms"] = {"median": 1200, "p59": 4000}
    cases.append(("think_time_ms.p59", "p59", d))
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--agentsim")
    args = parser.parse_args()
    root = pathlib.Path(args.root)
    try:
        import jsonschema
    except ImportError:
        message = ("scenario_schema: python3 module jsonschema missing "
                   "(apt-get install python3-jsonschema)")
        if os.environ.get("CI"):
            print(message + "; CI must have it (scripts/setup.sh installs it)", file=sys.stderr)
            return 1
        print(message + "; SKIPPED", file=sys.stderr)
        return SKIP

    failures = []
    check_strip_comments(failures)
    schema = json.loads((root / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    scenarios = sorted((root / "scenarios").glob("*.json"))
    if not scenarios:
        failures.append("no scenarios found in scenarios/")
    for path in scenarios:
        try:
            doc = load_jsonc(path)
        except (ValueError, json.JSONDecodeError) as e:
            failures.append(f"{path.name}: cannot parse: {e}")
            continue
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            failures.append(f"{path.name}: {describe(error)}")

    default = load_jsonc(root / "scenarios" / "default.json")
    with_schema = dict(default, **{"$schema": "../docs/scenario.schema.json"})
    for error in validator.iter_errors(with_schema):
        failures.append(f"default.json with $schema: {describe(error)}")
    for name, _, doc in misspelt_cases(default):
        if validator.is_valid(doc):
            failures.append(f"misspelt key {name}: the schema accepts it")

    checked = 0
    if args.agentsim:
        checked = check_loader_accepts(schema, args.agentsim, failures)
        # The loader refuses the misspelt keys too (without agents: it never runs).
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "misspelt.json"
            for name, token, doc in misspelt_cases(default):
                bad = {k: v for k, v in doc.items() if k != "agents"}
                path.write_text(json.dumps(bad), encoding="utf-8")
                run = subprocess.run([args.agentsim, "run", str(path), "--report",
                                      str(pathlib.Path(tmp) / "r.db")],
                                     capture_output=True, text=True, timeout=60)
                if run.returncode != 2 or f"'{token}'" not in run.stderr:
                    failures.append(f"misspelt key {name}: the loader does not name '{token}' "
                                    f"(exit {run.returncode})")

    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    print(f"scenario_schema: {len(scenarios)} scenarios, {len(misspelt_cases(default))} "
          f"misspelt cases, {checked} schema keys checked against the loader; "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

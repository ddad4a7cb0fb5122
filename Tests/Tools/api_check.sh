#!/usr/bin/env bash
# Checks podpisd's localhost API against its contract, Sources/podpisd/openapi.yaml.
#
#   Tests/Tools/api_check.sh validate [SPEC]
#       The spec is valid OpenAPI 3.1 (openapi-spec-validator), and keeps
#       Podpis's own rules: every response declares X-Request-Id; every
#       operation has a `default` problem response; every error response is
#       application/problem+json only; the problem codes of the responses and
#       of the ProblemCode table agree; every example matches its schema;
#       docs/openapi.yaml is the same file, and the JSON examples of
#       docs/protocol.md match the schemas (json blocks, problems, events,
#       and the batch API's answers and events in plain blocks, told by
#       their shape). Exit 0 valid, 1 not.
#
#   Tests/Tools/api_check.sh fuzz BASE_URL [MAX_EXAMPLES]
#       schemathesis against a live daemon on loopback TCP (BASE_URL such as
#       http://127.0.0.1:35900), at most MAX_EXAMPLES generated cases per
#       operation and phase (default 20). Checks: no 5xx (except 502 tsa-failed
#       and 503 no-agent from POST /v1/sign) and responses that match the
#       spec's schemas. Left out: GET /v1/events (never ends) and the agent's
#       POST /v1/agent/requests/{id}. Exit 0 when nothing failed, 1 otherwise.
#
#       POST /v1/sign is fuzzed (raw and JSON forms): run it against a test
#       daemon with NO agent connected, or clerks get consent requests, and
#       with `agent_timeout_seconds` below API_CHECK_REQUEST_TIMEOUT (e.g. 2),
#       or every signing case waits for the agent until the client gives up.
#
# Both print one summary line last (`api_check validate: OK …`).
#
# Needs testbed/install-deps.sh (openapi-spec-validator and schemathesis, pinned,
# in .testbed/py-api). Environment:
#   PODPIS_API_PYDIR           where they are (default <repo>/.testbed/py-api)
#   PODPIS_PYTHON              the interpreter (default /usr/bin/python3)
#   API_CHECK_SPEC             the spec to fuzz with (default Sources/podpisd/openapi.yaml)
#   API_CHECK_REQUEST_TIMEOUT  seconds per request when fuzzing (default 30)
#   API_CHECK_SKIP_SIGN=1      leave POST /v1/sign out of fuzzing
#   API_CHECK_SEED             schemathesis seed, to repeat a run
#   API_CHECK_HEADERS          headers for every case, one "Name: value" per line
#                              (Origin + Authorization: Bearer of a paired page)
#   API_CHECK_REPORT_DIR       keep schemathesis' log and JSON report there
set -euo pipefail

TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$TOOLS/../.." && pwd)"
SPEC_DEFAULT="$REPO/Sources/podpisd/openapi.yaml"
PYDIR="${PODPIS_API_PYDIR:-$REPO/.testbed/py-api}"
PY="${PODPIS_PYTHON:-/usr/bin/python3}"

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

need_tools() {
    [ -x "$PY" ] || { echo "api_check: $PY not found (set PODPIS_PYTHON)" >&2; exit 1; }
    PYTHONPATH="$PYDIR" "$PY" -c 'import openapi_spec_validator, schemathesis, yaml, jsonschema, referencing' 2>/dev/null || {
        echo "api_check: openapi-spec-validator/schemathesis not importable from $PYDIR: run testbed/install-deps.sh" >&2
        exit 1
    }
}

cmd_validate() {
    local spec="${1:-$SPEC_DEFAULT}"
    [ -f "$spec" ] || { echo "api_check validate: FAILED: no file $spec"; exit 1; }
    need_tools
    local out rc=0
    out="$(PYTHONPATH="$PYDIR" "$PY" -m openapi_spec_validator "$spec" 2>&1)" || rc=$?
    if [ "$rc" -ne 0 ]; then
        printf '%s\n' "$out" | cut -c1-400 | head -n 40
        echo "api_check validate: FAILED: $spec is not valid OpenAPI (openapi-spec-validator)"
        exit 1
    fi
    PYTHONPATH="$PYDIR" "$PY" - "$spec" "$REPO/docs/openapi.yaml" "$SPEC_DEFAULT" <<'PYEOF'
"""Podpis's own rules on top of the OpenAPI schema."""
import json, os, re, sys
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

spec_path, docs_link, canonical = sys.argv[1], sys.argv[2], sys.argv[3]
with open(spec_path, encoding="utf-8") as f:
    spec = yaml.safe_load(f)
BASE = "urn:podpis:openapi"
registry = Registry().with_resource(BASE, Resource.from_contents(spec, default_specification=DRAFT202012))
problems = []
examples_checked = 0


def esc(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts):
    return "#/" + "/".join(esc(p) for p in parts) if parts else "#"


def resolve(node):
    """Follows local $refs (#/components/…) of OpenAPI objects."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def check_example(schema_parts, value, where):
    global examples_checked
    examples_checked += 1
    validator = Draft202012Validator({"$ref": BASE + pointer(schema_parts)}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in validator.iter_errors(value):
        path = "/".join(str(p) for p in error.absolute_path)
        problems.append(f"{where}: example does not match its schema at '{path}': {error.message[:200]}")


METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
operations = 0
for path, item in spec.get("paths", {}).items():
    item_params = item.get("parameters", [])
    for method in METHODS:
        if method not in item:
            continue
        operations += 1
        op = item[method]
        label = f"{method.upper()} {path}"
        responses = op.get("responses", {})
        if "default" not in responses:
            problems.append(f"{label}: no `default` response (every error must be a problem)")
        for status, ref in responses.items():
            response = resolve(ref)
            headers = response.get("headers", {})
            rid = resolve(headers.get("X-Request-Id", {}))
            if not rid.get("required"):
                problems.append(f"{label} {status}: X-Request-Id is not declared as a required header")
            if status == "default" or status[0] in "45":
                types = sorted(response.get("content", {}))
                if types != ["application/problem+json"]:
                    problems.append(f"{label} {status}: an error must be application/problem+json only, not {types}")
        for index, param in enumerate(item_params + op.get("parameters", [])):
            p = resolve(param)
            if "example" in p and "schema" in p:
                parts = (["paths", path, method, "parameters", index] if index >= len(item_params) else
                         ["paths", path, "parameters", index])
                if "$ref" in param:
                    parts = param["$ref"].removeprefix("#/").split("/")
                check_example(parts + ["schema"], p["example"], f"{label} parameter {p['name']}")
        body = op.get("requestBody", {})
        for media, content in resolve(body).get("content", {}).items():
            base = ["paths", path, method, "requestBody", "content", media]
            if "example" in content:
                check_example(base + ["schema"], content["example"], f"{label} request {media}")
            for name, ex in content.get("examples", {}).items():
                check_example(base + ["schema"], resolve(ex).get("value"), f"{label} request {media} example {name}")
        for status, ref in responses.items():
            if "$ref" in ref:
                continue
            for media, content in ref.get("content", {}).items():
                base = ["paths", path, method, "responses", status, "content", media]
                if "example" in content:
                    check_example(base + ["schema"], content["example"], f"{label} {status} {media}")
                for name, ex in content.get("examples", {}).items():
                    check_example(base + ["schema"], resolve(ex).get("value"), f"{label} {status} {media} example {name}")


def walk_schema_examples(node, parts):
    """`examples` arrays of every schema under components/schemas."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list):
            for value in node["examples"]:
                check_example(parts, value, pointer(parts))
        for key, child in node.items():
            if key not in ("examples", "enum", "const", "required"):
                walk_schema_examples(child, parts + [key])
    elif isinstance(node, list):
        for index, child in enumerate(node):
            walk_schema_examples(child, parts + [index])


walk_schema_examples(spec.get("components", {}).get("schemas", {}), ["components", "schemas"])

# ProblemCode: the enum, the table in its description and the responses agree.
problem_code = spec["components"]["schemas"]["ProblemCode"]
codes = problem_code["enum"]
table = {m.group(1): int(m.group(2))
         for m in re.finditer(r"^\|\s*`([a-z-]+)`\s*\|\s*(\d{3})\s*\|", problem_code.get("description", ""), re.M)}
if sorted(table) != sorted(codes):
    problems.append(f"ProblemCode: table and enum differ: {sorted(set(table) ^ set(codes))}")
for name, response in spec["components"].get("responses", {}).items():
    schema = response.get("content", {}).get("application/problem+json", {}).get("schema", {})
    for part in schema.get("allOf", []):
        props = part.get("properties", {})
        status = props.get("status", {}).get("const")
        listed = props.get("code", {}).get("enum") or ([props["code"]["const"]] if "const" in props.get("code", {}) else [])
        for code in listed:
            if code not in codes:
                problems.append(f"responses/{name}: code {code} is not in ProblemCode")
            elif status is not None and table.get(code) != status:
                problems.append(f"responses/{name}: code {code} has status {table.get(code)} in ProblemCode, {status} here")

# docs/openapi.yaml is a link to the canonical spec, and the examples of
# docs/protocol.md match it (checked when the canonical spec is validated).
if os.path.realpath(spec_path) == os.path.realpath(canonical):
    if not (os.path.islink(docs_link) and os.path.exists(docs_link) and os.path.samefile(docs_link, spec_path)):
        problems.append(f"{docs_link} is not a symbolic link to {canonical}")
    guide = os.path.join(os.path.dirname(docs_link), "protocol.md")
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    shapes = {"podpis.readers/1": "ReaderList", "podpis.tokens/1": "TokenList", "podpis.certs/1": "CertificateList"}
    samples = []  # (schema name, JSON text, where)
    for block in re.findall(r"```json\n(.*?)```", text, re.S):
        samples.append((None, block, "json block"))
    for m in re.finditer(r"\n\n(\{\"type\":\"urn:podpis:problem:.*?\})\n```", text, re.S):
        samples.append(("Problem", m.group(1), "problem example"))
    for m in re.finditer(r"^event: ([a-z-]+)\n(?:id: \d+\n)?data: (.*)$", text, re.M):
        samples.append(({"consent": "ConsentRequest", "withdrawn": "ConsentWithdrawn"}.get(m.group(1), "event:" + m.group(1)),
                        m.group(2), f"event {m.group(1)}"))
    # The batch API's answers and events: whole JSON lines in plain blocks
    # (after HTTP headers, or as sed prints an event's data), told by shape.
    def batch_shape(value):
        if not isinstance(value, dict):
            return None
        by_schema = {"podpis.batch-upload/1": "BatchUpload", "podpis.batch-documents/1": "BatchDocumentList",
                     "podpis.batches/1": "BatchList"}
        if value.get("schema") in by_schema:
            return by_schema[value["schema"]]
        if {"profile", "owner", "state", "total"} <= value.keys():
            return "BatchStatus"
        if {"document", "total", "sealed"} <= value.keys():
            return "BatchDocumentEvent"
        if {"name", "sha256", "size", "state"} <= value.keys():
            return "BatchDocument"
        return None
    fence = None  # the language of the open code block, "" for a plain one
    for line in text.split("\n"):
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
            continue
        if fence == "":
            line = line.strip()
            if not (line.startswith("{") and line.endswith("}")):
                continue
            try:
                value = json.loads(line)
            except ValueError:
                continue
            shape = batch_shape(value)
            if shape:
                samples.append((shape, line, "batch example"))
    for name, raw, where in samples:
        try:
            value = json.loads(raw)
        except ValueError as e:
            problems.append(f"{guide}: {where}: not JSON ({e}): {raw[:60]!r}")
            continue
        if name is None:
            name = (shapes.get(value.get("schema")) or ("Status" if "service" in value else None)
                    or ("SignResult" if "signatures" in value else None))
        elif name.startswith("event:"):
            name = ("ReaderEventData" if "reader" in value else "TokenEventData" if "serial" in value
                    else "RequestEventData" if "requestId" in value else None)
        if name is None:
            if value:
                problems.append(f"{guide}: {where}: no schema known for {raw[:60]!r}")
            continue
        check_example(["components", "schemas", name], value, f"{guide}: {where} ({name})")

for problem in problems:
    print(problem)
name = spec_path
if problems:
    print(f"api_check validate: FAILED: {name}: {len(problems)} problem(s)")
    sys.exit(1)
print(f"api_check validate: OK: {name} (OpenAPI {spec['openapi']}, {len(spec['paths'])} paths, "
      f"{operations} operations, {len(codes)} problem codes, {examples_checked} examples checked)")
PYEOF
}

cmd_fuzz() {
    local base_url="${1:-}" max_examples="${2:-20}"
    [ -n "$base_url" ] || usage
    case "$max_examples" in ''|*[!0-9]*|0) echo "api_check fuzz: MAX_EXAMPLES must be a positive integer" >&2; exit 2 ;; esac
    base_url="${base_url%/}"
    # Loopback only: this sends hundreds of hostile requests.
    case "$base_url" in
        http://127.*|http://localhost:*|http://localhost|http://\[::1\]*) ;;
        *) echo "api_check fuzz: BASE_URL must be a loopback http URL (http://127.0.0.1:PORT, http://[::1]:PORT, http://localhost:PORT)" >&2; exit 2 ;;
    esac
    local spec="${API_CHECK_SPEC:-$SPEC_DEFAULT}"
    [ -f "$spec" ] || { echo "api_check fuzz: FAILED: no file $spec"; exit 1; }
    spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"
    local timeout="${API_CHECK_REQUEST_TIMEOUT:-30}"
    need_tools

    # Is anybody there? A clear message beats a wall of connection errors.
    if ! "$PY" - "$base_url/v1/status" "$timeout" <<'PYEOF'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).close()
except urllib.error.HTTPError:
    pass  # it answered: the fuzzing judges the answer
except Exception as e:  # noqa: BLE001
    sys.exit(f"api_check fuzz: no server at {sys.argv[1]}: {e}")
PYEOF
    then
        echo "api_check fuzz: FAILED: $base_url is not answering"
        exit 1
    fi

    local work keep="${API_CHECK_REPORT_DIR:-}"
    work="$(mktemp -d)"
    # shellcheck disable=SC2064  # expand now: $work is local
    trap "rm -rf '$work'" EXIT
    # 502 tsa-failed and 503 no-agent are answers of POST /v1/sign, not crashes.
    cat > "$work/schemathesis.toml" <<'TOML'
[[operations]]
include-operation-id = "sign"
checks.not_a_server_error.expected-statuses = ["2XX", "3XX", "4XX", 502, 503]

[[operations]]
include-operation-id = "pair"
checks.not_a_server_error.expected-statuses = ["2XX", "3XX", "4XX", 503]
TOML
    # Tar uploads (POST /v1/batches/{id}/documents) are bytes like any binary body.
    cat > "$work/podpis_hooks.py" <<'PY'
import schemathesis
schemathesis.serializer.alias("application/x-tar", "application/octet-stream")
PY
    local args=(
        --config-file "$work/schemathesis.toml" run "$spec" --url "$base_url"
        --checks "not_a_server_error,response_schema_conformance"
        --max-examples "$max_examples" --phases "examples,coverage,fuzzing"
        --exclude-operation-id events --exclude-operation-id agentDecide
        --workers 1 --request-timeout "$timeout" --generation-database none
        --no-color --warnings off --report json --report-json-path "$work/report.json"
    )
    [ "${API_CHECK_SKIP_SIGN:-0}" != 1 ] || args+=(--exclude-operation-id sign)
    [ -z "${API_CHECK_SEED:-}" ] || args+=(--seed "$API_CHECK_SEED")
    # Headers sent with every case (one "Name: value" per line), e.g. an
    # allowed Origin and its pairing token, so that state-changing calls get
    # past the pairing check and are fuzzed for real.
    local header
    while IFS= read -r header; do
        [ -z "$header" ] || args+=(-H "$header")
    done <<< "${API_CHECK_HEADERS:-}"

    local rc=0
    # From the scratch directory: schemathesis and hypothesis leave caches
    # (.schemathesis/, .hypothesis/) in the working directory.
    (cd "$work" && SCHEMATHESIS_HOOKS="$work/podpis_hooks.py" PYTHONPATH="$PYDIR" "$PY" -m schemathesis.cli "${args[@]}" </dev/null >"$work/schemathesis.log" 2>&1) || rc=$?
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        cp "$work/schemathesis.log" "$work/schemathesis.toml" "$keep/"
        [ ! -f "$work/report.json" ] || cp "$work/report.json" "$keep/"
    fi
    # The failures and errors as schemathesis tells them (with curl lines to
    # reproduce), then one summary line.
    if [ "$rc" -ne 0 ]; then
        awk '/^=+ (FAILURES|ERRORS) =+$/ { on = 1 } /^=+ SUMMARY =+$/ { on = 0 } on' "$work/schemathesis.log" | head -n 200 >&2
        grep -q '^=\+ \(FAILURES\|ERRORS\) =\+$' "$work/schemathesis.log" || tail -n 40 "$work/schemathesis.log" >&2
    fi
    "$PY" - "$work/report.json" "$base_url" "$rc" <<'PYEOF'
import json, sys
report_path, base_url, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    with open(report_path, encoding="utf-8") as f:
        r = json.load(f)
except (OSError, ValueError):
    print(f"api_check fuzz: FAILED: {base_url}: schemathesis exited {rc} without a report")
    sys.exit(1)
ops, cases = r["operations"], r["test_cases"]
failures = r.get("failures", [])
errors = r.get("errors", [])
nfail = sum(f.get("count", 1) for f in failures)
what = "; ".join(f"{f['code']} {f['title']} x{f.get('count', 1)}: " + ", ".join(f.get("operations", [])[:4])
                 + (" …" if len(f.get("operations", [])) > 4 else "") for f in failures)
if errors:
    what += ("; " if what else "") + f"{len(errors)} error(s)"
line = (f"{base_url}: {ops['tested']} operations, {cases['generated']} test cases, {nfail} failures, "
        f"{len(errors)} errors (seed {r.get('seed')})")
if rc != 0 or failures or errors or not r.get("complete", False):
    print(f"api_check fuzz: FAILED: {line}" + (f" — {what}" if what else ""))
    sys.exit(1)
print(f"api_check fuzz: OK: {line}")
PYEOF
}

case "${1:-}" in
    validate) shift; [ "$#" -le 1 ] || usage; cmd_validate "$@" ;;
    fuzz) shift; if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then usage; fi; cmd_fuzz "$@" ;;
    -h|--help|help|'') usage ;;
    *) usage ;;
esac

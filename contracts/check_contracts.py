#!/usr/bin/env python3
"""Holds Omni's code to its contracts (`asyncapi.yaml`, `openapi.yaml`).

    check_contracts.py --static            the code defines what the contracts say: ce_types,
                                           payload structs, handlers and emitters per topic,
                                           HTTP routes and response structs (no build needed)
    check_contracts.py --self-test         the checker itself refuses bad samples
    check_contracts.py --recorded FILE     what the integration tests saw on the wire (JSON
                                           lines, `OMNI_CONTRACT_RECORD`) is what the contracts say

Exit status 1 on any violation. Needs PyYAML and jsonschema (Debian's python3-yaml and
python3-jsonschema, 4.10 or later).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import math
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from swift_source import HTTP_SERVERS, SERVICES, CodeBase, _split_top, read_code_base  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ("asyncapi.yaml", "openapi.yaml")
INT64 = (-(2**63), 2**63 - 1)
ENVELOPE_CODES = {"missing-header", "invalid-header", "unsupported-specversion", "unsupported-content-type"}
DECODING_CODES = ENVELOPE_CODES | {"undecodable-data", "unknown-type"}
NULL = {"type": "null"}


# =========================================================================== the contracts

def _ref_name(ref: str, where: str) -> str:
    m = re.fullmatch(r"(?:\./)?(?:(asyncapi|openapi)\.yaml)?#/components/schemas/([A-Za-z0-9_.\-]+)", ref)
    if not m:
        raise ContractError(f"{where}: unsupported $ref {ref!r}")
    return m.group(2)


class ContractError(Exception):
    pass


@dataclass
class Message:
    key: str                  # component key, e.g. `orders.PlaceOrder`
    ce_type: str | None       # None for DeadLetter
    headers: dict
    payload_schema: dict | None
    payload_name: str | None  # the schema the payload refers to
    kind: str                 # command, event, dead-letter


@dataclass
class Route:
    services: list[str]
    method: str
    template: str
    operation: dict
    parameters: dict[str, dict]       # query parameter name -> parameter object
    segments: list[str] = field(default_factory=list)
    # Object parameters (`style: form`, exploded): their properties are query keys of their
    # own, and together they must match the object's schema (a `oneOf` says "exactly one of").
    groups: list[dict] = field(default_factory=list)


class Contracts:
    def __init__(self, folder: Path = HERE):
        self.folder = folder
        self.asyncapi = yaml.safe_load((folder / "asyncapi.yaml").read_text(encoding="utf-8"))
        self.openapi = yaml.safe_load((folder / "openapi.yaml").read_text(encoding="utf-8"))
        # Every schema of both documents in one namespace, refs made local (`#/$defs/Name`).
        self.defs: dict[str, dict] = {}
        self.origin: dict[str, str] = {}
        for doc_name, doc in (("asyncapi.yaml", self.asyncapi), ("openapi.yaml", self.openapi)):
            for name, schema in (doc.get("components", {}).get("schemas") or {}).items():
                if name in self.defs:
                    raise ContractError(f"schema {name} is defined in both {self.origin[name]} and {doc_name}")
                self.defs[name] = self._localise(schema, f"{doc_name} {name}")
                self.origin[name] = doc_name
        for name, schema in self.defs.items():
            for ref in _refs(schema):
                if ref not in self.defs:
                    raise ContractError(f"schema {name} refers to {ref}, which neither document defines")
        self.strict_defs = _strict(self.defs)
        self.format_checker = jsonschema.FormatChecker(formats=())
        self.format_checker.checks("int64")(_int64)
        self._validators: dict[tuple[str, bool], jsonschema.protocols.Validator] = {}

        # Messages and the channels (topics) that carry them.
        self.messages: dict[str, Message] = {}
        for key, message in self.asyncapi["components"]["messages"].items():
            headers = self._localise(message.get("headers") or {}, f"message {key} headers")
            payload = message.get("payload")
            payload_name = _ref_name(payload["$ref"], f"message {key}") if isinstance(payload, dict) and "$ref" in payload else None
            ce_type = _const_ce_type(message.get("headers") or {})
            kind = "dead-letter" if ce_type is None else ("event" if "EventHeaders" in json.dumps(headers) else "command")
            self.messages[key] = Message(key, ce_type, headers, self._localise(payload, key) if payload_name else None, payload_name, kind)
        self.channels: dict[str, dict[str, Message]] = {}      # topic -> ce_type (or DeadLetter) -> message
        self.channel_ids: dict[str, str] = {}                   # channel id -> topic
        for channel_id, channel in self.asyncapi["channels"].items():
            topic = channel["address"]
            self.channel_ids[channel_id] = topic
            by_type = {}
            for name, ref in channel.get("messages", {}).items():
                key = ref["$ref"].split("/")[-1]
                if key not in self.messages:
                    raise ContractError(f"channel {channel_id} lists {ref['$ref']}, which is not a message")
                by_type[self.messages[key].ce_type or "DeadLetter"] = self.messages[key]
            self.channels[topic] = by_type
        self.type_topics: dict[str, list[str]] = defaultdict(list)
        for topic, by_type in self.channels.items():
            for ce_type in by_type:
                if ce_type != "DeadLetter":
                    self.type_topics[ce_type].append(topic)

        # Routes.
        self.routes: list[Route] = []
        for template, item in self.openapi["paths"].items():
            shared = item.get("parameters", [])
            for method in ("get", "post", "put", "patch", "delete", "head"):
                if method not in item:
                    continue
                operation = item[method]
                params, groups = {}, []
                for p in shared + operation.get("parameters", []):
                    p = self._parameter(p)
                    if p["in"] != "query":
                        continue
                    members = _object_members(p.get("schema", {}))
                    if members is None:
                        params[p["name"]] = p
                    else:
                        groups.append(p)
                        for name, schema in members.items():
                            params[name] = {"name": name, "in": "query", "schema": schema, "x-group": p["name"]}
                self.routes.append(Route(operation.get("tags", []), method.upper(), template, operation, params, template.strip("/").split("/"), groups))

    # ------------------------------------------------------------------ schema plumbing
    def _localise(self, schema, where: str):
        def walk(node):
            if isinstance(node, dict):
                out = {}
                for k, v in node.items():
                    if k == "$ref" and isinstance(v, str):
                        out[k] = "#/$defs/" + _ref_name(v, where)
                    elif k.startswith("x-"):
                        continue
                    else:
                        out[k] = walk(v)
                return out
            if isinstance(node, list):
                return [walk(v) for v in node]
            return node
        return walk(schema)

    def _parameter(self, p: dict) -> dict:
        if "$ref" in p:
            return self.openapi["components"]["parameters"][p["$ref"].split("/")[-1]]
        return p

    def _response(self, r: dict) -> dict:
        if "$ref" in r:
            return self.openapi["components"]["responses"][r["$ref"].split("/")[-1]]
        return r

    def validator(self, schema: dict, strict: bool = False):
        """A validator of `schema` (refs into `#/$defs`). `strict`: no field the schema does
        not name (what the services write; readers ignore unknown fields)."""
        key = (json.dumps(schema, sort_keys=True), strict)
        if key not in self._validators:
            root = dict(schema)
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            root["$defs"] = self.strict_defs if strict else self.defs
            self._validators[key] = jsonschema.Draft202012Validator(root, format_checker=self.format_checker)
        return self._validators[key]

    def errors(self, schema: dict, instance, strict: bool = False) -> list[str]:
        problems = []
        for error in sorted(self.validator(schema, strict).iter_errors(instance), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"{path}: {_short(error.message)}")
        if strict:
            problems += [f"{p}: null (the services leave out a field with no value)" for p in _nulls(instance)]
        return problems

    # ------------------------------------------------------------------ lookups
    def route(self, service: str, method: str, path: str) -> tuple[Route | None, bool]:
        """The route of `service` serving `path` and whether the path exists for another method."""
        segments = path.strip("/").split("/")
        best, best_score, path_known = None, -1, False
        for route in self.routes:
            if service not in route.services or len(route.segments) != len(segments):
                continue
            score = 0
            for pattern, segment in zip(route.segments, segments):
                if pattern.startswith("{") and pattern.endswith("}"):
                    if not segment:
                        break
                elif pattern == segment:
                    score += 1
                else:
                    break
            else:
                path_known = True
                if route.method == method and score > best_score:
                    best, best_score = route, score
        return best, path_known


def _object_members(schema: dict) -> dict | None:
    """The properties of an object parameter's schema, or None when it is not an object."""
    return dict(schema.get("properties", {})) if schema.get("type") == "object" else None


def _const_ce_type(headers: dict) -> str | None:
    for part in headers.get("allOf", []):
        const = part.get("properties", {}).get("ce_type", {}).get("const")
        if const:
            return const
    return None


def _refs(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                found.append(v.split("/")[-1])
            else:
                found += _refs(v)
    elif isinstance(node, list):
        for v in node:
            found += _refs(v)
    return found


def _strict(defs: dict) -> dict:
    strict = copy.deepcopy(defs)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(strict)
    return strict


def _int64(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return INT64[0] <= value <= INT64[1]


def _walk(node):
    """(path, value) for every value in a JSON document, without recursion (documents can be
    nested hundreds deep)."""
    stack = [("", node, 1)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            stack += [(f"{path}/{k}" if path else str(k), v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(f"{path}/{i}" if path else str(i), v, depth + 1) for i, v in enumerate(value)]


def _nulls(node) -> list[str]:
    return sorted(path or "(root)" for path, value, _ in _walk(node) if value is None)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class Unparseable(Exception):
    pass


def parse_json(raw: bytes):
    """JSON as Swift's JSONDecoder reads it: UTF-8, an optional BOM, no NaN or infinity,
    no number out of a Double's range, no lone surrogate."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unparseable(f"not UTF-8: {error}")
    if text.startswith("\ufeff"):
        text = text[1:]

    def constant(name):
        raise Unparseable(f"{name} is not JSON")

    def finite(text):
        value = float(text)
        if math.isinf(value):
            raise Unparseable(f"{text} is out of a Double's range")
        return value
    try:
        value = json.loads(text, parse_constant=constant, parse_float=finite)
    except RecursionError:
        raise Unparseable("nested too deeply")
    except ValueError as error:
        raise Unparseable(str(error))
    for path, node, depth in _walk(value):
        if depth > 512:
            raise Unparseable("nested deeper than 512 levels")
        texts = [node] if isinstance(node, str) else list(node) if isinstance(node, dict) else []
        if any(0xD800 <= ord(ch) <= 0xDFFF for text in texts for ch in text):
            raise Unparseable(f"{path or '(root)'}: a lone UTF-16 surrogate")
    return value


# =========================================================================== static check

class Report:
    def __init__(self, title: str):
        self.title = title
        self.problems: list[str] = []

    def add(self, text: str) -> None:
        self.problems.append(text)

    def print(self, limit: int = 60) -> None:
        for text in self.problems[:limit]:
            print(f"  ✗ {text}")
        if len(self.problems) > limit:
            print(f"  … and {len(self.problems) - limit} more")


SCALARS = {"String": "string", "Int": "integer", "Int64": "integer", "Int32": "integer", "UInt": "integer",
           "Double": "number", "Float": "number", "Bool": "boolean"}


def _nullable_core(schema: dict) -> tuple[bool, dict | None]:
    """Whether `schema` takes null, and what it is otherwise."""
    if "anyOf" in schema:
        others = [b for b in schema["anyOf"] if b != NULL]
        return len(others) < len(schema["anyOf"]), (others[0] if len(others) == 1 else None)
    types = schema.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        core = dict(schema)
        core["type"] = rest[0] if len(rest) == 1 else rest
        return "null" in types, core
    return False, schema


def compare_value(c: Contracts, code: CodeBase, schema: dict, swift_type: str, scope: str, where: str, report: Report) -> None:
    t = swift_type.strip()
    optional = t.endswith("?")
    if optional:
        t = t[:-1].strip()
    nullable, core = _nullable_core(schema)
    if optional != nullable:
        report.add(f"{where}: Swift `{swift_type}` {'takes' if optional else 'never takes'} null, the schema {'does not' if optional else 'does'}")
    if core is None:
        report.add(f"{where}: cannot read the schema's type")
        return
    if t.startswith("[") and t.endswith("]"):
        parts = _split_top(t[1:-1], ":")
        if len(parts) == 2:
            if parts[0] != "String":
                report.add(f"{where}: `{t}`: only String-keyed dictionaries map to JSON objects")
            if core.get("type") != "object" or not isinstance(core.get("additionalProperties"), dict):
                report.add(f"{where}: Swift `{t}` is a JSON object of {parts[1]}, the schema says {_shape(core)}")
                return
            compare_value(c, code, core["additionalProperties"], parts[1], scope, where + "[*]", report)
        else:
            if core.get("type") != "array" or "items" not in core:
                report.add(f"{where}: Swift `{t}` is an array, the schema says {_shape(core)}")
                return
            compare_value(c, code, core["items"], parts[0], scope, where + "[]", report)
        return
    if t in SCALARS:
        if core.get("type") != SCALARS[t] or "$ref" in core:
            report.add(f"{where}: Swift `{t}` is a JSON {SCALARS[t]}, the schema says {_shape(core)}")
        elif SCALARS[t] == "integer" and core.get("format") not in ("int64", "int32"):
            report.add(f"{where}: Swift `{t}` is 64 bits: the schema needs `format: int64`")
        return
    if t == "Date":
        if core.get("$ref") != "#/$defs/Timestamp":
            report.add(f"{where}: Swift `Date` is a `Timestamp`, the schema says {_shape(core)}")
        return
    resolved = code.resolve(t, scope)
    if resolved is None:
        report.add(f"{where}: cannot find the Swift type `{t}`")
        return
    ref = core.get("$ref", "").split("/")[-1]
    if not ref or code.resolve(ref) != resolved:
        report.add(f"{where}: Swift `{t}` ({resolved}) should be `$ref: {resolved}`, the schema says {_shape(core)}")


def _shape(schema: dict) -> str:
    if "$ref" in schema:
        return "$ref " + schema["$ref"].split("/")[-1]
    return json.dumps({k: v for k, v in schema.items() if k in ("type", "items", "additionalProperties", "enum")})[:120]


def check_schemas_against_swift(c: Contracts, code: CodeBase, report: Report) -> int:
    """Every schema named after a Swift type has exactly its coded fields, optionality and types."""
    checked = 0
    for doc in (c.asyncapi, c.openapi):
        for name, raw in doc["components"]["schemas"].items():
            if raw.get("x-swift") in (False, "Date"):
                continue
            swift_name = code.resolve(name)
            t = code.types.get(swift_name) if swift_name else None
            if t is None:
                report.add(f"schema {name}: no Swift type of that name (mark it `x-swift: false` if it has none)")
                continue
            schema = c.defs[name]
            checked += 1
            if t.kind == "enum":
                if not t.string_enum:
                    report.add(f"schema {name}: {t.name} is not a String enum")
                    continue
                raws = sorted(r for _, r in t.cases)
                if schema.get("type") != "string" or sorted(schema.get("enum", [])) != raws:
                    report.add(f"schema {name}: the Swift enum's raw values are {raws}, the schema says {schema.get('enum')}")
                continue
            if not t.codable:
                report.add(f"schema {name}: {t.name} ({t.file}) is not Codable")
            coded = t.coded()
            props = schema.get("properties", {})
            if schema.get("type") != "object":
                report.add(f"schema {name}: a Swift struct is a JSON object")
            for missing in sorted(set(coded) - set(props)):
                report.add(f"schema {name}: lacks `{missing}` ({t.file}:{coded[missing].line})")
            for extra in sorted(set(props) - set(coded)):
                report.add(f"schema {name}: has `{extra}`, which {t.name} does not code")
            required = set(schema.get("required", []))
            for key in sorted(set(coded) & set(props)):
                p = coded[key]
                optional = p.type.strip().endswith("?")
                # A property the schema gives a default may be left out though Swift's is not
                # optional: its decoder supplies the default (`decodeIfPresent ... ??`).
                defaulted = not optional and key not in required and "default" in props[key]
                if defaulted and not re.search(rf"decodeIfPresent\([^\n]*forKey:\s*\.{re.escape(key)}\)\s*\?\?", (ROOT / t.file).read_text(encoding="utf-8")):
                    report.add(f"schema {name}.{key}: has a default, but {t.name} ({t.file}) does not decode `{key}` with `decodeIfPresent(...) ?? default`")
                if optional == (key in required) and not defaulted:
                    report.add(f"schema {name}.{key}: Swift `{p.type}` is {'optional' if optional else 'required'}, the schema says {'required' if key in required else 'optional'}")
                compare_value(c, code, props[key], p.type, t.name, f"schema {name}.{key}", report)
    return checked


def check_static(c: Contracts, code: CodeBase) -> tuple[Report, dict]:
    report = Report("static")
    # 1. ce_types: the constants of the Swift contracts are the messages of asyncapi.yaml.
    code_types = set(code.ce_types.values())
    contract_types = {m.ce_type for m in c.messages.values() if m.ce_type}
    for t in sorted(code_types - contract_types):
        report.add(f"{t} ({code.ce_type_files[t]}) is not a message of asyncapi.yaml")
    for t in sorted(contract_types - code_types):
        report.add(f"asyncapi.yaml has {t}, which no Services/*/Contracts/*Types.swift defines")
    dupes = [k for k, n in Counter(m.ce_type for m in c.messages.values() if m.ce_type).items() if n > 1]
    for t in dupes:
        report.add(f"asyncapi.yaml describes {t} twice")

    # 2. Channels: every topic of Topics.swift, each type on the topic of its service.
    expected_topics = [f"{s}.{k}" for s in SERVICES for k in ("commands", "events")] + ["channels.interactions"]
    for topic in expected_topics + [t + ".dlq" for t in expected_topics]:
        if topic not in c.channels:
            report.add(f"asyncapi.yaml has no channel for the topic {topic}")
    for topic in c.channels:
        if topic not in expected_topics and topic[:-4] not in expected_topics:
            report.add(f"asyncapi.yaml has a channel {topic}, which Topics.swift does not list")
    for topic, by_type in c.channels.items():
        for ce_type, message in by_type.items():
            if topic.endswith(".dlq"):
                if message.kind != "dead-letter":
                    report.add(f"{topic} carries {ce_type}: a dead-letter topic carries DeadLetter only")
                continue
            service = ce_type.split(".")[1]
            owner = topic.split(".")[0]
            if service != owner:
                report.add(f"{topic} carries {ce_type}, a type of {service}")
            if topic.endswith(".events") != (message.kind == "event"):
                report.add(f"{topic} carries {ce_type}, whose headers are those of a {message.kind}")
    for ce_type, topics in c.type_topics.items():
        if len(topics) != 1:
            report.add(f"{ce_type} is on {len(topics)} topics ({', '.join(topics)}); a type has one topic")

    # 3. Payloads: the struct each handler decodes and each emitter encodes is the message's payload.
    def payload_of(ce_type: str) -> str | None:
        for m in c.messages.values():
            if m.ce_type == ce_type:
                return m.payload_name
        return None

    def same_type(schema_name: str | None, swift: str) -> bool:
        return schema_name is not None and code.resolve(schema_name) == code.resolve(swift)

    for service in SERVICES:
        for ce_type, payload in code.commands[service].items():
            if not same_type(payload_of(ce_type), payload):
                report.add(f"{service} decodes {ce_type} as {payload}, asyncapi.yaml says {payload_of(ce_type)}")
        for ce_type, payload in list(code.emitted[service].items()) + list(code.sent_commands[service].items()):
            if payload and not same_type(payload_of(ce_type), payload):
                report.add(f"{service} writes {ce_type} as {payload}, asyncapi.yaml says {payload_of(ce_type)}")

    # 4. Who reads and writes what: the operations are the handlers and emitters.
    operations = dict(c.asyncapi.get("operations", {}))
    for name, op in list(operations.items()):
        channel_id = op.get("channel", {}).get("$ref", "").split("/")[-1]
        tags = [t["name"] for t in op.get("tags", [])]
        if channel_id not in c.channel_ids or op.get("action") not in ("send", "receive") or any(t not in SERVICES for t in tags):
            report.add(f"operation {name}: needs a channel of asyncapi.yaml, an action (send or receive) and services as tags")
            del operations[name]

    def operation_types(service: str, action: str, topic: str) -> set[str]:
        """The types the operations of `service` say it `action`s on `topic` (every message
        of the channel when an operation lists none)."""
        found: set[str] = set()
        for op in operations.values():
            channel_id = op["channel"]["$ref"].split("/")[-1]
            if service not in [t["name"] for t in op.get("tags", [])] or op["action"] != action or c.channel_ids[channel_id] != topic:
                continue
            by_name = {name: c.messages[ref["$ref"].split("/")[-1]].ce_type for name, ref in c.asyncapi["channels"][channel_id]["messages"].items()}
            listed = op.get("messages")
            if listed is None:
                found |= set(by_name.values())
                continue
            for ref in listed:
                parts = ref["$ref"].split("/")
                if parts[:3] != ["#", "channels", channel_id] or parts[-1] not in by_name:
                    report.add(f"operation of {service} on {topic} lists {ref['$ref']}, which is not a message of its channel")
                    continue
                found.add(by_name[parts[-1]])
        return found

    for service in SERVICES:
        expectations = defaultdict(set)
        for ce_type in code.commands[service]:
            expectations[("receive", c.type_topics.get(ce_type, ["?"])[0])].add(ce_type)
        for ce_type in code.handled_events[service]:
            expectations[("receive", c.type_topics.get(ce_type, ["?"])[0])].add(ce_type)
        for ce_type in code.emitted[service]:
            expectations[("send", c.type_topics.get(ce_type, ["?"])[0])].add(ce_type)
        for ce_type in code.sent_commands[service]:
            expectations[("send", c.type_topics.get(ce_type, ["?"])[0])].add(ce_type)
        described = set()
        for op in operations.values():
            if service in [t["name"] for t in op.get("tags", [])]:
                described.add((op["action"], c.channel_ids[op["channel"]["$ref"].split("/")[-1]]))
        for (action, topic) in sorted(set(expectations) | described):
            in_code = expectations.get((action, topic), set())
            in_contract = operation_types(service, action, topic)
            for t in sorted(in_code - in_contract):
                report.add(f"{service} {action}s {t} on {topic}; no {action} operation of {service} in asyncapi.yaml lists it")
            for t in sorted(in_contract - in_code):
                verb = "handles" if action == "receive" else "writes"
                report.add(f"asyncapi.yaml says {service} {action}s {t} on {topic}; its code never {verb} it")

    # 5. Every schema named after a Swift type matches it.
    schemas = check_schemas_against_swift(c, code, report)

    # 6. Routes: the ones the services register are the ones of openapi.yaml.
    contract_routes = {(s, r.method, r.template) for r in c.routes for s in r.services}
    for route in c.routes:
        for s in route.services:
            if s not in HTTP_SERVERS:
                report.add(f"openapi.yaml {route.method} {route.template}: tag {s} is not a service")
        for name in re.findall(r"\{(\w+)\}", route.template):
            declared = [c._parameter(p) for p in c.openapi["paths"][route.template].get("parameters", []) + route.operation.get("parameters", [])]
            if not any(p["in"] == "path" and p["name"] == name for p in declared):
                report.add(f"openapi.yaml {route.method} {route.template}: path parameter {name} is not declared")
    # 6b. The scope each route requires in code (`requires:`) is its `security` in openapi.yaml.
    for route in c.routes:
        declared = {scope for requirement in route.operation.get("security", []) for scope in requirement.get("bearer", [])}
        for s in route.services:
            key = (s, route.method, route.template)
            if key not in code.routes:
                continue
            required = code.route_scopes.get(key)
            if required is None and declared:
                report.add(f"openapi.yaml {route.method} {route.template}: security {sorted(declared)}, but {s}'s code requires no scope ({code.route_sources[key]})")
            elif required is not None and declared != {required}:
                report.add(f"openapi.yaml {route.method} {route.template}: security {sorted(declared) or 'missing'}, but {s}'s code requires {required} ({code.route_sources[key]})")
    for key in sorted(code.routes - contract_routes):
        report.add(f"{key[0]} serves {key[1]} {key[2]} ({code.route_sources[key]}), which openapi.yaml lacks")
    for key in sorted(contract_routes - code.routes):
        report.add(f"openapi.yaml has {key[1]} {key[2]} on {key[0]}, which its code does not serve")

    # 7. Every schema is valid JSON Schema 2020-12.
    for name, schema in c.defs.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            report.add(f"schema {name} is not valid JSON Schema: {_short(error.message)}")

    # 8. openapi.yaml against the OpenAPI 3.1 specification, where openapi-spec-validator is
    #    installed (it is not a Debian package; the checks above do not need it).
    figures_spec = "openapi.yaml not checked against the OpenAPI specification: no openapi-spec-validator"
    try:
        from openapi_spec_validator import validate as validate_openapi
        from openapi_spec_validator.readers import read_from_filename
    except ImportError:
        pass
    else:
        spec, base = read_from_filename(str(c.folder / "openapi.yaml"))
        try:
            validate_openapi(spec, base_uri=base)
            figures_spec = "openapi.yaml valid OpenAPI 3.1"
        except Exception as error:  # the validator's own error types vary between versions
            report.add(f"openapi.yaml is not valid OpenAPI 3.1: {_short(str(error), 300)}")

    figures = {"spec": figures_spec, "types": len(contract_types), "topics": len(c.channels), "schemas": schemas, "routes": len(contract_routes),
               "operations": len(operations)}
    return report, figures


# =========================================================================== recorded traffic

@dataclass
class Outcome:
    violations: list[str] = field(default_factory=list)
    messages: int = 0
    types: set[str] = field(default_factory=set)
    dead_letters: int = 0
    refused_by_both: int = 0
    answers: int = 0
    routes: set[tuple[str, str, str]] = field(default_factory=set)
    unrouted_404: int = 0
    not_allowed_405: int = 0


def _header_text(value) -> str | None:
    if isinstance(value, str):
        return value
    return None  # not UTF-8: no header schema takes it


def check_kafka(c: Contracts, records: list[dict], outcome: Outcome) -> None:
    seen = set()
    unique = []
    for r in records:
        key = (r.get("broker"), r["topic"], r["partition"], r["offset"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    # What the services dead-lettered, by the original message.
    refused: dict[tuple, list[dict]] = defaultdict(list)
    for r in unique:
        if r["topic"].endswith(".dlq"):
            h = {k: _header_text(v) for k, v in r["headers"]}
            try:
                refused[(r.get("broker"), h.get("omni_dlq_topic"), int(h.get("omni_dlq_partition") or -1), int(h.get("omni_dlq_offset") or -1))].append(h)
            except ValueError:
                pass

    # What the services refused with a reason: a `...Rejected` event (CommandRejected,
    # OrderRejected, ...) caused by the command, by the command's id.
    rejected: set[tuple] = set()
    for r in unique:
        h = {k: _header_text(v) for k, v in r["headers"]}
        if (h.get("ce_type") or "").endswith("Rejected.v1") and (h.get("ce_source") or "").startswith("/services/") and h.get("ce_causationid"):
            rejected.add((r.get("broker"), h["ce_causationid"].lower()))

    for r in unique:
        topic = r["topic"]
        where = f"{topic}[{r['partition']}]@{r['offset']}"
        headers: dict[str, str | None] = {}
        for k, v in r["headers"]:
            headers[k] = _header_text(v)   # the last one counts, as CloudEvent(kafkaHeaders:) reads them
        raw = base64.b64decode(r["value_b64"]) if "value_b64" in r else r.get("value", "").encode("utf-8")
        channel = c.channels.get(topic)
        if channel is None:
            outcome.violations.append(f"{where}: topic {topic} is not in asyncapi.yaml")
            continue
        if topic.endswith(".dlq"):
            message = channel["DeadLetter"]
            problems = c.errors(message.headers, headers)
            if headers.get("omni_dlq_topic") not in (None, topic[:-4]):
                problems.append(f"omni_dlq_topic {headers.get('omni_dlq_topic')} is not {topic[:-4]}")
            if problems:
                outcome.violations.append(f"{where} DeadLetter: " + "; ".join(problems[:4]))
            else:
                outcome.messages += 1
                outcome.dead_letters += 1
                outcome.types.add("DeadLetter")
            continue

        ce_type = headers.get("ce_type")
        source = headers.get("ce_source") or ""
        from_service = source.startswith("/services/")
        message = channel.get(ce_type) if ce_type else None
        problems: list[str] = []
        if message is None:
            problems.append(f"ce_type {ce_type!r} is not a message of {topic}")
        else:
            problems += [f"header {p}" for p in c.errors(message.headers, headers)]
            try:
                payload = parse_json(raw)
            except Unparseable as error:
                problems.append(f"payload: {error}")
            else:
                problems += [f"payload {p}" for p in c.errors(message.payload_schema, payload, strict=from_service)]

        dlq = refused.get((r.get("broker"), topic, r["partition"], r["offset"]), [])
        codes = {h.get("omni_dlq_reason_code") for h in dlq}
        label = f"{where} {ce_type or '(no ce_type)'} from {source or '(no ce_source)'}"
        if from_service:
            # What a service writes must match, whatever the readers make of it.
            if problems:
                outcome.violations.append(f"{label}: " + "; ".join(problems[:4]))
                continue
        elif codes & DECODING_CODES:
            # A reader refused it as undecodable: the contract must refuse it too.
            if not problems:
                reason = next(h.get("omni_dlq_reason") for h in dlq if h.get("omni_dlq_reason_code") in DECODING_CODES)
                outcome.violations.append(f"{label}: dead-lettered ({', '.join(sorted(codes))}: {_short(reason or '', 200)}), yet the contract takes it")
            else:
                outcome.refused_by_both += 1
            continue
        elif problems and (r.get("broker"), (headers.get("ce_id") or "").lower()) in rejected:
            # Out of the contract's bounds, and the service refused it with a reason: both agree.
            outcome.refused_by_both += 1
            continue
        elif problems:
            # No reader refused it (or refused it for another reason than its shape).
            outcome.violations.append(f"{label}: the code took it, the contract does not: " + "; ".join(problems[:4]))
            continue
        outcome.messages += 1
        outcome.types.add(ce_type)


PROMETHEUS_LINE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|NaN|[-+]Inf)( -?\d+)?$')


def _coerce(value: str, schema: dict, c: Contracts):
    if "$ref" in schema:
        schema = c.defs[schema["$ref"].split("/")[-1]]
    t = schema.get("type")
    try:
        if t == "integer":
            return int(value)
        if t == "number":
            return float(value)
        if t == "boolean":
            return {"true": True, "false": False}[value]
    except (ValueError, KeyError):
        return value
    return value


def check_http(c: Contracts, records: list[dict], outcome: Outcome) -> None:
    for r in records:
        service, method = r["service"], r["method"].upper()
        parts = urlsplit(r["path"])
        label = f"{service} {method} {parts.path}{'?' + parts.query if parts.query else ''} → {r['status']}"
        label = _short(label, 200)
        if service not in HTTP_SERVERS:
            outcome.violations.append(f"{label}: {service} is not a service")
            continue
        route, path_known = c.route(service, method, parts.path)
        media = (r.get("contentType") or "").split(";")[0].strip().lower()
        body_raw = base64.b64decode(r["body_b64"]) if "body_b64" in r else (r.get("body") or "").encode("utf-8")
        if route is None:
            # An unknown route answers 404 problem+json, as openapi.yaml says, and a known path
            # asked with a method it does not serve 405 (with `Allow`); anything else is not in the contract.
            expected = 405 if path_known else 404
            if r["status"] == expected and media == "application/problem+json" and (method != "HEAD" or expected == 404):
                try:
                    problems = c.errors({"$ref": "#/$defs/ProblemDetails"}, parse_json(body_raw), strict=True)
                except Unparseable as error:
                    problems = [str(error)]
                if not problems:
                    if expected == 404:
                        outcome.unrouted_404 += 1
                    else:
                        outcome.not_allowed_405 += 1
                    continue
            outcome.violations.append(f"{label}: no route of openapi.yaml{' for this method' if path_known else ''}")
            continue
        problems: list[str] = []
        responses = route.operation.get("responses", {})
        response = responses.get(str(r["status"])) or responses.get(f"{str(r['status'])[0]}XX") or responses.get("default")
        ok = 200 <= r["status"] < 300
        if response is None:
            problems.append(f"status {r['status']} is not a response of {route.method} {route.template}")
        else:
            content = c._response(response).get("content", {})
            if media not in content:
                problems.append(f"content type {media or '(none)'}, the contract says {', '.join(content) or 'no body'}")
            elif media == "text/plain":
                if route.template == "/metrics":
                    bad = [line for line in body_raw.decode("utf-8", "replace").split("\n") if line and not line.startswith("#") and not PROMETHEUS_LINE.match(line)]
                    problems += [f"not Prometheus text: {_short(line, 100)}" for line in bad[:3]]
            else:
                try:
                    body = parse_json(body_raw)
                except Unparseable as error:
                    problems.append(f"body: {error}")
                else:
                    schema = c._localise(content[media]["schema"], label)
                    problems += [f"body {p}" for p in c.errors(schema, body, strict=True)]
        # Query parameters: each one named by the contract; on success, valid.
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            param = route.parameters.get(name)
            if param is None:
                problems.append(f"query parameter {name!r} is not in the contract")
            elif ok and "x-group" not in param:  # a group's members are checked together, below
                schema = c._localise(param.get("schema", {}), label)
                problems += [f"query {name}={_short(value, 40)}: {p}" for p in c.errors(schema, _coerce(value, schema, c))]
        if ok:
            given = {n for n, _ in parse_qsl(parts.query, keep_blank_values=True)}
            for name, param in route.parameters.items():
                if param.get("required") and name not in given:
                    problems.append(f"answered {r['status']} without the required query parameter {name}")
            for group in route.groups:
                members = {n: _coerce(v, c._localise(route.parameters[n]["schema"], label), c)
                           for n, v in parse_qsl(parts.query, keep_blank_values=True) if route.parameters.get(n, {}).get("x-group") == group["name"]}
                if not members and not group.get("required"):
                    continue
                problems += [f"query {', '.join(sorted(members)) or '(none)'}: {p}" for p in c.errors(c._localise(group["schema"], label), members)]
            body_spec = route.operation.get("requestBody")
            if body_spec and r.get("requestBody") is not None:
                spec = body_spec["content"].get("application/json")
                try:
                    request = parse_json(r["requestBody"].encode("utf-8"))
                    problems += [f"request body {p}" for p in c.errors(c._localise(spec["schema"], label), request)]
                except Unparseable as error:
                    problems.append(f"answered {r['status']} to a request body that is not JSON: {error}")
        if problems:
            outcome.violations.append(f"{label}: " + "; ".join(problems[:4]))
            continue
        outcome.answers += 1
        for s in route.services:
            if s == service:
                outcome.routes.add((service, route.method, route.template))


def load_records(path: Path) -> tuple[list[dict], list[dict], int]:
    kafka, http, broken = [], [], 0
    if not path.exists():
        return kafka, http, broken
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                broken += 1
                continue
            (kafka if record.get("kind") == "kafka" else http).append(record)
    return kafka, http, broken


def check_recorded(c: Contracts, path: Path, quiet: bool = False) -> Outcome:
    kafka, http, broken = load_records(path)
    outcome = Outcome()
    if broken:
        outcome.violations.append(f"{broken} recorded lines are not JSON (interleaved writes?)")
    check_kafka(c, kafka, outcome)
    check_http(c, http, outcome)
    return outcome


# =========================================================================== self-test

def _kafka(topic: str, ce_type: str, payload, source: str = "/services/orders", extra_headers=(), drop=(), offset=[0]) -> dict:
    offset[0] += 1
    headers = {"ce_specversion": "1.0", "ce_id": "0b6f7c7e-3c4f-4f5e-9d1a-2f3b4c5d6e7f", "ce_type": ce_type, "ce_source": source,
               "ce_time": "2024-06-08T09:30:00.123Z", "ce_subject": "ord-1", "content-type": "application/json",
               "ce_correlationid": "c-1"}
    headers.update(dict(extra_headers))
    for name in drop:
        headers.pop(name, None)
    value = payload if isinstance(payload, str) else json.dumps(payload)
    return {"kind": "kafka", "broker": "selftest", "topic": topic, "partition": 0, "offset": offset[0], "key": "ord-1",
            "headers": [[k, v] for k, v in headers.items()], "value": value}


def _http(service: str, path: str, status: int, body, content_type: str = "application/json", method: str = "GET", request=None) -> dict:
    return {"kind": "http", "service": service, "method": method, "path": path, "status": status, "contentType": content_type,
            "body": body if isinstance(body, str) else json.dumps(body), "requestBody": request}


def self_test(c: Contracts) -> list[str]:
    """Good samples pass; each bad one is caught for the reason it is bad."""
    order = {"orderId": "ord-1", "status": "confirmed", "channel": "web", "currency": "EUR",
             "lines": [{"lineId": "l1", "sku": "SKU-1", "name": "Shoe", "category": "shoes", "quantity": 1, "unitPriceMinor": 8000, "discountMinor": 0}],
             "promoCodes": [], "fulfilment": {"mode": "pickup", "storeId": "store-1"}, "subtotalMinor": 8000, "discountMinor": 0,
             "totalMinor": 8000, "placedAt": "2024-06-08T09:30:00Z"}
    place = {"orderId": "ord-1", "channel": "web", "fulfilment": {"mode": "delivery"}, "paymentReference": "pay-1", "storeId": None}
    problem = {"type": "https://omni.example/problems/404", "title": "Not found", "status": 404, "detail": "no order ord-9"}
    good = [
        _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": order}),
        _kafka("orders.commands", "omni.orders.PlaceOrder.v1", place, source="/channels/web"),
        _http("orders", "/health/live", 200, {"service": "orders", "status": "live"}),
        _http("orders", "/orders/ord-9", 404, problem, "application/problem+json"),
        _http("catalog", "/metrics", 200, "# TYPE x counter\nomni_x_total{topic=\"a\"} 3\n", "text/plain; version=0.0.4"),
        _http("orders", "/no/such/route", 404, problem, "application/problem+json"),
        _http("orders", "/orders/ord-1", 405, dict(problem, status=405, title="Method Not Allowed"), "application/problem+json", method="DELETE"),
    ]
    bad = {
        "an event without a required field": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": {k: v for k, v in order.items() if k != "totalMinor"}}),
        "a wrong enum value": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, fulfilment={"mode": "drone"})}),
        "a field the contract lacks, written by a service": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, secret="x")}),
        "null written by a service": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, storeId=None)}),
        "an amount as a decimal": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, totalMinor=80.5)}),
        "an integer past 64 bits": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, totalMinor=2**63)}),
        "a time with no zone": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": dict(order, placedAt="2024-06-08T09:30:00")}),
        "a type on the wrong topic": _kafka("catalog.events", "omni.orders.OrderConfirmed.v1", {"order": order}),
        "an unknown type": _kafka("orders.events", "omni.orders.OrderTeleported.v1", {"order": order}),
        "an event with another service's source": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": order}, source="/services/catalog"),
        "a bad ce_id": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": order}, extra_headers=[("ce_id", "not-a-uuid")]),
        "no ce_time": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", {"order": order}, drop=["ce_time"]),
        "a payload that is not JSON": _kafka("orders.events", "omni.orders.OrderConfirmed.v1", "{\"order\": "),
        "a command the code took but the contract does not": _kafka("orders.commands", "omni.orders.PlaceOrder.v1", dict(place, paymentReference=42), source="/channels/web"),
        "a dead letter without its reason": _kafka("orders.commands.dlq", "omni.orders.PlaceOrder.v1", place, source="/channels/web"),
        "an answer missing a field": _http("orders", "/health/live", 200, {"status": "live"}),
        "an answer with a wrong type": _http("catalog", "/products/SKU-1", 200, {"sku": "SKU-1", "name": "Shoe", "description": "", "category": "shoes", "attributes": {}, "active": "yes", "version": 1}),
        "an error that is not problem+json": _http("orders", "/orders/ord-9", 404, {"error": "nope"}),
        "a problem without a title": _http("orders", "/orders/ord-9", 404, {"type": "x", "status": 404}, "application/problem+json"),
        "an undocumented status": _http("catalog", "/locations", 418, problem, "application/problem+json"),
        "a route the contract lacks": _http("orders", "/orders", 200, []),
        "a method the route lacks": _http("orders", "/orders/ord-1", 200, {}, method="DELETE"),
        "a 404 for a method the path lacks (405 is due)": _http("orders", "/orders/ord-1", 404, problem, "application/problem+json", method="DELETE"),
        "a 405 on a path no route serves": _http("orders", "/no/such/route", 405, dict(problem, status=405), "application/problem+json", method="DELETE"),
        "a route of another service": _http("catalog", "/orders/ord-1", 200, {}),
        "an undocumented query parameter": _http("orders", "/orders/ord-1?expand=all", 404, problem, "application/problem+json"),
        "a success without a required parameter": _http("catalog", "/availability/SKU-1", 200, {"sku": "SKU-1", "channel": "web", "available": 0, "locations": []}),
    }
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        def run(records):
            path = Path(folder) / "r.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            return check_recorded(c, path)
        outcome = run(good)
        if outcome.violations:
            failures.append("good samples were refused: " + " | ".join(outcome.violations))
        if outcome.messages != 2 or outcome.answers != 3 or outcome.unrouted_404 != 1 or outcome.not_allowed_405 != 1:
            failures.append(f"good samples miscounted: {outcome.messages} messages, {outcome.answers} answers, {outcome.unrouted_404} unrouted 404s, "
                            f"{outcome.not_allowed_405} 405s")
        for name, record in bad.items():
            outcome = run([record])
            if not outcome.violations:
                failures.append(f"the checker took {name}")
        # A message a reader dead-lettered as undecodable that the contract takes: caught too.
        sent = _kafka("orders.commands", "omni.orders.PlaceOrder.v1", place, source="/channels/web")
        letter = dict(sent, topic="orders.commands.dlq", offset=sent["offset"] + 1000,
                      headers=sent["headers"] + [[k, v] for k, v in {"omni_dlq_reason_code": "undecodable-data", "omni_dlq_reason": "x",
                                                 "omni_dlq_topic": "orders.commands", "omni_dlq_partition": "0", "omni_dlq_offset": str(sent["offset"]),
                                                 "omni_dlq_consumer": "omni-orders", "omni_dlq_time": "2024-06-08T09:30:00.123Z"}.items()])
        if not run([sent, letter]).violations:
            failures.append("the checker took a message the code refused as undecodable and the contract accepts")
        # ... and one both refuse is no violation.
        broken = dict(sent, value="{\"orderId\": 1}")
        letter2 = dict(letter, headers=[[k, v if k != "omni_dlq_offset" else str(broken["offset"])] for k, v in letter["headers"]])
        if run([broken, letter2]).violations:
            failures.append("the checker refused a message the code and the contract both refuse")
        # A command out of the contract's bounds that its service refused with a reason: no
        # violation; the same without the refusal is one.
        add = _kafka("orders.commands", "omni.orders.AddCartItem.v1", {"ownerId": "c-1", "sku": "SKU-1", "quantity": 2**63 - 1}, source="/channels/web")
        refusal = _kafka("orders.events", "omni.orders.CommandRejected.v1", {
            "commandID": "0B6F7C7E-3C4F-4F5E-9D1A-2F3B4C5D6E7F", "commandType": "omni.orders.AddCartItem.v1", "reasonCode": "invalid-quantity",
            "message": "at most 999 units per line", "subject": "c-1"}, extra_headers=[("ce_id", "1b6f7c7e-3c4f-4f5e-9d1a-2f3b4c5d6e7f"),
                                                                          ("ce_causationid", "0B6F7C7E-3C4F-4F5E-9D1A-2F3B4C5D6E7F")])
        if run([add, refusal]).violations:
            failures.append("the checker refused a command out of bounds that the service rejected with a reason")
        if not run([add]).violations:
            failures.append("the checker took a command out of bounds that no service refused")
        # Interleaved writes are noticed.
        path = Path(folder) / "r.jsonl"
        path.write_text(json.dumps(good[0]) + "\n" + json.dumps(good[1])[:40] + json.dumps(good[2]) + "\n", encoding="utf-8")
        if not check_recorded(c, path).violations:
            failures.append("the checker took a recording with interleaved lines")
    return failures, len(bad) + 5


# =========================================================================== main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--static", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--recorded", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    if not (args.static or args.self_test or args.recorded):
        parser.error("nothing to do: --static, --self-test and/or --recorded FILE")
    try:
        c = Contracts(args.root / "contracts")
    except (ContractError, yaml.YAMLError, KeyError) as error:
        print(f"contracts: the documents cannot be read: {error}")
        return 1
    failed = False
    if args.static:
        report, figures = check_static(c, read_code_base(args.root))
        if report.problems:
            failed = True
            print(f"contracts: static check: {len(report.problems)} mismatches between the code and the contracts")
            report.print()
        else:
            print(f"contracts: static check: {figures['types']} message types on {figures['topics']} topics, "
                  f"{figures['schemas']} schemas matching their Swift types, {figures['operations']} operations matching "
                  f"the handlers and emitters, {figures['routes']} routes matching the code: 0 mismatches ({figures['spec']})")
    if args.self_test:
        failures, cases = self_test(c)
        if failures:
            failed = True
            print(f"contracts: checker self-test FAILED: {len(failures)} of {cases} cases")
            for text in failures:
                print(f"  ✗ {text}")
        else:
            print(f"contracts: checker self-test: {cases} bad samples refused, good samples taken")
    if args.recorded:
        if not args.recorded.exists() or args.recorded.stat().st_size == 0:
            print("contracts: nothing was recorded (no integration test ran)")
        else:
            outcome = check_recorded(c, args.recorded)
            routes = len(outcome.routes)
            print(f"contracts: {outcome.messages} messages of {len(outcome.types)} types, {outcome.answers} HTTP answers of "
                  f"{routes} routes validated, {len(outcome.violations)} violations")
            print(f"           ({outcome.dead_letters} dead letters among them; {outcome.refused_by_both} malformed messages "
                  f"refused by both the code and the contract; {outcome.unrouted_404} 404s for paths no route serves; {outcome.not_allowed_405} 405s for methods a path does not serve)")
            all_types = {m.ce_type for m in c.messages.values() if m.ce_type}
            unseen = sorted(all_types - outcome.types)
            if unseen:
                print(f"           not seen on the wire: {len(unseen)} types ({', '.join(t.split('.', 1)[1][:-3] for t in unseen)})")
            all_routes = {(s, r.method, r.template) for r in c.routes for s in r.services}
            unseen_routes = sorted(all_routes - outcome.routes)
            if unseen_routes:
                print(f"           not answered: {len(unseen_routes)} routes ({', '.join(f'{s} {m} {p}' for s, m, p in unseen_routes)})")
            if outcome.violations:
                failed = True
                for text in outcome.violations[:80]:
                    print(f"  ✗ {text}")
                if len(outcome.violations) > 80:
                    print(f"  … and {len(outcome.violations) - 80} more")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

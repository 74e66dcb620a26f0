"""What the Swift sources say, read without a compiler: the Codable structs and string
enums (their coded fields and Swift types), the `ce_type` constants, the handlers each
service registers, the events and commands it emits, and the HTTP routes it serves.

Good enough for this code base's regular style (one declaration per line, no raw strings);
`check_contracts.py` fails loudly when something it expects is not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ["customers", "catalog", "orders", "promotions", "notifications"]
# Everything that serves HTTP: the five services and the edge (the channels' command door,
# which has no topics of its own).
HTTP_SERVERS = SERVICES + ["edge"]


# --------------------------------------------------------------------------- lexing

def strip_comments_and_strings(text: str) -> str:
    """The code with comments removed and every string literal's content emptied (`""`),
    interpolations included, so braces and quotes inside strings cannot confuse the scan.
    Line breaks are kept, so line numbers still match."""
    out: list[str] = []
    i, n = 0, len(text)

    def skip_string(i: int) -> int:
        """`i` is at the opening quote(s); returns the index after the closing one."""
        multi = text.startswith('"""', i)
        i += 3 if multi else 1
        while i < n:
            c = text[i]
            if c == "\\":
                if i + 1 < n and text[i + 1] == "(":
                    i = skip_code(i + 2, ")")
                    continue
                i += 2
                continue
            if multi and text.startswith('"""', i):
                return i + 3
            if not multi and c == '"':
                return i + 1
            if c == "\n":
                out.append("\n")
            i += 1
        return i

    def skip_code(i: int, closer: str) -> int:
        """Skips code inside an interpolation up to the matching `closer`."""
        depth = 0
        while i < n:
            c = text[i]
            if c == '"':
                i = skip_string(i)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i + 1
                depth -= 1
            elif c == "\n":
                out.append("\n")
            i += 1
        return i

    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        if text[i] == '"':
            start = len(out)
            i = skip_string(i)
            newlines = "".join(out[start:])
            del out[start:]
            out.append('""' + newlines)
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------- declarations

@dataclass
class SwiftProperty:
    name: str
    type: str          # as written, e.g. `[String: Int]?`
    line: int


@dataclass
class SwiftType:
    name: str                      # qualified, e.g. `UpsertLocation.Address`
    kind: str                      # struct, enum, class
    inherits: list[str]
    file: str
    line: int
    properties: list[SwiftProperty] = field(default_factory=list)
    cases: list[tuple[str, str]] = field(default_factory=list)   # enum: (case, raw value)
    coding_keys: dict[str, str] | None = None                     # property -> key

    @property
    def codable(self) -> bool:
        return any(i in ("Codable", "Encodable", "Decodable") for i in self.inherits)

    @property
    def string_enum(self) -> bool:
        return self.kind == "enum" and "String" in self.inherits

    def coded(self) -> dict[str, SwiftProperty]:
        """The JSON keys this type is coded with, and the property behind each."""
        result = {}
        for p in self.properties:
            if self.coding_keys is not None:
                if p.name in self.coding_keys:
                    result[self.coding_keys[p.name]] = p
            else:
                result[p.name] = p
        return result


DECL = re.compile(r"\b(struct|enum|class|actor|extension|protocol)\s+([A-Za-z_][A-Za-z0-9_.]*)\s*(?:<[^>{]*>)?\s*(?::\s*([^{]*))?\{")
PROPERTY = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|open)(?:\(set\))?\s+)*"
    r"(?:(?:nonisolated|final)\s+)*(var|let)\s+(.+)$")
CASE = re.compile(r"^\s*(?:(?:public|indirect)\s+)*case\s+(.+)$")


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Splits at `sep` outside brackets and parentheses."""
    parts, depth, cur = [], 0, ""
    for c in text:
        if c in "([<":
            depth += 1
        elif c in ")]>":
            depth -= 1
        if c == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_types(files: list[Path], root: Path) -> tuple[dict[str, SwiftType], dict[str, str]]:
    """Every struct and enum declared in `files` by qualified name, and the typealiases."""
    types: dict[str, SwiftType] = {}
    aliases: dict[str, str] = {}
    for path in files:
        original = path.read_text(encoding="utf-8").split("\n")
        code = strip_comments_and_strings("\n".join(original))
        rel = str(path.relative_to(root))
        # A stack of scopes: (kind, qualified name or None, type or None).
        stack: list[tuple[str, str | None, SwiftType | None]] = []
        lines = code.split("\n")
        pending_statement = ""
        for number, line in enumerate(lines, 1):
            # Declarations open a named scope at their `{`.
            opened = 0
            decl = DECL.search(line)
            current = stack[-1][2] if stack else None
            # A stored property or case, directly inside a type (not in a function body).
            if current is not None and stack[-1][0] == "type" and not decl:
                m = PROPERTY.match(line)
                if m and not re.search(r"\bstatic\b|\blazy\b|\bclass\s+var\b", line):
                    rest = m.group(2)
                    # `var a, b: T`, `var a: T = x`, not `var a: T { ... }` (computed).
                    brace = rest.find("{")
                    if brace < 0 or "=" in rest[:brace]:
                        decl_text = rest if brace < 0 else rest[:brace]
                        decl_text = decl_text.split("=")[0] if "=" in decl_text and ":" in decl_text.split("=")[0] else decl_text
                        if ":" in decl_text:
                            names, typ = decl_text.split(":", 1)
                            for name in _split_top(names):
                                current.properties.append(SwiftProperty(name.strip(), typ.strip(), number))
                # Raw values are string literals: read the case from the original line.
                m = CASE.match(original[number - 1].split("//")[0])
                if m and current.kind == "enum" and CASE.match(line):
                    for case in _split_top(m.group(1)):
                        if "(" in case:
                            current.cases.append((case.split("(")[0].strip(), "<associated>"))
                            continue
                        name, _, raw = case.partition("=")
                        raw = raw.strip()
                        current.cases.append((name.strip(), raw.strip('"') if raw else name.strip()))
            alias = re.match(r"^\s*(?:public\s+)?typealias\s+(\w+)\s*=\s*([\w.]+)\s*$", line)
            if alias:
                aliases[alias.group(1)] = alias.group(2)
            # Brace accounting, with declarations naming their scope.
            decl_at = decl.end() - 1 if decl else -1
            for index, c in enumerate(line):
                if c == "{":
                    if index == decl_at:
                        kind, name = decl.group(1), decl.group(2)
                        inherits = [i.strip() for i in _split_top((decl.group(3) or "").split(" where ")[0])]
                        outer = next((s[1] for s in reversed(stack) if s[1]), None)
                        if kind == "extension":
                            stack.append(("extension", name, None))
                        elif kind in ("struct", "enum", "class", "actor"):
                            qualified = f"{outer}.{name}" if outer else name
                            t = SwiftType(qualified, kind, inherits, rel, number)
                            if qualified == "CodingKeys" or qualified.endswith(".CodingKeys"):
                                t.kind = "enum"
                            types.setdefault(qualified, t)
                            stack.append(("type", qualified, types[qualified]))
                            # `struct Visit: Codable { var a: String; var b: Date }` on one line.
                            inline_body = line[index + 1:].split("}")[0]
                            if kind in ("struct", "class"):
                                for statement in inline_body.split(";"):
                                    pm = PROPERTY.match(statement)
                                    if pm and ":" in pm.group(2) and "{" not in pm.group(2) and "static" not in statement:
                                        names, typ = pm.group(2).split("=")[0].split(":", 1)
                                        for name_ in _split_top(names):
                                            types[qualified].properties.append(SwiftProperty(name_.strip(), typ.strip(), number))
                            # `enum Kind: String, Codable { case a, b }` on one line.
                            inline = line[index + 1:].split("}")[0]
                            if kind == "enum" and re.match(r"^\s*case\s", inline):
                                raw_inline = original[number - 1].split("{", 1)[1].split("}")[0]
                                for case in _split_top(raw_inline.strip()[len("case"):]):
                                    name_, _, raw = case.partition("=")
                                    types[qualified].cases.append((name_.strip(), raw.strip().strip('"') or name_.strip()))
                        else:
                            stack.append(("other", None, None))
                    else:
                        stack.append(("block", None, None))
                    opened += 1
                elif c == "}":
                    if stack:
                        stack.pop()
    # CodingKeys enums rename or restrict their struct's keys.
    for name, t in list(types.items()):
        if name.endswith(".CodingKeys"):
            owner = types.get(name[: -len(".CodingKeys")])
            if owner:
                owner.coding_keys = {case: raw for case, raw in t.cases}
    return types, aliases


# --------------------------------------------------------------------------- the code base

@dataclass
class CodeBase:
    root: Path
    types: dict[str, SwiftType]
    aliases: dict[str, str]
    ce_types: dict[str, str]                       # `OrdersType.placeOrder` -> `omni.orders.PlaceOrder.v1`
    ce_type_files: dict[str, str]                  # ce_type -> file
    commands: dict[str, dict[str, str]]            # service -> ce_type -> payload type (`handlers.command`)
    handled_events: dict[str, set[str]]            # service -> ce_types of `handlers.on` / `handlers.onBatch`
    emitted: dict[str, dict[str, str | None]]      # service -> ce_type -> payload type when written as `Type(`
    sent_commands: dict[str, dict[str, str | None]]  # service -> ce_type -> payload type
    routes: set[tuple[str, str, str]]              # (service, METHOD, /path/{param})
    route_sources: dict[tuple[str, str, str], str]
    # The scope each route requires (`requires: .ordersRead` → `orders:read`); open routes absent.
    route_scopes: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def resolve(self, name: str, scope: str | None = None) -> str | None:
        """The qualified name a type reference `name` means inside `scope`."""
        name = self.aliases.get(name, name)
        if scope:
            parts = scope.split(".")
            for i in range(len(parts), 0, -1):
                candidate = ".".join(parts[:i]) + "." + name
                if candidate in self.types:
                    return candidate
        if name in self.types:
            return name
        # A nested type referred to by its last components from anywhere.
        matches = [q for q in self.types if q.endswith("." + name)]
        return matches[0] if len(matches) == 1 else None


def swift_files(root: Path, *folders: str) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        files += sorted(p for p in (root / folder).rglob("*.swift") if ".build" not in p.parts)
    return files


CONSTANT = re.compile(r'static\s+let\s+(\w+)\s*=\s*"(omni\.[^"]*)"')
TYPE_REF = re.compile(r"\b(\w+Type)\.(\w+)\b")


def read_code_base(root: Path) -> CodeBase:
    types, aliases = parse_types(swift_files(root, "Services", "Shared"), root)

    ce_types, ce_type_files = {}, {}
    for path in sorted(root.glob("Services/*/Contracts/*Types.swift")):
        enum = None
        for line in path.read_text(encoding="utf-8").split("\n"):
            m = re.search(r"\benum\s+(\w+Type)\b", line)
            if m:
                enum = m.group(1)
            m = CONSTANT.search(line)
            if m and enum:
                ce_types[f"{enum}.{m.group(1)}"] = m.group(2)
                ce_type_files[m.group(2)] = str(path.relative_to(root))

    def constant(enum: str, member: str, where: str) -> str:
        key = f"{enum}.{member}"
        if key not in ce_types:
            raise SystemExit(f"contracts: {where} refers to {key}, which no *Types.swift defines")
        return ce_types[key]

    commands: dict[str, dict[str, str]] = {s: {} for s in SERVICES}
    handled: dict[str, set[str]] = {s: set() for s in SERVICES}
    emitted: dict[str, dict[str, str | None]] = {s: {} for s in SERVICES}
    sent: dict[str, dict[str, str | None]] = {s: {} for s in SERVICES}
    for service in SERVICES:
        folder = root / "Services" / service.capitalize() / "Core"
        for path in swift_files(root, str(folder.relative_to(root))):
            code = strip_comments_and_strings(path.read_text(encoding="utf-8"))
            where = str(path.relative_to(root))
            # Statements can span lines: work on the whole text.
            for m in re.finditer(r"handlers\.command\(\s*(\w+Type)\.(\w+)\s*,\s*as:\s*([\w.]+)\.self", code):
                commands[service][constant(m.group(1), m.group(2), where)] = m.group(3)
            for m in re.finditer(r"handlers\.on(?:Batch)?\(\s*(\w+Type)\.(\w+)", code):
                handled[service].add(constant(m.group(1), m.group(2), where))
            # `for x in [A.b, C.d] { handlers.on(x, ...) }`
            for m in re.finditer(r"for\s+(\w+)\s+in\s+\[([^\]]*)\]\s*\{\s*handlers\.on\(\s*(\w+)\b", code):
                if m.group(1) == m.group(3):
                    for ref in TYPE_REF.finditer(m.group(2)):
                        handled[service].add(constant(ref.group(1), ref.group(2), where))
            # Events: `emit(XType.y, Payload(` / `.event(XType.y, ...)`; commands: `.command(` / `.send(`.
            for m in re.finditer(r"\b(emit|event)\(\s*(\w+Type)\.(\w+)\s*,\s*([\w.]+)?(\()?", code):
                payload = m.group(4) if m.group(5) and m.group(4) and m.group(4)[0].isupper() else None
                typ = constant(m.group(2), m.group(3), where)
                if payload or typ not in emitted[service]:
                    emitted[service][typ] = payload
            for m in re.finditer(r"(?<!handlers\.)\b(command|send)\(\s*(\w+Type)\.(\w+)\s*,\s*([\w.]+)?(\()?", code):
                payload = m.group(4) if m.group(5) and m.group(4) and m.group(4)[0].isupper() else None
                typ = constant(m.group(2), m.group(3), where)
                if payload or typ not in sent[service]:
                    sent[service][typ] = payload
        # Every command handler answers a refusal with the service's CommandRejected.
        if commands[service]:
            emitted[service].setdefault(f"omni.{service}.CommandRejected.v1", "CommandRejected")

    routes: set[tuple[str, str, str]] = set()
    sources: dict[tuple[str, str, str], str] = {}

    # `case catalogRead = "catalog:read"` in Shared/Auth/Scope.swift: the scope catalogue.
    scope_file = root / "Shared/Auth/Scope.swift"
    scope_names = dict(re.findall(r'case (\w+) = "([^"]+)"', scope_file.read_text(encoding="utf-8"))) if scope_file.exists() else {}
    scopes: dict[tuple[str, str, str], str] = {}

    def add_routes(path: Path, services: list[str], pattern: re.Pattern[str]) -> None:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.split("\n"), 1):
            for m in pattern.finditer(line):
                method, route = m.group(1).upper(), re.sub(r":(\w+)", r"{\1}", m.group(2))
                required = re.search(r'requires:\s*\.(\w+)', line[m.end():])
                for service in services:
                    routes.add((service, method, route))
                    sources[(service, method, route)] = f"{path.relative_to(root)}:{number}"
                    if required:
                        scopes[(service, method, route)] = scope_names.get(required.group(1), "?" + required.group(1))

    for service in HTTP_SERVERS:
        for path in swift_files(root, f"Services/{service.capitalize()}/Core"):
            add_routes(path, [service], re.compile(r'\brouter\.(get|post|put|patch|delete|head)\(\s*"([^"]+)"'))
    # Routes every service serves (`extension Router` in the shared runtime).
    for path in swift_files(root, "Shared/Runtime"):
        if "extension Router" in path.read_text(encoding="utf-8"):
            add_routes(path, HTTP_SERVERS, re.compile(r'(?:^|\s)(get|post|put|patch|delete|head)\(\s*"(/[^"]*)"'))

    return CodeBase(root, types, aliases, ce_types, ce_type_files, commands, handled, emitted, sent, routes, sources, scopes)

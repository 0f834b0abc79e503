"""Rendering deploy/kubernetes's kustomizations without kubectl (absent from CI).

Supports what the kustomizations there use, and refuses anything else: `resources`
(files and folders holding a kustomization.yaml) and `patches` given by `path`, each a
strategic-merge patch of the resource with the same kind and name. The merge follows
Kubernetes' rules for these manifests: maps merge key by key, lists of named items
(containers, env, ports, volumes) merge item by item on `name`, other lists are
replaced, and a null value deletes the key.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "patches"}


def load_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def render(directory: Path) -> list[dict[str, Any]]:
    """The resources `kubectl kustomize directory` would print."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED_FIELDS
    assert not unsupported, f"{directory}: teach tests/deploy/kustomize.py {unsupported}"
    resources: list[dict[str, Any]] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        resources += render(path) if path.is_dir() else load_documents(path)
    for patch_entry in kustomization.get("patches", []):
        assert set(patch_entry) == {"path"}, f"{directory}: only `path` patches are supported"
        for patch in load_documents(directory / patch_entry["path"]):
            target = _find(resources, patch["kind"], patch["metadata"]["name"])
            resources[resources.index(target)] = merge(target, patch)
    return resources


def _find(resources: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, f"a patch must match one resource: {kind}/{name}"
    return matches[0]


def merge(base: Any, patch: Any) -> Any:
    """`base` with the strategic-merge `patch` applied (neither is modified)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merge(base.get(key), value) if key in base else value
        return merged
    if _named_list(base) and _named_list(patch):
        patched = {item["name"]: item for item in patch}
        merged_items = [merge(item, patched.pop(item["name"], {})) for item in base]
        return [*merged_items, *patched.values()]
    return copy.deepcopy(patch)


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "name" in i for i in value)


def canonical(value: Any) -> Any:
    """`value` with every named list sorted by name: merge order does not matter."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if _named_list(value) and value:
        return sorted((canonical(item) for item in value), key=lambda item: item["name"])
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value

"""Lay out kubernetes-validate's strict JSON schemas the way kubeconform reads them.

kubernetes-validate ships one folder per Kubernetes version (vX.Y.Z-local-strict) whose
files refer to a shared `_definitions.json` through an absolute `/api/...` reference under
an `https://kubernetes.io/...` `$id`. kubeconform compiles each schema from a local file and
can only follow references that resolve to files, so we drop the `$id` and make the
references relative to the file. Usage: kubernetes-schemas.py SOURCE_DIR TARGET_DIR
"""

import json
import pathlib
import sys

ABSOLUTE_DEFINITIONS = "/api/_definitions.json#"


def relativise(node):
    if isinstance(node, dict):
        node.pop("$id", None)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(ABSOLUTE_DEFINITIONS):
            node["$ref"] = "_definitions.json#" + ref[len(ABSOLUTE_DEFINITIONS):]
        for value in node.values():
            relativise(value)
    elif isinstance(node, list):
        for value in node:
            relativise(value)


def main(source: str, target: str) -> None:
    written = 0
    for version_dir in sorted(pathlib.Path(source).glob("v*-local-strict")):
        version = version_dir.name.removesuffix("-local-strict")
        out_dir = pathlib.Path(target) / f"{version}-standalone-strict"
        out_dir.mkdir(parents=True, exist_ok=True)
        for schema_file in version_dir.glob("*.json"):
            schema = json.loads(schema_file.read_text(encoding="utf-8"))
            relativise(schema)
            (out_dir / schema_file.name).write_text(json.dumps(schema), encoding="utf-8")
        written += 1
    if written == 0:
        sys.exit(f"no vX.Y.Z-local-strict schema folders found under {source}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: kubernetes-schemas.py SOURCE_DIR TARGET_DIR")
    main(sys.argv[1], sys.argv[2])

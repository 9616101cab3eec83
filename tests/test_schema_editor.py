"""The schemas work in editors: a yaml-language-server modeline resolves, relative
cross-file references included, and the exported bundle is equivalent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)")


def editor_validator(schema_file: Path) -> Draft202012Validator:
    """Validate like an editor: the schema's URI is its file, relative $refs are fetched from disk."""

    def retrieve(uri: str) -> Resource:
        return Resource.from_contents(json.loads(Path(uri.removeprefix("file://")).read_text()))

    schema = json.loads(schema_file.read_text())
    return Draft202012Validator(
        {**schema, "$id": schema_file.as_uri()}, registry=Registry(retrieve=retrieve)
    )


def test_modeline_in_example_resolves_and_validates(repo: Path) -> None:
    manifest = repo / "examples" / "jobs" / "support.yaml"
    text = manifest.read_text()
    m = MODELINE.search(text)
    assert m, "the example carries a modeline"
    schema_file = (manifest.parent / m.group(1)).resolve()
    validator = editor_validator(schema_file)
    assert list(validator.iter_errors(yaml.safe_load(text))) == []
    broken = yaml.safe_load(text.replace("captureInterval: 60", "captureInterval: 0"))
    errors = list(validator.iter_errors(broken))
    assert [list(e.absolute_path) for e in errors] == [
        ["spec", "clientRequest", "snapshotConfig", "captureInterval"]
    ]


def test_exported_schema_agrees_with_the_files(cli, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshot-job.schema.json"
    assert cli("schema", "--kind", "job", "-o", str(out))[0] == 0
    bundled = Draft202012Validator(json.loads(out.read_text()))
    files = editor_validator(repo / "schemas" / "snapshot-job.schema.json")
    for path in sorted((repo / "examples").rglob("*.yaml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "SnapshotJob":
                a = sorted(e.message for e in bundled.iter_errors(doc))
                b = sorted(e.message for e in files.iter_errors(doc))
                assert a == b, path

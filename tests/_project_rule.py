"""Two jobs must not share `metadata.name` (a project rule used by the cache tests).

## What it does
Reports a job whose name another job in the project already uses.

## Why is this bad?
Test rule.

## Example
```yaml
apiVersion: snaplint/v1
```

## Use instead
```yaml
apiVersion: snaplint/v1
```

## Options
None.

## Source
Tests only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from snaplint.findings.diagnostics import Finding

ID = "test-same-name"
CODE = "SNP399"
SEVERITY = "error"
SCOPE = "project"

CALLS: list[int] = []  # how many documents each run showed the rule


def check(docs: Iterable[Any], ctx: Any) -> Iterator[tuple[Any, Finding]]:
    docs = list(docs)
    CALLS.append(len(docs))
    first: dict[str, Any] = {}
    for doc in docs:
        name = doc.name
        if name is None:
            continue
        if name in first:
            other = first[name]
            span = other.locate(("metadata", "name"))  # positions of a cached document
            yield (
                doc,
                Finding(
                    ("metadata", "name"),
                    f"name {name} is also used at {other.source.display}:{span.line}",
                ),
            )
        else:
            first[name] = doc

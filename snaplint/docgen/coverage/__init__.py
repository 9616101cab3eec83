"""Which rule checks each constraint of the API reference, or why none can before run time.

One row per constraint of the reference catalogue (``reference/agora-cloud-recording.md``): the
field tables of §2, update (§4), lifecycle (§5), the documentation inconsistencies (§9) and the
checkable rules R1–R20 (§10). ``docs/rules.md`` ends with this table, and a test checks that every
rule named here exists, that every manifest, project and schema rule is named somewhere, and that
every §9 item and R1–R20 has a row.

A row names the rules that check it (``rules``), a note (``note``) saying how — or, for a
constraint no rule can check, why: the fact is known only at run time (the channel's users, the
App Certificate), it is an operation rather than a manifest property (plan and apply perform it),
or the reference leaves it unconfirmed.
"""

from __future__ import annotations

from snaplint.docgen.coverage import checkable, fields, inconsistencies, operations, storage
from snaplint.docgen.coverage.row import Row

# in the reference's order: docs/rules.md prints the sections as listed
SECTIONS: list[tuple[str, list[Row]]] = [
    *fields.SECTIONS,
    *storage.SECTIONS,
    *operations.SECTIONS,
    *inconsistencies.SECTIONS,
    *checkable.SECTIONS,
]

# snaplint's own rules that enforce no reference constraint: the loader, suppressions, the
# manifest format. The coverage test does not expect them in the table.
OWN_RULES = frozenset(
    {
        "yaml-syntax",
        "duplicate-key",
        "unreadable-file",
        "file-too-large",
        "empty-file",
        "unknown-document",
        "env-reference-unset",
        "job-name-invalid",
        "label-invalid",
        "restart-policy-invalid",
        "duplicate-job-name",
        "unused-suppression",
        "suppression-missing-reason",
        "suppression-expired",
        "invalid-suppression",
    }
)


def all_rows() -> list[Row]:
    return [row for _title, rows in SECTIONS for row in rows]

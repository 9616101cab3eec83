"""Secrets audit: distinctive secret values never appear in anything snaplint writes or prints.

The secrets: storage access and secret keys (and a rotated secret key), an STS token, the RTC
token, the REST customer secret, the PostgreSQL password; plus, on the error paths, a wrong
customer secret and a wrong database password, and a literal secret committed in a manifest.

Every command runs as a real subprocess (so stderr includes log records and warnings): lint
in every output format (to stdout and to report files, with and without ``--resolve-env``,
``--diff`` of a literal-secret fix, ``--statistics``); plan as text, JSON and a saved file,
``show`` of it; apply of the saved plan, apply ``--json`` of an update and of a rotated key,
an apply killed with its journal on disk (or in the database); ``reconcile --once`` rounds
(one failing on the echoed secret below); ``state list/show``, ``show``;
and the error paths: a wrong customer secret (401), a server that echoes a secret in its
error reason, an unset variable, lint errors refusing a plan, an unreachable database with a
wrong password. Then every output, every file under the test's folder (the project with its
state, backup, journal, lock info, saved plan and caches, and the lint reports) and — on
PostgreSQL — every stored row are searched for each secret, raw, base64-encoded with the
customer ID (an ``Authorization`` header) and URL-encoded.

Runs on the file backend and on PostgreSQL.
"""

from __future__ import annotations

import base64
import re
import signal
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from snaplint.report import REPORTERS
from tests.e2e_project import Project
from tests.emulator_fixtures import APP as E2E_APP
from tests.emulator_fixtures import running_emulator
from tests.pg_server import PASSWORD as PG_PASSWORD

CUSTOMER_ID = "audit-customer"
SECRETS = {
    "access key": "AKIAAUDITACCESS4F7Q",
    "secret key": "audit-secret-key-Zx81Lq",
    "rotated secret key": "audit-secret-key-ROTATED-Ty29",
    "sts token": "audit-sts-token-Gh53Wd",
    "rtc token": "audit-rtc-token-Pm45Rt",
    "customer secret": "audit-customer-secret-Vb62Ns",
    "wrong customer secret": "audit-wrong-secret-Hh27Ju",
    "literal secret": "audit-literal-secret-Kd93Fe",
    # literals under keys a user mistyped: still credentials, whatever the spelling
    "misspelt access key": "audit-acess-key-Wq71Mb",
    "misspelt secret key": "audit-secret-kye-Ln28Sd",
    "mis-cased access key": "audit-AccessKey-Jt40Vc",
    "misspelt token": "audit-tokn-Xe95Pa",
    "pg password": PG_PASSWORD,
    "wrong pg password": "audit-wrong-pg-pass-Rr66Xc",
}

JOB = """apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
spec:
  cname: {cname}
  uid: "{uid}"
  clientRequest:
    token: ${{env:AUDIT_RTC_TOKEN}}
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: [{subs}]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: audit
      accessKey: ${{env:AUDIT_ACCESS_KEY}}
      secretKey: ${{env:AUDIT_SECRET_KEY}}
      stsToken: ${{env:AUDIT_STS_TOKEN}}
      stsExpiration: 4102444800
      fileNamePrefix: ["audit", "{prefix}"]
"""


def variants(value: str) -> set[str]:
    """The forms a leak could take: raw, inside an Authorization header, URL-encoded."""
    found = {value, quote(value, safe="")}
    for user in (CUSTOMER_ID, "snaplint-emulator"):
        found.add(base64.b64encode(f"{user}:{value}".encode()).decode())
    return found


def leaks(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if any(v in text for v in variants(value))]


def test_the_scan_finds_what_it_looks_for():
    header = base64.b64encode(f"{CUSTOMER_ID}:{SECRETS['customer secret']}".encode()).decode()
    assert leaks(f"Authorization: Basic {header}") == ["customer secret"]
    assert leaks(f"dsn password={quote(PG_PASSWORD)}") == ["pg password"]
    assert leaks("nothing to see") == []


class Audit:
    def __init__(self, project: Project, tmp_path: Path, backend: str) -> None:
        self.p = project
        self.tmp = tmp_path
        self.backend = backend
        self.runs: list[tuple[str, str]] = []  # (command, output)

    def run(self, *args: str, env: dict[str, str] | None = None, expect: int | None = 0) -> str:
        code, out, err = self.p.run_process(*args, env=env, timeout=120)
        label = " ".join(args)
        self.runs += [(f"{label} (stdout)", out), (f"{label} (stderr)", err)]
        if expect is not None:
            assert code == expect, f"{label}: exit {code}\n{out}\n{err}"
        return out + err

    def job(self, name: str, cname: str, uid: str, subs: tuple[str, ...] = ("1001",)) -> None:
        text = JOB.format(
            name=name,
            cname=cname,
            uid=uid,
            subs=", ".join(f'"{s}"' for s in subs),
            prefix=cname.replace("-", ""),
        )
        (self.p.root / "jobs" / f"{name}.yaml").write_text(text)

    def stored_rows(self) -> list[tuple[str, bytes]]:
        """Every value stored in the database (PostgreSQL backend)."""
        import psycopg
        from psycopg import sql

        schema = self.p.env["SNAPLINT_PG_SCHEMA"]
        rows: list[tuple[str, bytes]] = []
        with psycopg.connect(self.p.env["SNAPLINT_PG_DSN"]) as conn:
            for table in ("states", "journal", "locks"):
                query = sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table))
                for row in conn.execute(query):
                    for value in row:
                        data = value if isinstance(value, bytes | memoryview) else str(value)
                        rows.append(
                            (
                                f"{table} row",
                                bytes(data) if not isinstance(data, str) else data.encode(),
                            )
                        )
        return rows

    def everything(self) -> list[tuple[str, str]]:
        found = list(self.runs)
        # not snaplint's: the emulator's bucket (Agora's side), the committed literal secret
        skip = (self.tmp / "storage", self.tmp / "lint-only")
        for path in sorted(self.tmp.rglob("*")):
            if path.is_file() and not any(folder in path.parents for folder in skip):
                found.append(
                    (str(path.relative_to(self.tmp)), path.read_bytes().decode("utf-8", "replace"))
                )
        if self.backend == "postgres":
            found += [
                (where, data.decode("utf-8", "replace")) for where, data in self.stored_rows()
            ]
        return found


@pytest.fixture(params=["file", pytest.param("postgres", marks=pytest.mark.postgres)])
def audit(request, tmp_path, monkeypatch):
    with running_emulator(
        tmp_path / "storage", customer_id=CUSTOMER_ID, customer_secret=SECRETS["customer secret"]
    ) as emu:
        p = Project(tmp_path / "project", emu, monkeypatch)
        p.env.update(
            AGORA_CUSTOMER_ID=CUSTOMER_ID,
            AGORA_CUSTOMER_SECRET=SECRETS["customer secret"],
            AUDIT_ACCESS_KEY=SECRETS["access key"],
            AUDIT_SECRET_KEY=SECRETS["secret key"],
            AUDIT_STS_TOKEN=SECRETS["sts token"],
            AUDIT_RTC_TOKEN=SECRETS["rtc token"],
        )
        if request.param == "postgres":
            pg = request.getfixturevalue("pg_server")
            p.env.update(
                SNAPLINT_STATE_BACKEND="postgres",
                SNAPLINT_PG_DSN=pg.dsn,
                SNAPLINT_PG_SCHEMA=f"audit_{uuid.uuid4().hex[:12]}",
            )
        yield Audit(p, tmp_path, request.param)


def test_no_secret_appears_in_any_output_state_plan_or_journal(audit: Audit):
    p = audit.p
    for i, name in enumerate(("alpha", "beta")):
        audit.job(name, f"chan-{name}", str(910001 + i))
        p.emu.publish("1001", cname=f"chan-{name}")

    # -- lint: every output format, to stdout and to files --------------------------------
    formats = sorted(REPORTERS)
    assert all(f in audit.run("lint", "--help") for f in formats)
    lint_only = audit.tmp / "lint-only"  # outside the project: plan must not read it
    lint_only.mkdir()
    literal = (p.root / "jobs" / "alpha.yaml").read_text()
    literal = literal.replace("${env:AUDIT_ACCESS_KEY}", SECRETS["literal secret"])
    literal = literal.replace("subscribeUidGroup: 0", "subscribeUidGroup: 1")  # also fixable
    (lint_only / "literal.yaml").write_text(literal)
    misspelt = (p.root / "jobs" / "beta.yaml").read_text()
    for written, key, secret in (
        ("token: ${env:AUDIT_RTC_TOKEN}", "tokn", "misspelt token"),
        ("accessKey: ${env:AUDIT_ACCESS_KEY}", "acessKey", "misspelt access key"),
        ("secretKey: ${env:AUDIT_SECRET_KEY}", "secretKye", "misspelt secret key"),
    ):
        misspelt = misspelt.replace(written, f"{key}: {SECRETS[secret]}")
    misspelt = misspelt.replace(
        "      stsToken:", f"      AccessKey: {SECRETS['mis-cased access key']}\n      stsToken:"
    )
    (lint_only / "misspelt.yaml").write_text(misspelt)
    reports = audit.tmp / "reports"
    reports.mkdir()
    for fmt in formats:
        audit.run("lint", "--no-cache", "--format", fmt, "jobs")
        audit.run("lint", "--no-cache", "--resolve-env", "--format", fmt, "jobs", expect=None)
        audit.run("lint", "--no-cache", "--format", fmt, str(lint_only), expect=1)
        audit.run(
            "lint",
            "--format",
            f"{fmt}:{reports / fmt}",
            "--resolve-env",
            "jobs",
            str(lint_only),
            expect=1,
        )
    audit.run("lint", "--no-cache", "--statistics", str(lint_only), expect=1)
    out = audit.run("lint", "--no-cache", "--diff", "--unsafe-fixes", str(lint_only), expect=None)
    assert "accessKey: ***" in out  # the diff was shown, with the literal masked

    # -- plan: text, JSON, saved file, show -------------------------------------------------
    out = audit.run("plan", "--detailed-exitcode", expect=2)
    assert "(sensitive value)" in out
    audit.run("plan", "--json", "--detailed-exitcode", expect=2)
    audit.run("plan", "--out", "release.plan")
    audit.run("show", "release.plan")
    audit.run("show", "--json", "release.plan")

    # -- apply: the saved plan; an update and a rotated key with --json ------------------------
    audit.run("apply", "release.plan")
    audit.job("beta", "chan-beta", "910002", subs=("1001", "1002"))
    audit.run("apply", "--auto-approve", "--json")
    rotated = {"AUDIT_SECRET_KEY": SECRETS["rotated secret key"]}
    out = audit.run("plan", "--detailed-exitcode", env=rotated, expect=2)
    assert "will be updated in place" in out
    audit.run("apply", "--auto-approve", "--json", env=rotated)
    p.env.update(rotated)

    # -- state ---------------------------------------------------------------------------
    audit.run("state", "list", "-l")
    audit.run("state", "show", "alpha")
    audit.run("show")
    audit.run("workspace", "list")

    # -- a killed apply leaves its journal (scanned below, before a run recovers it) ---------
    audit.job("gamma", "chan-gamma", "910003")
    crash = {"SNAPLINT_TEST_CRASH_AT": "before-state-write"}
    code, _, _ = p.run_process("apply", "--auto-approve", env=crash)
    assert code == -signal.SIGKILL
    journal = [text for where, text in audit.everything() if "journal" in where]
    assert journal and any('"step":"start"' in text for text in journal)
    journal_leaks = [(where, leaks(text)) for where, text in audit.everything() if leaks(text)]
    assert journal_leaks == [], journal_leaks
    audit.run("plan")  # shows the interrupted apply's records
    audit.run("apply", "--auto-approve")  # recovers them

    # -- error paths -------------------------------------------------------------------------
    wrong = {"AGORA_CUSTOMER_SECRET": SECRETS["wrong customer secret"]}
    audit.job("delta", "chan-delta", "910004")
    out = audit.run("apply", "--auto-approve", env=wrong, expect=1)
    assert "401" in out or "authentication" in out.lower()
    p.emu.faults(
        errors={
            "start": {
                "rate": 1,
                "status": 400,
                "code": 2,
                "reason": f"invalid storageConfig: secretKey {SECRETS['rotated secret key']}, "
                f"token {SECRETS['rtc token']}",
            }
        }
    )
    out = audit.run("apply", "--auto-approve", expect=1)
    assert "invalid storageConfig: secretKey ***, token ***" in out  # shown, scrubbed
    audit.run("apply", "--auto-approve", "--json", expect=1)
    out = audit.run("reconcile", "--once", expect=1)  # the loop's round line carries the error
    assert "secretKey ***, token ***" in out
    p.emu.control("DELETE", "faults")
    token = p.env.pop("AUDIT_RTC_TOKEN")
    out = audit.run("apply", "--auto-approve", expect=1)
    assert "AUDIT_RTC_TOKEN" in out and "Nothing was changed" in out
    p.env["AUDIT_RTC_TOKEN"] = token
    (p.root / "jobs" / "literal.yaml").write_text(literal.replace("alpha", "epsilon"))
    out = audit.run("plan", expect=1)
    assert "literal-secret" in out
    (p.root / "jobs" / "literal.yaml").unlink()
    if audit.backend == "postgres":
        dsn = p.env["SNAPLINT_PG_DSN"].replace(PG_PASSWORD, SECRETS["wrong pg password"])
        out = audit.run("apply", "--auto-approve", env={"SNAPLINT_PG_DSN": dsn}, expect=1)
        assert "password authentication failed" in out
    audit.run("apply", "--auto-approve")  # delta, now that everything works again
    audit.run("reconcile", "--once")

    # -- nothing anywhere ----------------------------------------------------------------------
    searched = audit.everything()
    assert len(searched) > 100
    found = [(where, leaks(text)) for where, text in searched if leaks(text)]
    assert found == [], found
    assert len(p.running()) == 4


# -- minted tokens (issue 16, point 1) ---------------------------------------------------------

APP_CERTIFICATE = "a0d1b2c3e4f5a6b7c8d9e0f1a2b3c4d5"
MINTED = re.compile(r"00[67][A-Za-z0-9+/=_-]{40,}")  # any 006/007 token, whatever it holds


def test_minted_tokens_and_the_app_certificate_appear_nowhere(audit: Audit):
    p = audit.p
    # the emulator verifies tokens for the project's App ID: a session proves the token right
    p.emu.server.app.engine.app_certificates = {E2E_APP: APP_CERTIFICATE}
    for i, name in enumerate(("alpha", "beta")):
        audit.job(name, f"chan-{name}", str(910001 + i))
        manifest = p.root / "jobs" / f"{name}.yaml"
        manifest.write_text(
            manifest.read_text().replace("${env:AUDIT_RTC_TOKEN}", "${agora:rtc-token}")
        )
        p.emu.publish("1001", cname=f"chan-{name}")

    audit.run("lint", "--no-cache", "jobs")  # known later: no finding
    out = audit.run("plan", expect=1)  # no certificate: a plan error naming the variable
    assert "AGORA_APP_CERTIFICATE" in out and "alpha" in out

    p.env["AGORA_APP_CERTIFICATE"] = APP_CERTIFICATE
    out = audit.run("plan", "--detailed-exitcode", expect=2)
    assert "token" in out and "(minted at start, valid 24h)" in out
    out = audit.run("plan", env={"SNAPLINT_RTC_TOKEN_VALIDITY": "2h"}, expect=None)
    assert "(minted at start, valid 2h)" in out
    out = audit.run("plan", env={"SNAPLINT_RTC_TOKEN_VALIDITY": "25h"}, expect=1)
    assert "SNAPLINT_RTC_TOKEN_VALIDITY" in out
    audit.run("plan", "--json")
    audit.run("plan", "--out", "minted.plan")
    audit.run("show", "--json", "minted.plan")
    audit.run("apply", "minted.plan")
    for name in ("alpha", "beta"):
        assert p.one_running(f"chan-{name}")  # the emulator accepted the minted token
    if audit.backend == "file":  # state records only the expiry
        assert p.state()["jobs"]["alpha"]["tokenExpiresAt"].endswith("Z")
    audit.run("state", "show", "alpha")
    audit.run("show")
    # a killed apply leaves its journal, with the start intent of a fresh token
    audit.job("gamma", "chan-gamma", "910003")
    gamma = p.root / "jobs" / "gamma.yaml"
    gamma.write_text(gamma.read_text().replace("${env:AUDIT_RTC_TOKEN}", "${agora:rtc-token}"))
    code, _, _ = p.run_process(
        "apply", "--auto-approve", env={"SNAPLINT_TEST_CRASH_AT": "before-state-write"}
    )
    assert code == -signal.SIGKILL
    journal = [text for where, text in audit.everything() if "journal" in where]
    assert journal and any(
        "tokenExpiresAt" in text or "token_expires_at" in text for text in journal
    )
    audit.run("apply", "--auto-approve")
    audit.run("destroy", "--auto-approve")

    found = [
        (where, "minted token" if MINTED.search(text) else "App Certificate")
        for where, text in audit.everything()
        if MINTED.search(text) or any(v in text for v in variants(APP_CERTIFICATE))
    ]
    assert found == [], found

"""The address a plan prints, ``job.NAME``, works wherever a job name is asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snaplint.plan.address import address, job_name
from tests.e2e_project import ACCESS_KEY, SECRET_KEY, job_yaml
from tests.test_operations import _embedded_client


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A two-job project against the embedded emulator (no Agora account in the environment)."""
    for var in (
        "AGORA_CUSTOMER_ID",
        "AGORA_CUSTOMER_SECRET",
        "SNAPLINT_API_ENDPOINT",
        "SNAPLINT_CREDENTIALS_FILE",
        "SNAPLINT_WORKSPACE",
        "XDG_CONFIG_HOME",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("E2E_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("E2E_SECRET_KEY", SECRET_KEY)
    (tmp_path / "jobs").mkdir()
    (tmp_path / ".snaplint.yaml").write_text("plan:\n  parallelism: 2\n")
    for i, name in enumerate(("alpha", "beta")):
        (tmp_path / "jobs" / f"{name}.yaml").write_text(job_yaml(name, f"room-{name}", f"90{i}"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_job_name_reads_the_address_and_leaves_names_alone() -> None:
    assert job_name("job.lobby-cam") == job_name("lobby-cam") == "lobby-cam"
    assert job_name(address("alpha")) == "alpha"
    assert job_name("job.") == "job."  # not an address: no name after the prefix


def test_targeting_options_take_the_address(cli, root: Path) -> None:
    code, out, err = cli("plan", "--target", "job.alpha")
    assert code == 0, err
    assert "job.alpha" in out and "job.beta" not in out
    code, out, err = cli("plan", "--exclude=job.alpha")
    assert code == 0, err
    assert "job.beta" in out and "job.alpha" not in out
    assert cli("apply", "--auto-approve")[0] == 0
    code, out, err = cli("plan", "--replace", "job.beta")
    assert code == 0, err
    assert "Plan: 0 to start, 0 to update, 1 to replace, 0 to stop." in out


def test_state_commands_take_the_address(cli, root: Path) -> None:
    (root / "jobs" / "alpha.yaml").write_text(job_yaml("alpha", "room-alpha", "900", protect=True))
    assert cli("apply", "--auto-approve")[0] == 0
    code, out, err = cli("state", "show", "job.alpha")
    assert code == 0, err
    assert out.startswith("# job.alpha\n")
    code, out, _ = cli("state", "unprotect", "job.alpha")
    assert code == 0 and "job.alpha is no longer protected" in out
    code, out, _ = cli("state", "rm", "job.alpha", "job.beta", "--dry-run")
    assert code == 0 and "Would remove job.alpha" in out and "Would remove job.beta" in out
    code, out, _ = cli("state", "rm", "job.beta")
    assert code == 0 and "Removed job.beta from the state" in out
    assert cli("state", "list")[1].split() == ["alpha"]


def test_status_takes_the_address(cli, root: Path) -> None:
    assert cli("apply", "--auto-approve")[0] == 0
    code, out, _ = cli("status", "--json", "--target", "job.beta")
    assert code == 0 and [j["name"] for j in json.loads(out)["jobs"]] == ["beta"]


def test_import_takes_the_address(cli, root: Path) -> None:
    from snaplint.emulator.app import DEFAULT_APP_ID

    client = _embedded_client(root)
    acquired = client.acquire(DEFAULT_APP_ID, "room-alpha", "900", {})
    body = {
        "recordingConfig": {
            "channelType": 1,
            "streamTypes": 1,
            "subscribeVideoUids": ["1001"],
            "subscribeUidGroup": 0,
        },
        "snapshotConfig": {"captureInterval": 15, "fileType": ["jpg"]},
        "storageConfig": {
            "vendor": 1,
            "region": 0,
            "bucket": "shots",
            "accessKey": ACCESS_KEY,
            "secretKey": SECRET_KEY,
        },
    }
    started = client.start(
        DEFAULT_APP_ID, acquired.resource_id, "individual", "room-alpha", "900", body
    )
    code, out, err = cli(
        "import", "job.alpha", "--resource-id", acquired.resource_id, "--sid", started.sid
    )
    assert code == 0, out + err
    assert "\njob.alpha: Import successful" in out
    assert "snaplint apply --replace alpha" in out
    assert cli("state", "list")[1].split() == ["alpha"]

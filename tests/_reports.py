"""A small repository for the report tests: a git root with the snaplint project in a subfolder.

The project lives in ``<repo>/deploy`` so that tests can tell "relative to the repository
root" (what SARIF, GitHub and GitLab need) from "relative to the project" or "to cwd".
"""

from __future__ import annotations

from pathlib import Path

CLEAN = """apiVersion: snaplint/v1
kind: SnapshotJob
metadata:
  name: {name}
spec:
  cname: {name}
  uid: "910001"
  clientRequest:
    recordingConfig:
      channelType: 1
      streamTypes: 1
      maxIdleTime: 300
      subscribeVideoUids: ["1001"]
      subscribeUidGroup: 0
    snapshotConfig:
      captureInterval: 15
      fileType: ["jpg"]
    storageConfig:
      vendor: 1
      region: 0
      bucket: shots
      accessKey: ${{env:AWS_ACCESS_KEY_ID}}
      secretKey: ${{env:AWS_SECRET_ACCESS_KEY}}
"""

# A literal secret in a field that also has a finding: no report may print the value.
SECRET_VALUE = "AKIA9SECRETVALUE1234"
SECRET_KEY_VALUE = "wJalrXUtnFEMIsecretK7MDENG"


def bad(name: str) -> str:
    return (
        CLEAN.format(name=name)
        .replace("captureInterval: 15", "captureInterval: 0")
        .replace("channelType: 1", "channelType: 7")
    )


def with_secret(name: str) -> str:
    return (
        CLEAN.format(name=name)
        .replace("${env:AWS_ACCESS_KEY_ID}", SECRET_VALUE)
        .replace("${env:AWS_SECRET_ACCESS_KEY}", "12345")  # wrong type on a secret field
        .replace("bucket: shots", f"bucket: shots\n      # {SECRET_KEY_VALUE[:4]}")
    )


def make_repo(tmp_path: Path) -> Path:
    """``tmp/.git`` + ``tmp/deploy/.snaplint.yaml`` + jobs; returns the project folder."""
    (tmp_path / ".git").mkdir()
    project = tmp_path / "deploy"
    (project / "jobs").mkdir(parents=True)
    (project / ".snaplint.yaml").write_text('api-revision: "2020-10"\n')
    (project / "jobs" / "good.yaml").write_text(CLEAN.format(name="good"))
    (project / "jobs" / "bad.yaml").write_text(bad("bad"))
    (project / "jobs" / "secret.yaml").write_text(with_secret("secret"))
    return project


def info_only(name: str) -> str:
    """A job whose only finding is ``info`` (max-idle-time-below-recommendation): exit 0."""
    return CLEAN.format(name=name).replace("maxIdleTime: 300", "maxIdleTime: 60")


def leaked(name: str) -> str:
    """A job whose only finding is the committed access key (literal-secret)."""
    return CLEAN.format(name=name).replace("${env:AWS_ACCESS_KEY_ID}", SECRET_VALUE)

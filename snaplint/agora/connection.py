"""Which Cloud Recording service a command talks to: a real endpoint or the embedded emulator.

::

    client, description = open_client(project_root=root, endpoint=config_endpoint,
                                      app_id=config_app_id, env=os.environ)

Settings, strongest first:

- endpoint: ``SNAPLINT_API_ENDPOINT``, then ``endpoint`` (config ``api.endpoint``), else
  ``https://api.agora.io`` with its domain failover chain (``SNAPLINT_API_REGION`` adds the
  regional domain of that region, e.g. ``us-east-1``);
- credentials: ``AGORA_CUSTOMER_ID`` + ``AGORA_CUSTOMER_SECRET``, else a credentials file
  (``SNAPLINT_CREDENTIALS_FILE``, else ``$XDG_CONFIG_HOME/snaplint/credentials`` or
  ``~/.config/snaplint/credentials``) holding ``AGORA_CUSTOMER_ID=…`` and
  ``AGORA_CUSTOMER_SECRET=…`` lines; the file must not be readable by group or others (0600);
- App ID (of jobs without their own ``spec.appId``, which always wins): ``AGORA_APP_ID``,
  then ``app_id`` (config ``api.app-id``); see :func:`snaplint.config.app_id_fallback`.

When none of ``SNAPLINT_API_ENDPOINT`` / ``endpoint``, customer credentials or
``AGORA_APP_ID`` is configured, the client is backed by the **embedded emulator**
(``snaplint.emulator.embedded``) with its state in ``<project_root>/.snaplint/emulator/`` and
the description says "local emulator (no Agora account configured)". A loopback endpoint
without credentials uses the emulator's default credentials (a ``snaplint emulator`` running
locally). Any other incomplete configuration is a :class:`ConnectionConfigError`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from snaplint.agora.client import CloudRecordingClient
from snaplint.agora.clientconfig import DEFAULT_ENDPOINT, Credentials, RetryPolicy, Timeouts
from snaplint.agora.endpoint import EndpointError, check_endpoint
from snaplint.agora.ratelimit import SHARED, RateLimiters
from snaplint.config import ENV_APP_ID, app_id_fallback

EMBEDDED_DIR = Path(".snaplint") / "emulator"
EMBEDDED_DESCRIPTION = "local emulator (no Agora account configured)"
ENV_ENDPOINT = "SNAPLINT_API_ENDPOINT"
ENV_REGION = "SNAPLINT_API_REGION"
ENV_CUSTOMER_ID = "AGORA_CUSTOMER_ID"
ENV_CUSTOMER_SECRET = "AGORA_CUSTOMER_SECRET"
ENV_APP_CERTIFICATE = "AGORA_APP_CERTIFICATE"  # signs ${agora:rtc-token} tokens (never sent)
ENV_CREDENTIALS_FILE = "SNAPLINT_CREDENTIALS_FILE"


class ConnectionConfigError(ValueError):
    """The API connection is configured incompletely or unsafely (a usage error, exit 2)."""


@dataclass(frozen=True)
class Connection:
    """What :func:`describe_connection` decided, before any client exists."""

    kind: str  # "embedded" | "endpoint"
    endpoint: str | None
    credentials: Credentials | None
    description: str


def resolve_app_id(app_id: str | None, env: Mapping[str, str]) -> str | None:
    """The App ID of jobs without ``spec.appId``: ``AGORA_APP_ID``, then ``app_id`` (the
    config's ``api.app-id``) — :func:`snaplint.config.app_id_fallback`."""
    return app_id_fallback(env, {"app-id": app_id})


def embedded_app_id(endpoint: str | None, env: Mapping[str, str]) -> str | None:
    """The embedded emulator's App ID when commands would run against it (no Agora account
    configured), else None (also when the configuration is refused: reported on connect)."""
    try:
        if describe_connection(endpoint=endpoint, env=env).kind != "embedded":
            return None
    except ConnectionConfigError:
        return None
    from snaplint.emulator.app import DEFAULT_APP_ID

    return DEFAULT_APP_ID


def default_credentials_file(env: Mapping[str, str]) -> Path | None:
    if env.get(ENV_CREDENTIALS_FILE):
        return Path(env[ENV_CREDENTIALS_FILE])
    base = env.get("XDG_CONFIG_HOME") or (
        str(Path(env["HOME"]) / ".config") if env.get("HOME") else None
    )
    return Path(base) / "snaplint" / "credentials" if base else None


def _read_values(path: Path) -> dict[str, str] | None:
    """The ``KEY=VALUE`` lines of a file only its owner can read; None if absent."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConnectionConfigError(
            f"credentials file {path} is accessible by other users "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); run: chmod 600 {path}"
        )
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConnectionConfigError(f"{path}:{number}: expected KEY=VALUE")  # no value echoed
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def read_credentials_file(path: Path) -> Credentials | None:
    """Credentials from a ``KEY=VALUE`` file that only its owner can read; None if absent."""
    values = _read_values(path)
    if values is None:
        return None
    cid, secret = values.get(ENV_CUSTOMER_ID), values.get(ENV_CUSTOMER_SECRET)
    if not cid or not secret:
        raise ConnectionConfigError(
            f"{path} must set both {ENV_CUSTOMER_ID} and {ENV_CUSTOMER_SECRET}"
        )
    return Credentials.of(cid, secret)


def app_certificate(env: Mapping[str, str], credentials_file: Path | None = None) -> str | None:
    """The App Certificate that signs minted RTC tokens: ``AGORA_APP_CERTIFICATE``, else the
    same key in the credentials file (which then needs no customer credentials for it)."""
    if env.get(ENV_APP_CERTIFICATE):
        return env[ENV_APP_CERTIFICATE]
    path = credentials_file or default_credentials_file(env)
    values = _read_values(path) if path is not None else None
    return (values or {}).get(ENV_APP_CERTIFICATE) or None


def _credentials(env: Mapping[str, str], credentials_file: Path | None) -> Credentials | None:
    cid, secret = env.get(ENV_CUSTOMER_ID), env.get(ENV_CUSTOMER_SECRET)
    if cid or secret:
        if not (cid and secret):
            missing = ENV_CUSTOMER_SECRET if cid else ENV_CUSTOMER_ID
            raise ConnectionConfigError(f"{missing} is not set (set both customer ID and secret)")
        return Credentials.of(cid, secret)
    path = credentials_file or default_credentials_file(env)
    return read_credentials_file(path) if path is not None else None


def describe_connection(
    *,
    endpoint: str | None,
    env: Mapping[str, str],
    credentials_file: Path | None = None,
) -> Connection:
    """Decide real endpoint vs embedded emulator (no I/O beyond reading the credentials file)."""
    setting = ENV_ENDPOINT if env.get(ENV_ENDPOINT) else "api.endpoint"
    endpoint = env.get(ENV_ENDPOINT) or endpoint
    credentials = _credentials(env, credentials_file)
    if endpoint is None and credentials is None:
        if env.get(ENV_APP_ID):
            raise ConnectionConfigError(
                f"{ENV_APP_ID} is set but no customer credentials are: set {ENV_CUSTOMER_ID} and "
                f"{ENV_CUSTOMER_SECRET} (or unset {ENV_APP_ID} to use the local emulator)"
            )
        return Connection("embedded", None, None, EMBEDDED_DESCRIPTION)
    try:
        checked = check_endpoint(endpoint or DEFAULT_ENDPOINT, setting=setting)
    except EndpointError as exc:
        raise ConnectionConfigError(str(exc)) from None
    url = checked.url
    if credentials is None:
        if not checked.loopback:
            raise ConnectionConfigError(
                f"no customer credentials for {url}: set {ENV_CUSTOMER_ID} and {ENV_CUSTOMER_SECRET} "
                "or a credentials file"
            )
        from snaplint.emulator.app import DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET

        credentials = Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET)
        return Connection(
            "endpoint", url, credentials, f"emulator at {url} (default emulator credentials)"
        )
    return Connection("endpoint", url, credentials, f"Agora Cloud Recording at {url}")


def open_client(
    *,
    project_root: Path,
    endpoint: str | None,
    app_id: str | None,
    env: Mapping[str, str],
    qps: float = 10,
    burst: float = 1,
    credentials_file: Path | None = None,
    retry: RetryPolicy | None = None,
    timeouts: Timeouts | None = None,
    limiters: RateLimiters = SHARED,
) -> tuple[CloudRecordingClient, str]:
    """A client and a one-line description of what it talks to.

    ``app_id`` (the config's ``api.app-id``) only sets ``client.default_app_id``, through
    :func:`resolve_app_id`; calls take each job's App ID explicitly.
    """
    conn = describe_connection(endpoint=endpoint, env=env, credentials_file=credentials_file)
    resolved_app = resolve_app_id(app_id, env)
    if conn.kind == "embedded":
        from snaplint.emulator.app import (
            DEFAULT_APP_ID,
            DEFAULT_CUSTOMER_ID,
            DEFAULT_CUSTOMER_SECRET,
        )
        from snaplint.emulator.embedded import EmbeddedEmulator
        from snaplint.workdir import make_dirs

        directory = Path(project_root) / EMBEDDED_DIR
        emulator = EmbeddedEmulator(directory, make_dirs=make_dirs)
        description = f"{EMBEDDED_DESCRIPTION}; state in {directory}"
        client = CloudRecordingClient(
            Credentials.of(DEFAULT_CUSTOMER_ID, DEFAULT_CUSTOMER_SECRET),
            endpoint=emulator.base_url,
            transport=emulator.transport(),
            qps=qps,
            burst=burst,
            limiters=limiters,
            retry=retry,
            timeouts=timeouts,
            description=description,
        )
        client.default_app_id = resolved_app or DEFAULT_APP_ID
        client.embedded = emulator
        return client, description
    assert conn.endpoint is not None and conn.credentials is not None
    regions = [env[ENV_REGION]] if env.get(ENV_REGION) else []
    try:
        client = CloudRecordingClient(
            conn.credentials,
            endpoint=conn.endpoint,
            regions=regions,
            qps=qps,
            burst=burst,
            limiters=limiters,
            retry=retry,
            timeouts=timeouts,
            description=conn.description,
        )
    except ValueError as exc:
        raise ConnectionConfigError(str(exc)) from None
    client.default_app_id = resolved_app
    client.embedded = None
    return client, conn.description

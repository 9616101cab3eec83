"""How a client is configured: credentials, retry policy, timeouts, the endpoint chain.

The endpoint is checked by :mod:`snaplint.agora.endpoint`'s policy; the domain failover chain
follows reference §7.2 (``api.agora.io`` ↔ ``api.sd-rtn.com``, then regional domains).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from snaplint.agora.endpoint import check_endpoint as _endpoint_policy
from snaplint.redaction import Secret

DEFAULT_ENDPOINT = "https://api.agora.io"
# Both primary domains and the regional ones (reference §1.1, §7.2; BP domain table).
PRIMARY_HOSTS = ("api.agora.io", "api.sd-rtn.com")
REGIONS = (
    "us-west-1",
    "us-east-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "eu-west-1",
    "eu-central-1",
    "cn-east-1",
    "cn-north-1",
)


@dataclass(frozen=True)
class Credentials:
    """Customer ID and secret for HTTP Basic auth (reference AUTH)."""

    customer_id: str
    customer_secret: Secret

    @classmethod
    def of(cls, customer_id: str, customer_secret: str | Secret) -> Credentials:
        secret = customer_secret if isinstance(customer_secret, Secret) else Secret(customer_secret)
        return cls(customer_id, secret)

    def header(self) -> Secret:
        token = base64.b64encode(
            f"{self.customer_id}:{self.customer_secret.reveal()}".encode()
        ).decode()
        return Secret(f"Basic {token}")

    def __repr__(self) -> str:
        return f"Credentials(customer_id={mask(self.customer_id)!r}, customer_secret=***)"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry and backoff settings (defaults from reference §7.2)."""

    total: int = 3
    # backoff_factor·2^(n−1): 3 s, 6 s, 12 s — BP: code 65 → 3 s then 6 s; start 50x → 3, 6, 9 s
    backoff_factor: float = 3.0
    backoff_jitter: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 60.0
    failover_backoff: tuple[float, ...] = (1.0, 3.0, 6.0)  # BP domain failover


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0  # a synchronous stop waits for the upload (≤ 20 s, API-26)


def check_endpoint(url: str, setting: str = "the API endpoint") -> str:
    """The endpoint without a trailing slash, checked by :mod:`snaplint.agora.endpoint`'s policy
    (``EndpointError``, a ``ValueError``, otherwise)."""
    return _endpoint_policy(url, setting=setting).url


def failover_endpoints(endpoint: str, regions: Sequence[str] = ()) -> list[str]:
    """The domain failover chain (reference §7.2): this domain, the other primary domain,
    then the given regional domains of this domain's family. Other endpoints stand alone."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.scheme != "https" or host not in PRIMARY_HOSTS or parts.port:
        return [endpoint]
    other = PRIMARY_HOSTS[1] if host == PRIMARY_HOSTS[0] else PRIMARY_HOSTS[0]
    family = host.removeprefix("api.")
    chain = [f"https://{host}", f"https://{other}"]
    for region in regions:
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r} (one of {', '.join(REGIONS)})")
        chain.append(f"https://api-{region}.{family}")
    return chain


def mask(value: str) -> str:
    return value[:4] + "…" if len(value) > 6 else "…"

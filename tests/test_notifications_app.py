"""The WSGI receiver called directly (no server): every answer, and what is stored."""

from __future__ import annotations

import io
import logging

import pytest

from snaplint.notifications import Secrets, SQLiteEventStore, StoreError, create_app
from snaplint.notifications.compose import call_wsgi, notification_body, signed_headers

SECRET = "ncs-Secret-3f9a1c77e2"  # distinctive, so leak checks can look for it
APP_A = "0123456789abcdef0123456789abcdef"
APP_B = "fedcba9876543210fedcba9876543210"
SECRET_B = "ncs-Secret-b-5d20aa41"


@pytest.fixture
def store(tmp_path):
    s = SQLiteEventStore(tmp_path / ".snaplint")
    yield s
    s.close()


@pytest.fixture
def app(store):
    return create_app(store, Secrets(SECRET, per_app={APP_B: SECRET_B}), max_body=4096)


def body(seq: int = 0, **kw) -> bytes:
    return notification_body(
        45, sid="sid-1", cname="c", uid="527", sequence=seq, sendts=1000 + seq, **kw
    )


def post(app, data: bytes, secret: str | None = SECRET, path: str = "/agora/ncs", **kw):
    headers = signed_headers(data, secret) if secret else {"Content-Type": "application/json"}
    headers.update(kw.pop("headers", {}))
    return call_wsgi(app, "POST", path, data, headers, **kw)


def test_valid_notification_is_stored_then_a_duplicate(app, store):
    data = body(notice_id="n-1")
    status, headers, answer = post(app, data)
    assert (status, answer) == (200, {"ok": True, "duplicate": False})
    assert headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) > 0
    assert post(app, data)[::2] == (200, {"ok": True, "duplicate": True})
    copy = body(notice_id="n-2")  # redundant notification: new noticeId, same event
    assert post(app, copy)[2] == {"ok": True, "duplicate": True}
    (stored,) = store.events()
    assert stored.notice_id == "n-1" and stored.app_id is None and stored.received_ms > 0


def test_v1_only_signature_is_accepted(app, store):
    data = body()
    headers = signed_headers(data, SECRET, v2=False)
    assert call_wsgi(app, "POST", "/agora/ncs", data, headers)[0] == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Agora-Signature-V2": "0" * 64},
        {"Agora-Signature": "0" * 40},
        {"Agora-Signature-V2": ""},
    ],
)
def test_unsigned_or_wrongly_signed_is_401_and_not_stored(app, store, headers, caplog):
    status, _, answer = call_wsgi(app, "POST", "/agora/ncs", body(), headers)
    assert status == 401 and answer["ok"] is False
    assert store.count() == 0


def test_signed_with_another_secret_is_401(app, store):
    assert post(app, body(), secret="not-the-secret")[0] == 401
    assert store.count() == 0


def test_per_app_id_path_uses_that_secret_and_records_the_app(app, store):
    data = body(notice_id="b")
    assert post(app, data, secret=SECRET, path=f"/agora/ncs/{APP_B}")[0] == 401  # narrowed
    assert post(app, data, secret=SECRET_B, path=f"/agora/ncs/{APP_B}")[0] == 200
    # an App ID without a secret of its own falls back to the default, and is recorded
    assert post(app, body(1, notice_id="a"), path=f"/agora/ncs/{APP_A}")[0] == 200
    # at the bare path, the matching per-App-ID secret names the App ID
    assert post(app, body(2, notice_id="c"), secret=SECRET_B)[0] == 200
    assert [(e.notice_id, e.app_id) for e in store.events()] == [
        ("b", APP_B),
        ("a", APP_A),
        ("c", APP_B),
    ]


def test_unknown_app_id_without_default_is_404(store):
    app = create_app(store, Secrets(per_app={APP_B: SECRET_B}))
    assert post(app, body(), secret=SECRET_B, path=f"/agora/ncs/{APP_A}")[0] == 404
    assert post(app, body(), secret=SECRET_B, path="/agora/ncs/not!an!id")[0] == 404
    assert post(app, body(), secret=SECRET_B, path=f"/agora/ncs/{APP_B}/")[0] == 200


class Unreadable(io.RawIOBase):
    def read(self, n=-1):
        raise AssertionError("the body must not be read")


def test_too_large_is_413_from_content_length_before_reading(app, store):
    status, _, answer = call_wsgi(
        app,
        "POST",
        "/agora/ncs",
        b"",
        {"Content-Length": "4097"},
        content_length=False,
        environ={"wsgi.input": Unreadable()},
    )
    assert status == 413 and "4096" in answer["error"]
    big = body(details={"fileName": "x" * 5000})
    assert post(app, big)[0] == 413
    assert store.count() == 0


def test_without_content_length_the_read_is_capped(app, store):
    big = body(details={"fileName": "x" * 5000})
    reads: list[int] = []

    class Counting(io.BytesIO):
        def read(self, n=-1):
            reads.append(n)
            return super().read(n)

    status, _, _ = post(
        app,
        big,
        content_length=False,
        environ={"wsgi.input": Counting(big), "wsgi.input_terminated": True},
    )
    assert status == 413 and reads == [4097]
    small = body()
    env = {"wsgi.input": io.BytesIO(small), "wsgi.input_terminated": True}
    assert post(app, small, content_length=False, environ=env)[0] == 200
    # a server that cannot tell where the body ends: refuse rather than block reading
    assert post(app, small, content_length=False)[0] == 411


@pytest.mark.parametrize(
    ("data", "length"),
    [(b"{not json", None), (b"[]", None), (b'{"noticeId": "x"}', None), (b"{}", "abc")],
)
def test_malformed_is_400(app, store, data, length):
    headers = {"Content-Length": length} if length else {}
    status, _, answer = post(app, data, headers=headers, content_length=length is None)
    assert status == 400 and answer["ok"] is False and answer["error"]
    assert store.count() == 0


def test_body_shorter_than_its_content_length_is_400(app):
    data = body()
    env = {"wsgi.input": io.BytesIO(data[:10])}
    assert post(app, data, environ=env)[0] == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_are_405(app, method):
    status, headers, answer = call_wsgi(app, method, "/agora/ncs")
    assert status == 405 and headers["Allow"] == "POST" and answer["ok"] is False
    assert call_wsgi(app, method, f"/agora/ncs/{APP_B}")[0] == 405
    if method not in ("GET", "HEAD"):
        assert call_wsgi(app, method, "/healthz")[1]["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/", "/agora", "/agora/ncsx", "/healthz/x", "/agora/ncs/a/b"])
def test_unknown_paths_are_404(app, path):
    status, _, answer = post(app, body(), path=path)
    assert status == 404 and answer["ok"] is False


def test_healthz(app, store):
    assert call_wsgi(app, "GET", "/healthz")[::2] == (200, {"ok": True})
    store.close()
    store.path.unlink()
    (store.directory / ".gitignore").unlink()  # written when the store created .snaplint/
    store.directory.rmdir()
    store.directory.write_text("now a file")  # the store cannot reopen
    assert call_wsgi(app, "GET", "/healthz")[0] == 503


class FailingStore:
    """A store whose writes fail; the error text carries the secret to prove it is scrubbed."""

    def __init__(self, error: Exception):
        self.error = error

    def add(self, event):
        raise self.error

    def ping(self):
        raise self.error

    def events(self, **kw):
        return []

    def prune(self, days, *, now_ms=None):
        return 0

    def count(self):
        return 0

    def close(self):
        pass


@pytest.mark.parametrize(
    "error", [StoreError(f"disk full near {SECRET}"), RuntimeError(f"driver said {SECRET}")]
)
def test_store_failure_is_503_and_logged_without_the_secret(error, caplog):
    app = create_app(FailingStore(error), Secrets(SECRET))
    with caplog.at_level(logging.DEBUG, logger="snaplint.notifications"):
        status, _, answer = post(app, body(notice_id="n-9"))
    assert status == 503 and answer == {"ok": False, "error": "event store unavailable"}
    assert "n-9" in caplog.text and "503" in caplog.text
    assert SECRET not in caplog.text


def test_unexpected_failure_is_a_500_json_answer(app, monkeypatch, caplog):
    import snaplint.notifications.app as module

    def broken(*a, **kw):
        raise ZeroDivisionError(f"bug {SECRET}")

    monkeypatch.setattr(module, "parse_event", broken)
    status, headers, answer = post(app, body())
    assert status == 500 and answer == {"ok": False, "error": "internal error"}
    assert headers["Content-Type"] == "application/json"
    assert SECRET not in caplog.text and "ZeroDivisionError" in caplog.text


def test_the_secret_is_never_stored_logged_or_answered(app, store, caplog):
    answers = []
    with caplog.at_level(logging.DEBUG):
        for seq in range(20):
            answers.append(post(app, body(seq)))
        answers.append(post(app, body(99), secret="wrong"))
        answers.append(post(app, b"{", secret=SECRET))
        answers.append(call_wsgi(app, "GET", "/healthz"))
    store.close()
    for path in store.directory.iterdir():  # the database, its WAL and shared memory
        assert SECRET.encode() not in path.read_bytes(), path
        assert b"Agora-Signature" not in path.read_bytes()
    assert SECRET not in caplog.text
    assert all(SECRET not in repr(a) for a in answers)
    assert SECRET not in repr(app)


def test_configuration_errors():
    with pytest.raises(TypeError):
        create_app(FailingStore(StoreError()), {"default": SECRET})  # type: ignore[arg-type]
    for path in ("agora", "/", "/healthz"):
        with pytest.raises(ValueError):
            create_app(FailingStore(StoreError()), Secrets(SECRET), path=path)


def test_mounted_below_a_prefix(store):
    """Mounted under /hooks by a dispatcher: SCRIPT_NAME holds the prefix, PATH_INFO the rest."""
    app = create_app(store, Secrets(SECRET), path="/ncs")
    data = body()
    status, _, _ = call_wsgi(
        app, "POST", "/ncs", data, signed_headers(data, SECRET), environ={"SCRIPT_NAME": "/hooks"}
    )
    assert status == 200 and store.count() == 1

"""The receiver's status page: rendered from state and events, escaped, its thumbnails served
only from the emulator's folder — and looked at in a real headless Chromium."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from snaplint.emulator.jpeg import screenshot_jpeg
from snaplint.notifications import Secrets, SQLiteEventStore, create_app, parse_event
from snaplint.notifications.capture import capture
from snaplint.notifications.compose import notification_body
from snaplint.notifications.page import render_page
from snaplint.operations import apply as apply_op
from snaplint.operations import state_commands as state_op
from snaplint.operations.statuspage import ProjectStatus
from tests.test_operations import RecordingView, root_fixture, settings  # noqa: F401 (fixture)
from tests.test_status import events_for

ARTIFACTS = Path(os.environ.get("SNAPLINT_TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.fixture(autouse=True)
def _store_fed_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests feed the event store themselves, as a receiver would: the embedded
    emulator's own notifications are kept out of it."""
    from snaplint.operations import emulated_events

    monkeypatch.setattr(emulated_events, "event_sink", lambda opener: lambda bodies: None)


def get(app: Any, path: str) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO(b"")}
    body = b"".join(app(environ, start))
    return seen["status"], seen["headers"], body


def project_with_events(root: Path) -> tuple[Any, float]:
    """Two jobs applied on the embedded emulator, alpha's events stored, and the files its
    last screenshots name written where the emulator keeps them."""
    assert apply_op.apply(settings(root), RecordingView()).status == "ok"
    now = time.time()
    store = SQLiteEventStore(root / ".snaplint")
    for body in events_for(root, "alpha", now):
        event = parse_event(body)
        store.add(event)
        if event.file_name:
            path = root / ".snaplint" / "emulator" / "storage" / "1" / "shots" / event.file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(screenshot_jpeg("1001", int(now * 1000)))
    store.close()
    return ProjectStatus(settings(root)), now


def test_the_page_shows_a_row_per_job_and_uid_with_flags_and_thumbnails(root: Path) -> None:
    source, _ = project_with_events(root)
    app = create_app(SQLiteEventStore(root / ".snaplint"), Secrets("s"), status=source)
    status, headers, body = get(app, "/status")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert page.count('data-job="alpha" data-uid="1001"') == 1
    assert page.count('data-job="alpha" data-uid="1002"') == 1
    assert 'data-job="beta"' in page  # no event yet: still a row
    assert "not-sending-video" in page and "1 flagged" in page  # 1002 stopped 2 min ago
    assert page.count('<img class="thumb" src="/status/thumbnail/alpha/100') == 2
    status, headers, image = get(app, "/status/thumbnail/alpha/1001")
    assert status.startswith("200") and headers["Content-Type"] == "image/jpeg"
    assert image.startswith(b"\xff\xd8") and image.endswith(b"\xff\xd9")  # a whole JPEG
    # nothing but a last screenshot of a known job and uid is ever served
    for path in (
        "/status/thumbnail/beta/1001",
        "/status/thumbnail/alpha/9999",
        "/status/thumbnail/..%2F..%2Fstate.json/1001",
        "/status/thumbnail/alpha",
        "/status/other",
    ):
        status, _, body = get(app, path)
        assert status.startswith("404") and json.loads(body)["ok"] is False, path


def test_a_thumbnail_leading_out_of_the_storage_folder_is_not_served(root: Path) -> None:
    source, _ = project_with_events(root)
    view = next(v for v in source.views() if v.name == "alpha")
    shot = next(u for u in view.uids if u.uid == "1001").last_shot_key
    path = root / ".snaplint" / "emulator" / "storage" / "1" / "shots" / shot
    outside = root / "secret.jpg"
    outside.write_bytes(b"\xff\xd8 not for the page \xff\xd9")
    path.unlink()
    path.symlink_to(outside)
    source.views()
    assert source.thumbnail("alpha", "1001") is None


def test_without_a_status_source_there_is_no_page(root: Path) -> None:
    app = create_app(SQLiteEventStore(root / ".snaplint"), Secrets("s"))
    status, _, _ = get(app, "/status")
    assert status.startswith("404")


def test_every_value_is_escaped() -> None:
    spec = {"clientRequest": {"recordingConfig": {"subscribeVideoUids": ["<b>7</b>"]}}}
    job = capture('<script>alert("x")</script>', "running", None, spec, [], now_ms=0)
    page = render_page([job], generated_at="<now>")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>7</b>" not in page and "&lt;now&gt;" in page


def test_the_strip_counts_screenshots_per_minute() -> None:
    sid, t = "a" * 32, 1_800_000_000_000
    spec = {"clientRequest": {"recordingConfig": {"subscribeVideoUids": ["7"]}}}
    from snaplint.agora.filenames import build_name

    events = [
        parse_event(
            notification_body(
                45,
                sid=sid,
                cname="c",
                uid="9",
                sequence=i,
                sendts=t - ago,
                details={"fileName": build_name(sid, "c", "7", (t - ago) / 1000)},
            )
        )
        for i, ago in enumerate((1_000, 20_000, 130_000, 3_590_000, 3_700_000))
    ]
    [uid] = capture("j", "running", sid, spec, events, now_ms=t).uids
    assert uid.per_minute[59] == 2 and uid.per_minute[57] == 1 and uid.per_minute[0] == 1
    assert sum(uid.per_minute) == uid.shots_last_hour == 4  # the one 61 min ago is not in it


# --------------------------------------------------------------------------- in a browser


def _browser() -> Any:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("CI"):
            pytest.fail("Chromium and chromedriver are required in CI (.ci/run installs them)")
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options)


def test_the_page_in_headless_chromium(root: Path) -> None:
    from snaplint.notifications.serve import ReceiverServer

    source, _ = project_with_events(root)
    store = SQLiteEventStore(root / ".snaplint")
    server = ReceiverServer(create_app(store, Secrets("s"), status=source), port=0).start()
    browser = _browser()
    try:
        browser.get(server.url + "/status")
        assert browser.title == "snaplint status"
        rows = browser.find_elements("css selector", "#status tbody tr")
        seen = {(r.get_attribute("data-job"), r.get_attribute("data-uid")) for r in rows}
        assert {("alpha", "1001"), ("alpha", "1002")} <= seen and any(j == "beta" for j, _ in seen)
        silent = browser.find_element("css selector", 'tr[data-job="alpha"][data-uid="1002"]')
        assert "not-sending-video" in silent.text and "flagged" in silent.get_attribute("class")
        live = browser.find_element("css selector", 'tr[data-job="alpha"][data-uid="1001"]')
        assert "receiving" in live.text
        strip = live.find_elements("css selector", ".strip span")
        assert len(strip) == 60
        image = live.find_element("css selector", "img.thumb")
        decoded = browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", image
        )
        assert decoded, "the thumbnail did not decode"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "status-page.png"
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG")
    finally:
        browser.quit()
        server.stop()
        store.close()


def test_state_is_read_for_every_request(root: Path) -> None:
    source, _ = project_with_events(root)
    assert {v.name for v in source.views()} == {"alpha", "beta"}
    state_op.forget(settings(root), RecordingView(), ["beta"], dry_run=False)
    assert {v.name for v in source.views()} == {"alpha"}

"""The status page: the capture views of :mod:`snaplint.notifications.capture` as one
server-rendered HTML document (pure: views in, text out).

For people who would rather look than read ``snaplint status``: one row per job and uid with
the session's state, whether the uid's video is received, its last screenshot, a per-minute
strip of the last hour's screenshots, the flags, and the last screenshot itself as a
thumbnail when the receiver can read the storage (the emulator's local folder). No script, no
build step, no external asset: the page works offline and behind any proxy. Every value is
HTML-escaped (job names, uids and object keys come from manifests and events).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from urllib.parse import quote

from snaplint.notifications.capture import JobCapture, UidCapture

THUMBNAIL_PATH = "/status/thumbnail"  # + /<job>/<uid>
REFRESH_SECONDS = 30

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
h1{font-size:1.3rem;margin:0 0 .3rem}
p.summary{margin:0 0 1rem;color:#57606a}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:middle}
th{background:#f6f8fa;font-weight:600}
tr.flagged td{background:#fff5f5}
.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}.unknown{color:#57606a}
.flag{display:inline-block;background:#cf222e;color:#fff;border-radius:3px;padding:0 .35rem;
margin:0 .2rem .1rem 0;font-size:12px}
.strip{display:flex;gap:1px;height:18px;align-items:flex-end}
.strip span{display:block;width:4px;background:#2da44e}
.strip span.none{background:#d0d7de;height:2px}
code{font-size:12px;word-break:break-all}
img.thumb{max-width:160px;max-height:90px;border:1px solid #d0d7de}
"""


def render_page(
    jobs: Sequence[JobCapture],
    *,
    generated_at: str,
    has_thumbnail: Callable[[JobCapture, UidCapture], bool] = lambda job, uid: False,
) -> str:
    """The whole page for ``jobs``; ``has_thumbnail`` says which last screenshots the
    receiver can serve at :data:`THUMBNAIL_PATH`."""
    flagged = sum(1 for j in jobs if j.flagged)
    rows = "".join(_job_rows(job, has_thumbnail) for job in jobs) or (
        '<tr><td colspan="8" class="unknown">No job is recorded in state yet: '
        "run <code>snaplint apply</code>.</td></tr>"
    )
    summary = (
        f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}, "
        + (f'<span class="bad">{flagged} flagged</span>' if flagged else "none flagged")
        + f" · generated {escape(generated_at)} · refreshes every {REFRESH_SECONDS} s"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>snaplint status</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>snaplint status</h1>"
        f'<p class="summary">{summary}</p>'
        '<table id="status"><thead><tr>'
        "<th>job</th><th>session</th><th>uid</th><th>video</th><th>last screenshot</th>"
        "<th>last hour (per minute)</th><th>flags</th><th>thumbnail</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></body></html>\n"
    )


def _job_rows(job: JobCapture, has_thumbnail: Callable[[JobCapture, UidCapture], bool]) -> str:
    session = escape(job.status) + (f" · ended {escape(job.ended)}" if job.ended else "")
    if job.failovers:
        session += f" · {job.failovers} failover{'s' if job.failovers != 1 else ''}"
    job_flags = _flags(job.flags)
    if not job.uids:
        cls = ' class="flagged"' if job.flagged else ""
        return (
            f'<tr{cls} data-job="{escape(job.name)}" data-uid="">'
            f"<td>{escape(job.name)}</td><td>{session}</td>"
            '<td class="unknown" colspan="4">no subscribed uid and no event yet</td>'
            f"<td>{job_flags}</td><td></td></tr>"
        )
    out = []
    for uid in job.uids:
        cls = ' class="flagged"' if job.flags or uid.flags else ""
        out.append(
            f'<tr{cls} data-job="{escape(job.name)}" data-uid="{escape(uid.uid)}">'
            f"<td>{escape(job.name)}</td><td>{session}</td><td>{escape(uid.uid)}</td>"
            f"<td>{_video(uid)}</td><td>{_last_shot(uid)}</td>"
            f"<td>{_strip(uid, job.expected_last_hour)}</td>"
            f"<td>{job_flags}{_flags(uid.flags)}</td>"
            f"<td>{_thumbnail(job, uid) if has_thumbnail(job, uid) else ''}</td></tr>"
        )
    return "".join(out)


def _video(uid: UidCapture) -> str:
    if uid.receiving is None:
        return '<span class="unknown">unknown</span>'
    if uid.receiving:
        return '<span class="ok">receiving</span>'
    return '<span class="bad">not sending</span>'


def _last_shot(uid: UidCapture) -> str:
    data = uid.to_dict()["lastScreenshot"]
    if data is None:
        return '<span class="unknown">none yet</span>'
    return f"{escape(str(data['time']))}<br><code>{escape(str(data['key']))}</code>"


def _strip(uid: UidCapture, expected: int | None) -> str:
    top = max(max(uid.per_minute), 1)
    bars = "".join(
        f'<span style="height:{max(2, round(18 * n / top))}px" title="{n}"></span>'
        if n
        else '<span class="none" title="0"></span>'
        for n in uid.per_minute
    )
    of = f" of {expected} expected" if expected else ""
    return (
        f'<div class="strip" aria-label="screenshots per minute">{bars}</div>'
        f"{uid.shots_last_hour}{of}"
    )


def _flags(flags: Sequence[str]) -> str:
    return "".join(f'<span class="flag">{escape(f)}</span>' for f in flags)


def thumbnail_url(job: str, uid: str) -> str:
    return f"{THUMBNAIL_PATH}/{quote(job, safe='')}/{quote(uid, safe='')}"


def _thumbnail(job: JobCapture, uid: UidCapture) -> str:
    url = escape(thumbnail_url(job.name, uid.uid))
    alt = escape(f"last screenshot of uid {uid.uid}")
    return f'<img class="thumb" src="{url}" alt="{alt}">'

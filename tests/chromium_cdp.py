"""Drive headless Chromium over the DevTools protocol on a pipe (test helper, stdlib only).

``--remote-debugging-pipe`` makes Chromium read commands from fd 3 and write replies and
events to fd 4, as NUL-terminated JSON; no websocket client and no extra package needed.
:func:`inspect_page` loads a file, collects console messages, exceptions and log entries
(CSP violations, failed loads), checks that every ``<img>`` decodes, and screenshots the
whole page.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    console: list[dict[str, Any]] = field(default_factory=list)  # every console/log message
    exceptions: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)  # {alt, ok, width, height}
    screenshot: bytes = b""
    title: str = ""

    @property
    def errors(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions, CSP violations, failed loads."""
        out = [f"exception: {e}" for e in self.exceptions]
        out += [f"{m['source']} {m['level']}: {m['text']}" for m in self.console
                if m["level"] in ("error", "warning")]
        return out


class Chromium:
    """One headless browser, closed on exit."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="calcgrade-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # fds >= 10 for bash to move onto 3 and 4 (dash takes single-digit fds only)
        a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        script = f'exec "$0" "$@" 3<&{a} 4>&{b} {a}<&- {b}>&-'
        self.proc = subprocess.Popen(
            ["bash", "-c", script, binary, *FLAGS, f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(a, b), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(a)
        os.close(b)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    # -- protocol -------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str | None = None) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            event = self._receive()
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)

    def _receive(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    # -- lifetime -------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - it may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


IMAGES_JS = """
Promise.all(Array.from(document.images).map(img => img.decode().then(
  () => ({alt: img.alt, ok: img.naturalWidth > 0, width: img.naturalWidth, height: img.naturalHeight}),
  e => ({alt: img.alt, ok: false, width: 0, height: 0, error: String(e)}))))
"""


def inspect_page(browser: Chromium, path: Path, width: int = 1200) -> PageReport:
    """Open ``path`` in a new tab; what the console said, how images fared, a screenshot."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                 session=session)
    browser.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    report = PageReport()
    result = browser.send("Runtime.evaluate", {"expression": IMAGES_JS, "awaitPromise": True,
                                               "returnByValue": True}, session=session)
    report.images = result["result"].get("value") or []
    report.title = browser.send("Runtime.evaluate", {"expression": "document.title",
                                                     "returnByValue": True},
                                session=session)["result"].get("value", "")
    metrics = browser.send("Page.getLayoutMetrics", session=session)
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = browser.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 16000), "scale": 1}},
        session=session)
    report.screenshot = base64.b64decode(shot["data"])
    for event in browser.events:
        if event.get("sessionId") != session:
            continue
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            level = {"warning": "warning", "error": "error", "assert": "error"}.get(params.get("type"), "info")
            report.console.append({"source": "console", "level": level, "text": text})
        elif event.get("method") == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            report.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif event.get("method") == "Log.entryAdded":
            entry = params.get("entry", {})
            report.console.append({"source": entry.get("source", "log"),
                                   "level": entry.get("level", "info"), "text": entry.get("text", "")})
    browser.events = [e for e in browser.events if e.get("sessionId") != session]
    browser.send("Target.closeTarget", {"targetId": target})
    return report


def evaluate_on_page(browser: Chromium, path: Path, expressions: list[str], *,
                     width: int = 1280, height: int = 800,
                     first_screen: bool = False) -> tuple[list[Any], bytes]:
    """Open ``path`` at ``width`` × ``height``, evaluate each JavaScript expression in
    turn (promises awaited) and return their values, plus a PNG of the first screen
    (the viewport as loaded, before the expressions ran) when ``first_screen``."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Page.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                 session=session)
    browser.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    shot = b""
    if first_screen:
        shot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"},
                                             session=session)["data"])
    values = []
    for expression in expressions:
        reply = browser.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                  "returnByValue": True}, session=session)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression!r}: {reply['exceptionDetails'].get('text')}")
        values.append(reply["result"].get("value"))
    browser.events = [e for e in browser.events if e.get("sessionId") != session]
    browser.send("Target.closeTarget", {"targetId": target})
    return values, shot

"""Browser fixtures: one Chromium for the run, a fresh context per test, and three guards on every page.

Every test that takes the `page` fixture gets, without doing anything itself:

* an axe-core audit of every document the page loads (serious and critical violations fail the test);
* a check that no Content-Security-Policy violation and no uncaught script error happened;
* a screenshot in test-artifacts/ when it fails.

How the audit keeps up with the test. Event handlers of the sync API run concurrently with the test's
own calls, and once a navigation has begun Chromium runs no new evaluation in the document being left
(DevTools commands wait for the next document). So:

* the audit starts as soon as a document commits (main-frame "framenavigated"), in a single evaluate
  call that injects axe and runs it; in the page it waits for "load" first;
* a route handler holds back every main-frame navigation request while a started audit is running, so
  the test cannot replace a document under its audit;
* at the end of the test the last document is audited (or its running audit joined).

A test that navigates away from a page within milliseconds of its arrival, before the audit could
start, fails with a message saying so: wait for the page first (for example `expect` its heading).
An HTMX swap is not a navigation: after one, call the `audit_page` fixture to audit the new state.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Frame,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)

from participants.reference import load_reference_data
from tests.conftest import need

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_SOURCE_PATH = BASE_DIR / "static" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = BASE_DIR / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAILING_IMPACTS = ("serious", "critical")
# The longest an audit waits for "load", and then for a quiet page (a navigation is held for both).
AUDIT_TIMEOUT_SECONDS = 15
AUDIT_STARTED = "sks-axe-audit-started:"
# How long a held navigation waits for an audit call that has not said it started, and at most for one.
AUDIT_START_SECONDS = 3
NAVIGATION_HOLD_SECONDS = 2 * AUDIT_TIMEOUT_SECONDS + 5

# One call per document: says it has started (see PageMonitor._on_route), injects axe (page.evaluate is
# not subject to the page's CSP, unlike add_script_tag, which adds an inline <script>), then starts the
# audit once and answers every caller with the same promise; a fresh audit starts after the running one
# ends: axe refuses to run twice at once.
_AUDIT_PREFIX = """
async ([callId, impacts, fresh, timeoutMs]) => {
  console.debug(AUDIT_STARTED + callId);
  if (!/^https?:$/.test(location.protocol) || document.contentType !== "text/html") return null;
  if (!window.axe) {
""".replace("AUDIT_STARTED", json.dumps(AUDIT_STARTED))
_AUDIT_SUFFIX = """
  }
  // A fresh audit waits for one still running (axe refuses to run twice at once): audits are chained.
  if (fresh || !window.__sksAxeAudit) {
    const previous = window.__sksAxeAudit;
    window.__sksAxeAudit = (async () => {
      if (previous) {
        try { await previous; } catch (e) { /* its caller reports it */ }
      }
      if (document.readyState !== "complete") {
        await new Promise((resolve) => {
          window.addEventListener("load", resolve, { once: true });
          setTimeout(resolve, timeoutMs);
        });
      }
      // Audit a quiet page: after HTMX has swapped and settled (it applies the new classes ~20 ms
      // after a swap) and once CSS transitions have ended, so colours are measured at rest.
      const quietBy = Date.now() + timeoutMs;
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      for (;;) {
        await frame();
        const busy = document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added");
        const running = document.getAnimations().filter(
          (a) => a.playState === "running" && a.effect && a.effect.getComputedTiming().endTime !== Infinity,
        );
        if ((!busy && running.length === 0) || Date.now() > quietBy) break;
        await Promise.race([
          Promise.all(running.map((a) => a.finished.catch(() => null))),
          new Promise((resolve) => setTimeout(resolve, 50)),
        ]);
      }
      const results = await window.axe.run(document, { resultTypes: ["violations"] });
      return {
        token: Math.random().toString(36).slice(2) + Date.now().toString(36),
        url: location.href,
        title: document.title,
        violations: results.violations
          .filter((v) => impacts.includes(v.impact))
          .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
          })),
      };
    })();
  }
  return await window.__sksAxeAudit;
}
"""


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).is_file() and os.access(candidate, os.X_OK) else None


@dataclass
class PageMonitor:
    """Watches one page: runs the audits and collects what must fail the test."""

    page: Page
    audit_expression: str
    audits: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    # Audit calls in flight: call id -> whether the call has started running in the page.
    _calls: dict[str, bool] = field(default_factory=dict)
    _call_ids: Iterator[int] = field(default_factory=itertools.count)

    def attach(self) -> None:
        self.page.on("framenavigated", self._on_navigated)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.route("**/*", self._on_route)

    # --- the audit -------------------------------------------------------------------------------
    def audit(self, *, fresh: bool = False) -> None:
        """Audit the document now in the page, once per document unless `fresh`; skip non-HTML pages."""
        call_id = str(next(self._call_ids))
        url = self.page.url
        self._calls[call_id] = False
        try:
            result = self.page.evaluate(
                self.audit_expression, [call_id, list(FAILING_IMPACTS), fresh, AUDIT_TIMEOUT_SECONDS * 1000]
            )
        except Error as exc:
            if self.page.is_closed():
                return
            if self._calls[call_id]:
                self.audit_errors.append(f"The audit of {url} failed: {exc.message.splitlines()[0]}")
            else:
                self.audit_errors.append(
                    f"{url} was left before its axe audit could start. Wait for the page before navigating"
                    " away from it (for example expect its heading or URL)."
                )
            return
        finally:
            del self._calls[call_id]
        if result is not None:
            self.audits.setdefault(result["token"], result)

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.audit()

    def _on_route(self, route: Route, request: Request) -> None:
        if self._calls and request.is_navigation_request() and request.frame == self.page.main_frame:
            # Hold the navigation until the audit of the document it would replace has finished: a call
            # still in flight when the document goes fails the test. A started call may take the whole
            # wait for "load" and the wait for a quiet page; a call whose "started" message has not
            # arrived yet (a busy machine delays it well past a few milliseconds) gets a while to start.
            now = time.monotonic()
            deadline = now + NAVIGATION_HOLD_SECONDS
            start_by = now + AUDIT_START_SECONDS
            while self._calls and time.monotonic() < deadline:
                if not any(self._calls.values()) and time.monotonic() > start_by:
                    break
                self.page.wait_for_timeout(20)
        route.fallback()

    # --- CSP and script errors --------------------------------------------------------------------
    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "debug" and message.text.startswith(AUDIT_STARTED):
            call_id = message.text.removeprefix(AUDIT_STARTED)
            if call_id in self._calls:
                self._calls[call_id] = True
            return
        if message.type != "error":
            return
        text = f"{message.text} ({message.location.get('url', '')})"
        if "Content Security Policy" in message.text:
            self.csp_violations.append(text)
        else:
            self.console_errors.append(text)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    # --- verdict ----------------------------------------------------------------------------------
    def audit_last_document(self) -> None:
        """Audit the document the test ended on, or join its running audit."""
        if not self.page.is_closed():
            self.audit()

    def verdict(self) -> None:
        """Fail the test on anything collected: axe violations, CSP violations, script errors."""
        problems: list[str] = []
        if not self.audits:
            problems.append("No page was audited with axe-core: did the test open any page?")
        problems += self.audit_errors
        for audit in self.audits.values():
            problems += [format_violation(audit, violation) for violation in audit["violations"]]
        problems += [f"Content-Security-Policy violation: {e}" for e in self.csp_violations]
        problems += [f"Uncaught error in the page: {e}" for e in self.page_errors]
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)

    def summary(self) -> str:
        lines = [f"audited: {a['url']} ({len(a['violations'])} serious/critical)" for a in self.audits.values()]
        lines += [f"console error: {e}" for e in self.console_errors]
        return "\n".join(lines)


def format_violation(audit: dict[str, Any], violation: dict[str, Any]) -> str:
    lines = [
        f"axe [{violation['impact']}] {violation['id']}: {violation['help']}",
        f"  page: {audit['url']} ({audit['title']})",
        f"  see: {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html']}")
        if node.get("summary"):
            lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


MONITOR_KEY = pytest.StashKey[PageMonitor]()


# --- hooks: the guards fail the test itself (not its teardown), and a failure leaves a screenshot ---------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    monitor = item.stash.get(MONITOR_KEY, None)
    try:
        yield
    finally:
        if monitor is not None:
            monitor.audit_last_document()
            item.add_report_section("call", "browser", monitor.summary())
    if monitor is not None:
        monitor.verdict()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    monitor = item.stash.get(MONITOR_KEY, None)
    if report.when == "call" and report.failed and monitor is not None and not monitor.page.is_closed():
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
        try:
            monitor.page.screenshot(path=str(path), full_page=True)
            report.sections.append(("browser", f"screenshot: {path}"))
        except Error as exc:
            report.sections.append(("browser", f"screenshot failed: {exc.message}"))
    return report


# --- fixtures ---------------------------------------------------------------------------------------
class SharedChromium:
    """One Chromium for all the browser tests of a run: launched by the first, closed after the last.

    Not a session-scoped fixture, because Playwright's sync API keeps an asyncio loop running on the
    test thread for as long as it is started, and Django then refuses every ORM call from that thread
    (SynchronousOnlyOperation) -- in the browser tests, but also in any test that runs after them. So
    the browser tests allow those calls (nothing here is async code; only the check misfires), and
    Playwright stops, and the allowance is withdrawn, as soon as the next test is not a browser test.
    A process-wide DJANGO_ALLOW_ASYNC_UNSAFE would also leak into `manage.py check --deploy` (async.E001).
    """

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._env_before: str | None = None

    def get(self) -> Browser:
        if self._browser is None:
            path = chromium_path()
            where = os.environ.get("CHROMIUM_PATH") or "chromium on PATH or /usr/bin/chromium"
            need(path is not None, f"Chromium not found ({where}): apt-get install chromium, or set CHROMIUM_PATH")
            self._env_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        return self._browser

    def stop(self) -> None:
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
            self._playwright.stop()
        finally:
            self._playwright = self._browser = None
            if self._env_before is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._env_before


_chromium = SharedChromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    try:
        yield
    finally:
        # After this test's own fixtures (the database flush needs the allowance too).
        if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
            _chromium.stop()


@pytest.fixture
def browser() -> Browser:
    return _chromium.get()


@pytest.fixture(scope="session")
def axe_audit_expression() -> str:
    need(AXE_SOURCE_PATH.is_file(), f"axe-core is not vendored at {AXE_SOURCE_PATH}")
    return _AUDIT_PREFIX + AXE_SOURCE_PATH.read_text(encoding="utf-8") + _AUDIT_SUFFIX


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    axe_audit_expression: str,
    live_server: Any,
    transactional_db: None,
) -> Iterator[Page]:
    """A page in a fresh Japanese context on the live server; `page.goto("/")` opens the home page."""
    # Transactional tests flush the tables after each test, including the reference data (JSIC,
    # expertise areas, pledge and consent texts) that migration 0002 loaded: put it back.
    load_reference_data()
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_server.url)
    # Longer than the hold on a navigation during an audit (NAVIGATION_HOLD_SECONDS): on a loaded machine
    # a click's "wait for the navigation" includes that hold, and must not time out before it ends.
    context.set_default_timeout((NAVIGATION_HOLD_SECONDS + 10) * 1000)
    page = context.new_page()
    monitor = PageMonitor(page=page, audit_expression=axe_audit_expression)
    monitor.attach()
    request.node.stash[MONITOR_KEY] = monitor
    yield page
    context.close()


@pytest.fixture
def audit_page(request: pytest.FixtureRequest, page: Page) -> Callable[[], None]:
    """Audits the page again as it is now: call it after an HTMX swap, which is not a navigation."""
    monitor = request.node.stash[MONITOR_KEY]
    return lambda: monitor.audit(fresh=True)

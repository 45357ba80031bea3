"""The explorer in a real browser: served by Voilà (as `make app` does) and run in JupyterLab.

Headless Debian Chromium driven by Playwright; servers on free loopback ports, always
terminated. Skipped only when /usr/bin/chromium is missing (`make` installs it as root).
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_explorer.ipynb"
KOREAN_NOTEBOOK = NOTEBOOK.parent / "ko" / NOTEBOOK.name  # what `EKSLAB_LANG=ko make app` serves
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BIN = Path(sys.executable).parent
WAIT_MS = 90_000  # generous: kernels start slowly on a busy two-core machine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_env(tmp: Path, extra: dict | None = None) -> dict:
    """Private runtime, config and settings folders: nothing shared with the user's Jupyter."""
    env = dict(os.environ, **(extra or {}))
    for name, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                      ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
                      ("IPYTHONDIR", "ipython")):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp / sub)
    env.pop("SERVER_NAME", None)
    return env


@contextlib.contextmanager
def serve(command: list[str], url: str, tmp: Path, cwd: Path, env: dict | None = None):
    """Run a server (with ``env`` added to its environment) until the block ends; wait until ``url`` answers."""
    log = tmp / f"{Path(command[0]).name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=jupyter_env(tmp, env), stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + WAIT_MS / 1000
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{command[0]} exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
                try:
                    urllib.request.urlopen(url, timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break  # it answers, even if it says no
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')}")
                    time.sleep(0.2)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def image_bytes(page, img) -> bytes:
    """The bytes behind an <img> (Voilà shows Image widgets as blob: URLs)."""
    encoded = img.evaluate("""async (el) => {
        const buf = new Uint8Array(await (await fetch(el.src)).arrayBuffer());
        let s = ''; for (let i = 0; i < buf.length; i++) s += String.fromCharCode(buf[i]);
        return btoa(s);
    }""")
    return base64.b64decode(encoded)


def expected_pictures():
    """The private-mode picture as this process draws it (icons on), and the same DOT drawn icon-less."""
    from ekslab.explorer.widget import EndpointExplorer

    ex = EndpointExplorer()
    ex.set(public=False, private=True)
    # Graphviz drops every image when SERVER_NAME is set (Voilà's kernel has it): the failure to rule out.
    iconless = subprocess.run([shutil.which("dot") or "dot", "-Tpng"], input=ex.drawing.source.encode(),
                              env=dict(os.environ, SERVER_NAME="localhost", GV_FILE_PATH=""),
                              capture_output=True, check=True).stdout
    return bytes(ex.diagram.value), iconless


def test_voila_app_goes_private(browser, tmp_path):
    """At a projector's 1024x768: refusal, private, a preset's highlighted changes, Reset, the layout."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [str(BIN / "voila"), str(NOTEBOOK), "--Voila.ip=127.0.0.1", f"--port={port}", "--no-browser"]
    with_icons, iconless = expected_pictures()
    assert len(with_icons) > len(iconless) * 1.2, "the icon-less render should be visibly smaller"
    with serve(command, url, tmp_path, cwd=tmp_path):
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.get_by_role("button", name="Public access").wait_for()
        title = page.get_by_role("button", name="Public access").get_attribute("title")
        assert title and title != "null" and "endpointPublicAccess" in title, title
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        shown = page.locator("body").inner_text()
        assert "Things to try" in shown and "import ekslab" not in shown, "Voilà must show no code"
        img = page.locator("img.widget-image")
        before_src = img.get_attribute("src")
        before = image_bytes(page, img)

        # the diagram spans the width under the controls, and nothing spills past the right edge
        box, controls = img.bounding_box(), page.get_by_role("button", name="Public access").bounding_box()
        assert box["width"] >= 0.9 * 1024 - 40 and box["y"] > controls["y"], (box, controls)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        assert "no effect on who gets through in public mode" in page.locator(".ekslab-inert").first.inner_text()

        page.get_by_role("button", name="Public access").click()
        page.locator(".ekslab-refusal").wait_for()
        assert "cannot be false" in page.locator(".ekslab-refusal").inner_text()
        page.locator('.ekslab-mode[data-mode="refused"]').wait_for()  # the heading agrees with the refusal
        assert "stale" in (img.get_attribute("class") or "")
        page.get_by_role("button", name="Private access").click()
        page.locator('.ekslab-mode[data-mode="private"]').wait_for()
        page.locator(".ekslab-refusal").wait_for(state="detached")
        page.wait_for_function("src => document.querySelector('img.widget-image').src !== src", arg=before_src)

        assert "Private" in page.locator(".ekslab-mode").inner_text()
        internet = page.locator('.ekslab-behavior tr[data-kind="internet"]')
        vpc = page.locator('.ekslab-behavior tr[data-kind="vpc"]')
        assert internet.get_attribute("data-reachable") == "false" and "blocked" in internet.inner_text()
        assert vpc.get_attribute("data-reachable") == "true" and "through" in vpc.inner_text()
        deadline = time.monotonic() + WAIT_MS / 1000
        while (after := image_bytes(page, img)) == before and time.monotonic() < deadline:
            time.sleep(0.2)  # the class change may swap the src before the new picture arrives
        assert "stale" not in (img.get_attribute("class") or "")

        page.get_by_role("button", name="Pitfall 3: no 443 rule for the VPN site").click()
        page.locator(".ekslab-hint", has_text="Pitfall 3").wait_for()  # written after the table
        changed = page.locator('.ekslab-behavior tr[data-changed="true"]')
        page.wait_for_function("() => document.querySelectorAll('.ekslab-behavior tr[data-changed=\"true\"]')"
                               ".length === 1")
        assert changed.count() == 1 and changed.get_attribute("data-kind") == "connected"
        assert "Changed since your last click" in page.locator(".ekslab-changes").inner_text()
        hint = page.locator(".ekslab-hint a").first
        assert hint.get_attribute("href").startswith("https://docs.aws.amazon.com/")
        page.get_by_role("button", name="Reset").click()
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        page.screenshot(path=str(tmp_path / "voila-page.png"))
        page.locator(".ekslab-mode").locator("xpath=ancestor::div[contains(@class,'widget-vbox')][last()]").screenshot(
            path=str(tmp_path / "voila-private.png"))
        page.close()
    assert after.startswith(b"\x89PNG") and after != before
    assert after == with_icons, "the app's picture differs from the icon-bearing render"
    assert after != iconless


def test_korean_voila_app(browser, tmp_path):
    """`EKSLAB_LANG=ko make app`: the Korean notebook loads, with the explorer, its icons and Hangul."""
    from ekslab.explorer.widget import EndpointExplorer
    from ekslab.i18n import using_language

    with using_language("ko"):
        explorer = EndpointExplorer()
    expected = bytes(explorer.diagram.value)  # the opening (public) picture, icons on, Hangul font named
    assert 'fontname="Noto Sans CJK KR"' in explorer.drawing.source
    iconless = subprocess.run([shutil.which("dot") or "dot", "-Tpng"], input=explorer.drawing.source.encode(),
                              env=dict(os.environ, SERVER_NAME="localhost", GV_FILE_PATH=""),
                              capture_output=True, check=True).stdout
    assert len(expected) > len(iconless) * 1.2, "the icon-less render should be visibly smaller"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [str(BIN / "voila"), str(KOREAN_NOTEBOOK), "--Voila.ip=127.0.0.1", f"--port={port}", "--no-browser"]
    with serve(command, url, tmp_path, cwd=tmp_path, env={"EKSLAB_LANG": "ko"}):
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        page.locator('.ekslab-behavior tr[data-kind="vpc"]').wait_for()
        shown = page.locator("body").inner_text()
        assert "해 볼 것" in shown and "import ekslab" not in shown, "the Korean prose, and no code"
        assert len(HANGUL.findall(shown)) > 200
        img = page.locator("img.widget-image")
        picture = image_bytes(page, img)
        page.screenshot(path=str(tmp_path / "voila-ko.png"))
        page.close()
    assert picture.startswith(b"\x89PNG") and picture != iconless, "the diagram lost its icons"
    assert picture == expected, "the app's picture differs from the Korean icon-bearing render"


def test_jupyterlab_runs_the_notebook(browser, tmp_path):
    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)  # Lab autosaves: never let it write the committed file
    port, token = free_port(), "ekslab-browser-test"
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with serve(command, f"http://127.0.0.1:{port}/api/status?token={token}", tmp_path, cwd=work):
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(WAIT_MS)
        page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        # Run All before the kernel's websocket is up is silently dropped: wait for the status bar's "Idle".
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        toggle = page.get_by_role("button", name="Public access")
        try:
            toggle.wait_for()
        except Exception:
            page.screenshot(path=str(tmp_path / "lab-failed.png"))
            raise
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        assert page.get_by_role("button", name="Private access").is_visible()
        page.screenshot(path=str(tmp_path / "lab.png"))
        page.close()


# -- projector mode: `make app` (`ekslab app --projector`) at 1024x768 ----------------------------------------

SCREEN = {"width": 1024, "height": 768}
CONTROLS = (".ekslab-explorer button, .ekslab-explorer input, .ekslab-explorer textarea, .ekslab-explorer select, "
            ".ekslab-explorer .widget-label, .ekslab-explorer .widget-label-basic, .ekslab-explorer .ekslab-inert, "
            ".ekslab-explorer .ekslab-field-label")
# each visible control or label: its text and bounding box in the viewport
_BOXES_JS = """(selector) => [...document.querySelectorAll(selector)]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map(([el, r]) => ({text: (el.innerText || el.value || el.tagName).trim().slice(0, 60), tag: el.tagName,
                        x: r.left, y: r.top, right: r.right, bottom: r.bottom}))"""
# every SVG label: its font size on the screen (the picture's own scale included) and the box of its glyphs
# (from the baseline: a CJK font's line box is taller than the line spacing, so its boxes would touch)
_LABELS_JS = """() => [...document.querySelectorAll('.ekslab-diagram svg text')].map(t => {
    const r = t.getBoundingClientRect(), m = t.getScreenCTM();
    const px = parseFloat(t.getAttribute('font-size')) * m.a;
    const base = new DOMPoint(0, parseFloat(t.getAttribute('y'))).matrixTransform(m).y;
    return {text: t.textContent, px: px, x: r.left, y: base - 0.75 * px, right: r.right, bottom: base + 0.2 * px};
})"""


def overlaps(boxes, slack=2.0):
    """Pairs of boxes that share more than ``slack`` pixels both ways (a box inside its own label excepted)."""
    found = []
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            wide = min(a["right"], b["right"]) - max(a["x"], b["x"])
            tall = min(a["bottom"], b["bottom"]) - max(a["y"], b["y"])
            inside = all(a[k] <= b[k] + 1 for k in ("x", "y")) and all(a[k] >= b[k] - 1 for k in ("right", "bottom"))
            inside |= all(b[k] <= a[k] + 1 for k in ("x", "y")) and all(b[k] >= a[k] - 1 for k in ("right", "bottom"))
            if wide > slack and tall > slack and not inside:
                found.append((a["text"], b["text"]))
    return found


# below the picture: the table, the findings and the command keep their places too
BELOW = (".ekslab-below-note", ".ekslab-below-table", ".ekslab-below-findings", ".ekslab-below-command")
TWO_NATS = "198.51.100.20, 198.51.100.21"  # the widest pictures: two NAT gateways, CUSTOMER_ROUTED's label


def stage(page) -> dict:
    """Where the layout's fixed parts are: the explorer's box, every control, the strip, the diagram box and the
    boxes below it (each with its height: the explorer's own grows with nothing)."""
    boxes = {f"{n}:{b['tag']}": (round(b["x"], 1), round(b["y"], 1), round(b["right"], 1))
             for n, b in enumerate(page.evaluate(_BOXES_JS, CONTROLS))}
    box = page.locator(".ekslab-explorer").first.bounding_box()
    boxes[".ekslab-explorer"] = tuple(round(box[k], 1) for k in ("x", "y", "width", "height"))
    for part in (".ekslab-strip", ".ekslab-diagram", *BELOW):
        box = page.locator(part).first.bounding_box()
        boxes[part] = tuple(round(box[k], 1) for k in ("x", "y", "width", "height"))
    return boxes


def projector_page(browser, tmp_path, language: str):
    """Serve `ekslab app --projector` (the command itself) and open it at 1024x768; yields the page."""
    port = free_port()
    command = [str(BIN / "ekslab"), "--lang", language, "app", "--projector", "--port", str(port)]
    return command, f"http://127.0.0.1:{port}/"


def wait_for_projector(page, url):
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.locator('.ekslab-projector .ekslab-mode[data-mode="public"]').wait_for()
    page.locator(".ekslab-diagram svg text").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")


def check_labels(page, where: str) -> None:
    labels = page.evaluate(_LABELS_JS)
    assert len(labels) > 15, where
    small = [(x["text"], round(x["px"], 1)) for x in labels if x["px"] < 16]
    assert not small, f"{where}: SVG labels under 16 px at 1024x768: {small}"
    assert not overlaps(labels), f"{where}: SVG labels overlap: {overlaps(labels)}"


def _svg_shows(page, words: str) -> None:
    page.wait_for_function("w => [...document.querySelectorAll('.ekslab-diagram svg text')]"
                           ".some(t => t.textContent.includes(w))", arg=words)


def check_wide_pictures(page, where: str, before: dict) -> None:
    """Two NAT gateways, then CUSTOMER_ROUTED with them and with one (public mode): the widest pictures keep
    labels of 16 px and more, and the layout stays put."""
    nat = page.locator('.ekslab-explorer input[type="text"]').nth(1)
    assert nat.input_value() == "198.51.100.20", "the second text field should be the NAT addresses"
    nat.fill(TWO_NATS)
    nat.press("Enter")
    _svg_shows(page, "198.51.100.21")
    page.evaluate("window.scrollTo(0, 0)")
    check_labels(page, f"{where}: two NAT gateways")
    egress = page.locator(".ekslab-explorer select").first
    assert "CUSTOMER_ROUTED" in egress.inner_text()
    egress.select_option("CUSTOMER_ROUTED")
    _svg_shows(page, "CUSTOMER_ROUTED")
    check_labels(page, f"{where}: CUSTOMER_ROUTED, two NAT gateways")
    nat.fill("198.51.100.20")
    nat.press("Enter")
    page.wait_for_function("() => ![...document.querySelectorAll('.ekslab-diagram svg text')]"
                           ".some(t => t.textContent.includes('198.51.100.21'))")
    page.evaluate("window.scrollTo(0, 0)")
    check_labels(page, f"{where}: CUSTOMER_ROUTED, public")
    after = stage(page)
    moved = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert not moved, f"{where}: the layout moved: {moved}"


def test_projector_app_at_1024x768(browser, tmp_path):
    """`make app`: controls in the first screen, nothing overlapping, labels of 16 px and more, answers closed
    until clicked, a layout that does not move between modes, and notebook 04's pitfall numbers."""
    from test_pitfalls import PITFALL_WORDS, notebook_pitfalls

    from ekslab.explorer.presets import PRESETS

    command, url = projector_page(browser, tmp_path, "en")
    with serve(command, url, tmp_path, cwd=tmp_path):
        page = browser.new_page(viewport=SCREEN)
        wait_for_projector(page, url)
        page.screenshot(path=str(tmp_path / "projector-first-screen.png"))

        # the controls first: every one of them inside the first 1024x768, none overlapping another
        controls = page.evaluate(_BOXES_JS, CONTROLS)
        assert len(controls) > 30
        outside = [c["text"] for c in controls if c["x"] < 0 or c["y"] < 0 or c["right"] > 1024 or c["bottom"] > 768]
        assert not outside, f"controls outside the first screen: {outside}"
        assert not overlaps(controls), f"controls overlap: {overlaps(controls)}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024

        # the diagram at the page's width, its labels 16 px or more, in every mode
        diagram = page.locator(".ekslab-diagram").bounding_box()
        assert diagram["width"] >= 0.9 * 1024 - 40, diagram
        check_labels(page, "public")
        before = stage(page)
        for button, mode in (("Private", "private"), ("Public and private", "public_and_private"),
                             ("Public", "public")):
            page.get_by_role("button", name=button, exact=True).click()
            page.locator(f'.ekslab-mode[data-mode="{mode}"]').wait_for()
            page.wait_for_function("m => document.querySelector('.ekslab-diagram svg title').textContent"
                                   ".toLowerCase().startsWith(m)", arg=mode.replace("_", " "))
            page.evaluate("window.scrollTo(0, 0)")
            check_labels(page, mode)
            after = stage(page)
            moved = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
            assert not moved and after.keys() == before.keys(), f"{mode}: the layout moved: {moved}"
        page.get_by_role("button", name="Private access").click()  # a toggle, not a preset: the same holds
        page.locator('.ekslab-mode[data-mode="public_and_private"]').wait_for()
        page.evaluate("window.scrollTo(0, 0)")
        assert stage(page) == before

        # the pitfall presets carry notebook 04's numbers, and each picture stays legible
        pitfalls = notebook_pitfalls()
        names = [b.inner_text().strip() for b in page.locator(".ekslab-explorer button").all()]
        shown = {int(m.group(1)): name for name in names if (m := re.match(r"Pitfall (\d+): ", name))}
        assert shown and set(shown) == {p.pitfall for p in PRESETS if p.pitfall} and set(shown) <= set(pitfalls)
        for p in PRESETS:
            if p.pitfall:
                assert all(word in pitfalls[p.pitfall].lower() for word in PITFALL_WORDS[p.key]), shown[p.pitfall]
                page.get_by_role("button", name=shown[p.pitfall], exact=True).click()
                page.locator(".ekslab-hint", has_text=f"Pitfall {p.pitfall}:").wait_for()
                page.wait_for_timeout(300)  # the picture follows the hint
                page.evaluate("window.scrollTo(0, 0)")
                check_labels(page, shown[p.pitfall])
                assert stage(page) == before, f"{shown[p.pitfall]}: the layout moved"
        page.get_by_role("button", name="Public", exact=True).click()
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        check_wide_pictures(page, "en", before)

        # "Check yourself": each model answer closed until its summary is clicked
        answers = page.locator("details.ekslab-reveal")
        assert answers.count() == 3
        for n in range(answers.count()):
            answer = answers.nth(n)
            text = answer.locator("pre")
            assert not text.is_visible() and answer.get_attribute("open") is None
            answer.locator("summary").click()
            text.wait_for(state="visible")
            assert "gets through" in text.inner_text() or "cannot be false" in text.inner_text()
        solutions = page.locator("details", has=page.locator("summary", has_text="Solution"))
        assert solutions.count() == 3 and all(s.get_attribute("open") is None for s in solutions.all())
        page.close()


def test_korean_projector_app(browser, tmp_path):
    """`EKSLAB_LANG=ko make app`: the same checks that do not read English words."""
    command, url = projector_page(browser, tmp_path, "ko")
    with serve(command, url, tmp_path, cwd=tmp_path):
        page = browser.new_page(viewport=SCREEN)
        wait_for_projector(page, url)
        assert len(HANGUL.findall(page.locator("body").inner_text())) > 200
        controls = page.evaluate(_BOXES_JS, CONTROLS)
        outside = [c["text"] for c in controls if c["x"] < 0 or c["y"] < 0 or c["right"] > 1024 or c["bottom"] > 768]
        assert not outside and not overlaps(controls), (outside, overlaps(controls))
        check_labels(page, "ko public")
        before = stage(page)
        page.get_by_role("button", name="프라이빗", exact=True).click()
        page.locator('.ekslab-mode[data-mode="private"]').wait_for()
        page.wait_for_timeout(300)
        page.evaluate("window.scrollTo(0, 0)")
        check_labels(page, "ko private")
        assert stage(page) == before
        names = [b.inner_text().strip() for b in page.locator(".ekslab-explorer button").all()]
        from test_pitfalls import notebook_pitfalls

        numbers = {int(m.group(1)) for name in names if (m := re.match(r"함정 (\d+): ", name))}
        assert numbers and numbers <= set(notebook_pitfalls(NOTEBOOK.parent / "ko" / "04_troubleshooting.ipynb"))
        page.get_by_role("button", name="퍼블릭", exact=True).click()
        page.locator('.ekslab-mode[data-mode="public"]').wait_for()
        check_wide_pictures(page, "ko", before)
        answers = page.locator("details.ekslab-reveal")
        assert answers.count() == 3 and "모델의 답 보기" in answers.first.locator("summary").inner_text()
        assert not answers.first.locator("pre").is_visible()
        page.screenshot(path=str(tmp_path / "projector-ko.png"))
        page.close()

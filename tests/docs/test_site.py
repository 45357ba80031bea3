"""The course site (`make docs`): every notebook a page, diagrams as images, widgets as static
pictures, search, and nothing fetched from a network. Built once per test session (a few seconds)."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
CDN_NAMES = re.compile(r"cdn\.jsdelivr|cdnjs|unpkg\.com|MathJax\.js|require\.min\.js")
QUOTES = str.maketrans("‘’“”", "''\"\"")
CSS_REMOTE = re.compile(r"""(@import\s+|url\(\s*)['"]?(https?:)?//""", re.I)


def course_notebooks() -> list[Path]:
    """Every notebook the site must show: English first, then each translation."""
    nbs = ROOT / "notebooks"
    # JupyterLab's .ipynb_checkpoints/ (after `make lab`) is no course folder
    return sorted(nbs.glob("[0-9]*.ipynb")) + sorted(p for p in nbs.glob("*/[0-9]*.ipynb")
                                                     if not p.parent.name.startswith("."))


def page_of(notebook: Path) -> str:
    return notebook.relative_to(ROOT).with_suffix(".html").as_posix()


def title_of(notebook: Path) -> str:
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{notebook.name} has no title")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("docs")
    out = work / "site"
    code = ("import runpy, sys; build = runpy.run_path(sys.argv[1])['build']; "
            "sys.exit(build(__import__('pathlib').Path(sys.argv[2]), __import__('pathlib').Path(sys.argv[3])))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "docs" / "build.py"), str(out), str(work)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return out


class Fetches(HTMLParser):
    """Every URL a page makes the browser fetch: scripts, stylesheets, icons, fonts, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and (attrs.get("rel") or "").lower() not in ("next", "prev", "index", "search", "canonical"):
            self.urls.append(attrs.get("href") or "")
        for name in ("src", "data", "poster"):
            if tag in ("script", "img", "iframe", "source", "video", "audio", "embed", "object", "input") and \
                    attrs.get(name):
                self.urls.append(attrs[name])


def remote_references(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = Fetches()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(site)}: {url}" for url in parser.urls if REMOTE.match(url)]
        found += [f"{page.relative_to(site)}: {m[0]}" for m in CDN_NAMES.finditer(page.read_text(encoding="utf-8"))]
    for css in sorted(site.rglob("*.css")):
        found += [f"{css.relative_to(site)}: {m[0]}" for m in CSS_REMOTE.finditer(css.read_text(encoding="utf-8"))]
    return found


def test_every_notebook_and_the_trainers_guide_is_a_page(site):
    assert (site / "index.html").is_file()
    index = (site / "index.html").read_text()
    for nb in course_notebooks():
        page = site / page_of(nb)
        assert page.is_file(), f"no page for {nb.relative_to(ROOT)}"
        assert f'href="{page_of(nb)}"' in index, f"the navigation does not lead to {page_of(nb)}"
    for guide in sorted((ROOT / "notebooks").glob("*.md")):
        assert (site / "notebooks" / f"{guide.stem}.html").is_file()
        assert f'href="notebooks/{guide.stem}.html"' in index
    translated = sorted(ROOT.glob("README.*.md"))  # README.ko.md heads the Korean section
    assert translated
    for readme in translated:
        assert (site / f"{readme.stem}.html").is_file() and f'href="{readme.stem}.html"' in index
        assert 'href="README.html"' in (site / f"{readme.stem}.html").read_text()  # its link to README.md


def test_a_translated_readme_links_the_english_notebook_until_its_own_exists(tmp_path):
    build = runpy.run_path(str(ROOT / "docs" / "build.py"))["translated_readme"]
    for name in ("00_a.ipynb", "01_b.ipynb"):
        (tmp_path / "notebooks" / "ko").mkdir(parents=True, exist_ok=True)
        (tmp_path / "notebooks" / name).write_text("{}")
    (tmp_path / "notebooks" / "ko" / "00_a.ipynb").write_text("{}")
    text = "[a](notebooks/ko/00_a.ipynb) [b](notebooks/ko/01_b.ipynb) [c](notebooks/ko/02_c.ipynb) [en](README.md)"
    assert build(text, "ko", tmp_path) == \
        "[a](notebooks/ko/00_a.ipynb) [b](notebooks/01_b.ipynb) [c](notebooks/ko/02_c.ipynb) [en](README.md)"


def test_the_site_fetches_nothing_from_a_network(site):
    assert remote_references(site) == []


def test_the_offline_check_can_fail(tmp_path):
    (tmp_path / "a.html").write_text('<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex.js"></script>'
                                     '<link rel="stylesheet" href="//fonts.example/x.css"><a href="https://a.b">ok</a>')
    (tmp_path / "b.css").write_text("@import url('https://fonts.example/css'); a{background:url(data:x)}")
    assert len(remote_references(tmp_path)) == 4  # the script (and its CDN name), the stylesheet, the import


def pages(site: Path) -> list[Path]:
    """Every page a reader can open (Sphinx's own index and search pages aside)."""
    return [p for p in sorted(site.rglob("*.html")) if p.name not in ("genindex.html", "search.html")
            and "_static" not in p.parts]


def test_the_home_page_is_for_users_and_leads_to_every_reference(site):
    home = (site / "index.html").read_text()
    assert "<h1>ekslab: who can reach your EKS API server, and why" in home
    for target in ("docs/pages/install.html", "docs/pages/facts.html", "docs/pages/cli.html", "docs/pages/api.html",
                   "docs/pages/rules/index.html", "README.html", "docs/pages/ko/cli.html",
                   "docs/pages/ko/rules/index.html", "docs/pages/ko/install.html", "docs/pages/ko/facts.html"):
        assert (site / target).is_file(), target
        assert f'href="{target}"' in home, f"the navigation does not lead to {target}"
    article = re.search(r"<article.*?</article>", home, re.S)[0]
    assert "make test" not in article and "CONTRIBUTING" not in article  # the contributors' words are elsewhere
    readme = (ROOT / "README.md").read_text()
    assert "spec section" not in readme and "docs/pages/facts.md" in readme  # users cannot see the spec


def test_the_rule_catalogue_has_a_page_per_rule_with_why_fix_and_the_model(site):
    from ekslab.audit.rulebook import rule_help
    from ekslab.audit.rules import RULES

    catalogue = (site / "docs" / "pages" / "rules" / "index.html").read_text()
    for rule_id in RULES:
        assert f'href="{rule_id}.html"' in catalogue, rule_id
        page = (site / "docs" / "pages" / "rules" / f"{rule_id}.html").read_text()
        info = rule_help(rule_id)
        for section in ("Why it matters", "How to fix it", "What the behavior model shows"):
            assert section in page, (rule_id, section)
        assert html_text(info.why[:60]) in page and html_text(info.fix[:40]) in page, rule_id
        if info.example is not None:
            assert page.count("<tr") >= 5, f"{rule_id}: no behavior table"  # a heading and one row per asker
    korean = (site / "docs" / "pages" / "ko" / "rules" / "EKS-EP-004.html").read_text()
    assert "왜 중요한가" in korean and "고치는 법" in korean


def html_text(text: str) -> str:
    import html

    return html.escape(text, quote=False).replace("'", "’") if "'" in text else html.escape(text, quote=False)


def test_a_rule_added_to_ekslab_gets_its_page_by_itself(monkeypatch):
    from ekslab.audit import rules

    monkeypatch.setitem(rules.RULES, "EKS-EP-099", ("low", "a rule added later"))
    reference = runpy.run_path(str(ROOT / "docs" / "reference.py"))
    generated = reference["rule_pages"]("en")
    assert "EKS-EP-099.md" in generated and "not yet explained" in generated["EKS-EP-099.md"]
    assert "[EKS-EP-099](EKS-EP-099.md)" in generated["index.md"]


def test_the_cli_reference_has_every_command_and_option(site):
    import argparse

    from ekslab.cli import build_parser

    page = (site / "docs" / "pages" / "cli.html").read_text()
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    sections = dict(re.findall(r'<section id="ekslab-([\w-]+)">(.*?)</section>', page, re.S))
    for name, command in sub.choices.items():
        assert name in sections, f"no section for ekslab {name}"
        for action in command._actions:
            for option in [] if isinstance(action, argparse._HelpAction) else action.option_strings:
                assert f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{option}</span>" in \
                    sections[name], f"ekslab {name} {option}"
    timeout = re.search(r"--timeout</span>.*?</td>\s*<td><p>(.*?)</p>", sections["scan"], re.S)
    assert timeout and "deadline for the whole scan" in timeout[1]


def test_the_api_reference_has_every_public_name_with_its_notebook(site):
    import ekslab

    page = (site / "docs" / "pages" / "api.html").read_text()
    missing = [n for n in ekslab.__all__ if n != "__version__" and f'id="ekslab.{n}"' not in page]
    assert missing == [], f"the API reference lacks {missing}"
    assert page.count('href="../../notebooks/') >= 20  # "Taught in" links to the notebooks' pages
    entry = re.search(r'id="ekslab.findings".*?</dl>', page, re.S)[0]
    assert "One row per finding" in entry


def test_korean_pages_say_so_and_keep_words_whole(site):
    korean = [p for p in pages(site) if p.relative_to(site).as_posix().startswith(
        ("notebooks/ko/", "docs/pages/ko/", "README.ko"))]
    assert len(korean) >= 8
    for page in pages(site):
        lang = re.search(r'<html[^>]* lang="(\w+)"', page.read_text())[1]
        assert lang == ("ko" if page in korean else "en"), page.relative_to(site)
        assert 'ekslab.css' in page.read_text(), page.relative_to(site)
    css = (site / "_static" / "ekslab.css").read_text()
    assert re.search(r'html\[lang="ko"\][^{]*\{[^}]*word-break:\s*keep-all', css)


def test_pictures_are_images_and_the_widget_has_a_static_fallback(site):
    readme = (site / "index.html").read_text()
    assert re.search(r'<img[^>]+src="_images/access-mode-public_and_private\.png"', readme)
    first = (site / "notebooks" / "01_access_modes.html").read_text()
    assert len(re.findall(r'<img[^>]+src="\.\./_images/[^"]+\.png"', first)) >= 3  # the three drawings
    explorer = (site / "notebooks" / "02_explorer.html").read_text()
    fallback = re.search(r'<div class="ekslab-static-widget">.*?</div>', explorer, re.S)
    assert fallback and "EndpointExplorer(" in fallback[0] and 'src="data:image/png;base64,' in fallback[0]
    assert "widget-view+json" not in explorer


def test_the_notebooks_outputs_are_the_committed_ones(site):
    # a committed output shows as saved: nothing re-executed it (conf.py: nb_execution_mode = "off")
    nb = json.loads((ROOT / "notebooks" / "01_access_modes.ipynb").read_text())
    streams = ["".join(o["text"]).strip() for c in nb["cells"] for o in c.get("outputs", [])
               if o.get("output_type") == "stream"]
    page = (site / "notebooks" / "01_access_modes.html").read_text()
    import html

    assert streams and all(html.escape(s, quote=False).splitlines()[0] in page for s in streams)
    assert 'nb_execution_mode = "off"' in (ROOT / "docs" / "conf.py").read_text()


def test_search_has_an_index_of_the_notebooks(site):
    index = (site / "searchindex.js").read_text()
    assert "01_access_modes" in index and "privat" in index


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)")
def test_a_reader_follows_the_navigation_to_every_notebook_offline(site):
    from playwright.sync_api import sync_playwright

    remote = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            local = ("file:", "data:", "blob:", "about:")
            page.on("request", lambda r: r.url.startswith(local) or remote.append(r.url))
            home = (site / "index.html").as_uri()
            for nb in course_notebooks():
                page.goto(home)
                link = page.locator(f'.sidebar-tree a[href="{page_of(nb)}"]')
                assert link.count() == 1, f"the sidebar has no link to {page_of(nb)}"
                link.click()
                page.wait_for_load_state("load")
                assert page.url.endswith(page_of(nb))
                # Sphinx prints typographic quotes
                heading = page.locator("h1").first.inner_text().translate(QUOTES)
                assert title_of(nb) in heading, f"{page_of(nb)} shows {heading!r}"
                broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).length")
                assert broken == 0, f"{page_of(nb)} has {broken} broken images"
            for other in pages(site):  # every page: it loads, its images show, nothing is fetched
                page.goto(other.as_uri())
                page.wait_for_load_state("load")
                broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).length")
                assert broken == 0, f"{other.relative_to(site)} has {broken} broken images"
            page.goto((site / "docs" / "pages" / "api.html").as_uri())
            import ekslab

            absent = [n for n in ekslab.__all__ if n != "__version__"
                      and page.locator(f'dt[id="ekslab.{n}"]').count() != 1]
            assert absent == [], f"the API reference shows no entry for {absent}"
            page.goto((site / "search.html").as_uri() + "?q=private")
            page.wait_for_selector("#search-results li", timeout=30_000)
            assert page.locator("#search-results li").count() >= 1
        finally:
            browser.close()
    assert remote == []

"""Build the site: ``python docs/build.py [OUT]`` (``make docs`` writes site/).

Stages what the site shows into build/docs-src/ with the repository's layout (so the README's
links to notebooks/, diagrams/ and docs/pages/ resolve): the users' home page (docs/pages/home.md)
with the navigation, the install and facts pages, the reference pages generated from ekslab
itself (docs/reference.py: the command line, the Python API, one page per rule), the README,
each translated README (README.ko.md) heading its language's section, the notebooks of every
language with their committed outputs, the trainer's guide and the pictures. Widget views, which
need a live kernel, become static pictures. Then Sphinx with MyST-NB (docs/conf.py) renders it;
no notebook is executed, nothing is fetched.
"""

from __future__ import annotations

import base64
import html
import json
import re
import runpy
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "pages"  # the hand-written pages (home, install, facts)
REFERENCE = runpy.run_path(str(Path(__file__).resolve().with_name("reference.py")))
WIDGET = "application/vnd.jupyter.widget-view+json"
# the notebook languages besides English: folder -> the navigation's caption
LANGUAGES = {"ko": "한국어 (Korean)"}


def notebooks(folder: Path) -> list[Path]:
    """The course notebooks of one folder, in course order (their names start with the number)."""
    return sorted(folder.glob("[0-9]*.ipynb"))


def static_widget(output: dict) -> dict:
    """A widget view as a page can show it without a kernel: what it is, and the picture it opens on."""
    summary = "".join(output.get("data", {}).get("text/plain", "")) or "an interactive widget"
    parts = [f'<div class="ekslab-static-widget"><p><b>Interactive in JupyterLab:</b> '
             f"<code>{html.escape(summary)}</code>. Run this notebook (<code>ekslab notebooks</code>, then "
             "<code>jupyter lab</code>) or <code>make app</code> to use it; below is the picture it opens on.</p>"]
    match = re.search(r"showing='(\w+)'", summary)
    picture = ROOT / "diagrams" / f"access-mode-{match[1]}.png" if match else None
    if picture and picture.is_file():
        data = base64.b64encode(picture.read_bytes()).decode()
        parts.append(f'<img src="data:image/png;base64,{data}" alt="the {match[1]} access mode, drawn" '
                     'style="max-width:100%"/>')
    parts.append("</div>")
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": "".join(parts), "text/plain": summary}}


def stage_notebook(source: Path, target: Path) -> int:
    """Copy a notebook, its widget views replaced by static fallbacks; returns how many were replaced."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("widgets", None)  # saved widget state would pull a widget manager from a CDN
    replaced = 0
    for cell in nb["cells"]:
        outputs = cell.get("outputs", [])
        for i, out in enumerate(outputs):
            if WIDGET in out.get("data", {}):
                outputs[i] = static_widget(out)
                replaced += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return replaced


def translated_readme(text: str, lang: str, root: Path = ROOT) -> str:
    """README.<lang>.md as a site page: a link to a notebook not yet translated leads to the English one,
    so the page never links nowhere (its link to README.md leads to the README's page)."""
    def link(match: re.Match) -> str:
        name = match[1]
        exists = (root / "notebooks" / lang / name).is_file() or not (root / "notebooks" / name).is_file()
        return match[0] if exists else f"](notebooks/{name})"

    return re.sub(rf"\]\(notebooks/{re.escape(lang)}/([^/)]+\.ipynb)\)", link, text)


def toctree(caption: str, entries: list[str]) -> str:
    lines = ["", "```{toctree}", f":caption: {caption}", ":maxdepth: 1", ":hidden:", ""]
    return "\n".join(lines + entries + ["```", ""])


def reference(dest: Path, lang: str = "en") -> list[str]:
    """Write the generated reference pages of ``lang`` under docs/pages/ (ko: docs/pages/ko/); their names."""
    folder = dest / "docs" / "pages" / ("" if lang == "en" else lang)
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    prefix = folder.relative_to(dest).as_posix()
    (folder / "cli.md").write_text(REFERENCE["cli_page"](lang), encoding="utf-8")
    for name, text in REFERENCE["rule_pages"](lang).items():
        (folder / "rules" / name).write_text(text, encoding="utf-8")
    names = [f"{prefix}/rules/index", f"{prefix}/cli"]
    if lang == "en":  # the docstrings are English: one API page
        (folder / "api.md").write_text(REFERENCE["api_page"](lang), encoding="utf-8")
        names.append(f"{prefix}/api")
    return names


def stage(dest: Path) -> Path:
    """Write the site's sources into ``dest`` (emptied first); returns it."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "notebooks").mkdir(parents=True)
    (dest / "docs" / "pages").mkdir(parents=True)
    nbs = ROOT / "notebooks"
    index = (PAGES / "home.md").read_text(encoding="utf-8")
    for page in ("install", "facts"):
        shutil.copy2(PAGES / f"{page}.md", dest / "docs" / "pages" / f"{page}.md")
    shutil.copy2(ROOT / "README.md", dest / "README.md")
    generated = reference(dest)
    index += toctree("Using ekslab", ["docs/pages/install", "docs/pages/facts", *generated, "README"])
    entries = []
    for path in notebooks(nbs):
        stage_notebook(path, dest / "notebooks" / path.name)
        entries.append(f"notebooks/{path.stem}")
    index += toctree("The notebooks", entries)
    for lang, caption in LANGUAGES.items():
        readme = ROOT / f"README.{lang}.md"  # the README in that language leads its section
        front = [readme.stem] if readme.is_file() else []
        if front:
            (dest / readme.name).write_text(translated_readme(readme.read_text(encoding="utf-8"), lang),
                                            encoding="utf-8")
        translated = notebooks(nbs / lang)
        for path in translated:
            stage_notebook(path, dest / "notebooks" / lang / path.name)
        pages = sorted((nbs / lang).glob("*.md"))  # e.g. the glossary
        for path in pages:
            (dest / "notebooks" / lang).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / "notebooks" / lang / path.name)
        written = sorted((PAGES / lang).glob("*.md"))  # the hand-written pages in that language
        for path in written:
            (dest / "docs" / "pages" / lang).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / "docs" / "pages" / lang / path.name)
        if front or translated or pages:
            index += toctree(caption, front + [f"docs/pages/{lang}/{p.stem}" for p in written]
                             + [f"notebooks/{lang}/{p.stem}" for p in translated + pages] + reference(dest, lang))
    guides = sorted(nbs.glob("*.md"))
    for path in guides:
        shutil.copy2(path, dest / "notebooks" / path.name)
    if guides:
        index += toctree("For trainers", [f"notebooks/{p.stem}" for p in guides])
    (dest / "index.md").write_text(index, encoding="utf-8")
    shutil.copytree(ROOT / "diagrams", dest / "diagrams",
                    ignore=shutil.ignore_patterns("*.py", "*.pyc", ".ipynb_checkpoints"))
    return dest


def build(out: Path, work: Path | None = None) -> int:
    """Stage the sources and run Sphinx into ``out``; returns Sphinx's exit status."""
    from sphinx.cmd.build import build_main

    work = work or ROOT / "build" / "docs"
    src = stage(work / "src")
    # Sphinx writes into work/ (MyST-NB puts its jupyter_execute/ beside the output folder);
    # the finished site then replaces ``out``, so a failed build never leaves half a site there.
    html = work / "html"
    status = build_main(["-b", "html", "-q", "-c", str(ROOT / "docs"), "-d", str(work / "doctrees"),
                         str(src), str(html)])
    if status == 0:
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(html, out)
    return status


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site").resolve()
    status = build(target)
    if status == 0:
        print(f"The site is in {target}/: open {target / 'index.html'} in a browser (it works offline).")
    sys.exit(status)

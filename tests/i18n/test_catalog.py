"""The Korean catalog keeps up with the code: every marked message translated, the .mo compiled from the .po.

The messages are extracted here with Babel and babel.cfg, as `make messages` does, so a new
``_("...")`` without its Korean fails this file even before anyone runs `make messages`.
"""

import ast
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ekslab import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ekslab"
LOCALES = PACKAGE / "i18n" / "locale"
PO = LOCALES / "ko" / "LC_MESSAGES" / "ekslab.po"
MO = PO.with_suffix(".mo")
POT = LOCALES / "ekslab.pot"
MARKERS = {"_", "gettext", "ngettext", "N_"}


def extracted() -> dict[str, str]:
    """msgid -> file of every message marked in ekslab/, by babel.cfg's mapping."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(PACKAGE, method_map, options_map):
        # ngettext gives (singular, plural): a catalog keys the entry by its singular
        found.setdefault(message[0] if isinstance(message, tuple) else message, filename)
    return found


def read(path: Path) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale="ko" if path.suffix == ".po" else None)


def untranslated(messages, catalog: Catalog) -> list[str]:
    """The messages the catalog lacks, leaves empty, or marks fuzzy (compile would drop those)."""
    problems = []
    for msgid in messages:
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(entry.string if isinstance(entry.string, tuple) else (entry.string,)):
            problems.append(f"untranslated: {msgid!r}")
    return problems


def test_every_marked_message_has_its_korean():
    messages = extracted()
    assert "options" in messages, "extraction found nothing: check babel.cfg"
    assert untranslated(messages, read(PO)) == [], "run `make messages`, translate ekslab.po, run it again"


def test_the_check_catches_missing_fuzzy_and_empty_translations():
    catalog = Catalog(locale="ko")
    catalog.add("done", "완료")
    catalog.add("half", "반", flags=["fuzzy"])
    catalog.add("empty", "")
    assert untranslated(["done", "half", "empty", "new"], catalog) == [
        "fuzzy: 'half'", "untranslated: 'empty'", "missing: 'new'"]


def test_the_template_lists_every_marked_message():
    in_pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read(POT) if m.id}
    assert in_pot == set(extracted()), "the template is stale: run `make messages`"


def test_the_compiled_catalog_is_the_po_compiled():
    """The .mo is committed (installs need no Babel); it must be exactly what `make messages` makes of the .po."""
    compiled = io.BytesIO()
    write_mo(compiled, read(PO))
    assert MO.read_bytes() == compiled.getvalue(), "ekslab.mo is stale against ekslab.po: run `make messages`"


def test_the_catalog_is_korean_with_one_plural_form():
    catalog = read(PO)
    assert str(catalog.locale) == "ko" and catalog.num_plurals == 1


_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\$\w+")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def test_translations_keep_every_placeholder():
    """A lost or renamed {name} (or %(name)s, or $VAR) would crash .format() or mislead in Korean only."""
    bad = []
    for entry in read(PO):
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]):
                bad.append(f"{ids[0]!r}: {placeholders(ids[-1])} vs {placeholders(text)}")
    assert bad == []


def test_the_placeholder_check_can_fail():
    assert placeholders("{n} clusters in {region}") != placeholders("{n}개 클러스터")
    assert placeholders("100%% of %(n)d") == placeholders("%(n)d의 100%%")


def marker_calls_with_computed_text(source: str) -> list[int]:
    """Lines where _(), gettext(), ngettext() or N_() gets anything but literal text (the extractor skips it)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            texts = node.args[:2] if node.func.id == "ngettext" else node.args[:1]
            if not texts or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts):
                lines.append(node.lineno)
    return lines


def test_marked_messages_are_literal_text():
    """_(f"...") or _(name) cannot be extracted, so it would stay English in Korean: format after the _()."""
    bad = {str(p.relative_to(ROOT)): lines for p in sorted(PACKAGE.rglob("*.py"))
           if p.parent.name != "i18n" and (lines := marker_calls_with_computed_text(p.read_text()))}
    assert bad == {}
    assert marker_calls_with_computed_text('_(f"{n} clusters")\n_("fine")\n_(TITLE)\n') == [1, 3]


def test_the_runtime_reads_the_same_catalog():
    assert i18n.LOCALE_DIR == LOCALES and MO.exists()

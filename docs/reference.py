"""The reference pages the site generates from ekslab itself (docs/build.py stages them).

- :func:`cli_page`: every command of ``ekslab.cli.build_parser()`` with its usage, options and exit codes;
- :func:`api_page`: every public name of ``ekslab`` (``__all__``) through Sphinx autodoc, grouped as
  ``ekslab/__init__.py``'s ``_EXPORTS`` groups them, each with a link to the notebook that teaches it;
- :func:`rule_pages`: one page per rule id of ``RULES`` (what, why, fix, sources, the model's table
  for an example), so that a rule added to ekslab gets its page without anyone writing it.

Each takes the language to write in ("en" or "ko"), as ekslab's own words are.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the pages' own words in Korean (ekslab's words come from its catalog; these are the site's, not ekslab's)
KO = {
    "Command line reference": "명령줄 참조",
    "Generated from the `ekslab` command's own parsers: what `ekslab COMMAND --help` says, for every command. "
    "Options may come in any order; `--lang` anywhere on the line.":
        "`ekslab` 명령의 파서에서 만든 페이지입니다: 모든 명령의 `ekslab COMMAND --help` 내용입니다. 옵션의 순서는 "
        "자유롭고, `--lang`은 명령줄 어디에 두어도 됩니다.",
    "option": "옵션", "meaning": "뜻", "default": "기본값", "command": "명령", "what it does": "하는 일",
    "argument or option": "인수 또는 옵션", "required": "필수",
    "Python API reference": "Python API 참조",
    "Every public name of `ekslab` (`import ekslab`; each is loaded on first use), generated from its docstring, "
    "with the notebook that teaches it.":
        "`ekslab`의 모든 공개 이름(`import ekslab`, 처음 쓸 때 불러옵니다)을 docstring에서 만들고, 가르치는 노트북을 "
        "함께 적었습니다.",
    "Taught in {where}.": "{where}에서 가르칩니다.",
    "Severity": "심각도", "Why it matters": "왜 중요한가", "How to fix it": "고치는 법", "Sources": "출처",
    "Every finding carries the exact command for its cluster (`ekslab findings`, the report's fix column); "
    "`<your-cidr>` marks where only you know the value.":
        "조사 결과마다 그 클러스터에 맞는 명령이 있습니다(`ekslab findings`, 보고서의 수정 열). `<your-cidr>`는 "
        "여러분만 아는 값의 자리입니다.",
    "What the behavior model shows": "동작 모델이 보여 주는 것",
    "This rule is about the data, not about reachability: the model has no table for it.":
        "이 규칙은 도달 가능성이 아니라 데이터에 관한 것이어서 모델의 표가 없습니다.",
    "For an example configuration that raises it (`{example}`), `ekslab.behavior_table` answers for one asker "
    "of each kind:":
        "이 규칙이 나오는 예시 구성(`{example}`)에 대해 `ekslab.behavior_table`이 요청 위치의 종류마다 답합니다:",
    "Rule catalogue": "규칙 목록",
    "The endpoint rules `ekslab findings` runs over a fleet, worst first within each cluster. A finding names the "
    "offending value and the exact fix; what a rule could not judge becomes a note. Accept a finding with a "
    "baseline (`--baseline`) or the cluster tag `ekslab:ignore`.":
        "`ekslab findings`가 플릿에 실행하는 엔드포인트 규칙입니다. 조사 결과는 문제가 되는 값과 정확한 수정 방법을 "
        "알려 주고, 규칙이 판정할 수 없던 것은 참고로 남습니다. 기준선(`--baseline`)이나 클러스터 태그 "
        "`ekslab:ignore`로 조사 결과를 허용할 수 있습니다.",
    "id": "ID", "severity": "심각도", "what": "내용",
}


def words(language: str):
    """The page-words function for ``language``: English as written, Korean from :data:`KO`."""
    if language == "en":
        return lambda text: text
    return lambda text: KO[text]
_TAUGHT = re.compile(r"(notebooks/(?:ko/)?[0-9][^\s,;:)]*\.ipynb|README\.md|CONTRIBUTING\.md)")


def _cell(text) -> str:
    """Text as one Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def markdown_table(heads, rows) -> str:
    """A Markdown table (no extra dependency: pandas' to_markdown needs tabulate)."""
    lines = ["| " + " | ".join(_cell(h) for h in heads) + " |", "|" + "---|" * len(heads)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- the command line

def _help_text(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {**vars(action), "prog": "ekslab"}
    return text


def _option_row(action: argparse.Action, t) -> tuple[str, str, str]:
    if action.option_strings:
        names = ", ".join(f"`{o}`" + (f" `{action.metavar or action.dest.upper()}`" if action.nargs != 0 else "")
                          for o in action.option_strings)
    else:
        names = f"`{action.metavar or action.dest}`"
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        names += " (" + ", ".join(f"`{c}`" for c in action.choices) + ")"
    default = action.default
    shown = "" if default in (None, False, argparse.SUPPRESS) or action.nargs == 0 else f"`{default}`"
    if action.required and action.option_strings:
        shown = t("required")
    return names, _help_text(action), shown


def cli_page(language: str = "en") -> str:
    """The CLI reference in ``language``: one section per command, generated from the parsers."""
    from ekslab.cli import build_parser
    from ekslab.i18n import using_language

    t = words(language)
    with using_language(language):
        parser = build_parser()
        [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        helps = {a.dest: a.help for a in sub._choices_actions}
        out = ["# " + t("Command line reference"), "",
               t("Generated from the `ekslab` command's own parsers: what `ekslab COMMAND --help` says, "
                 "for every command. Options may come in any order; `--lang` anywhere on the line."), "",
               "```text", parser.format_usage().strip(), "```", "", parser.description or "", ""]
        out += [markdown_table((t("option"), t("meaning"), t("default")),
                               [_option_row(a, t) for a in parser._actions if a.option_strings]), ""]
        out += [markdown_table((t("command"), t("what it does")),
                               [(f"[`ekslab {name}`](#ekslab-{name})", helps.get(name, "")) for name in sub.choices]),
                ""]
        for name, command in sub.choices.items():
            command.prog = f"ekslab {name}"
            out += [f"## ekslab {name}", "", helps.get(name, "") and f"*{helps[name]}*", "",
                    command.description or "", "", "```text", command.format_usage().strip(), "```", ""]
            rows = [_option_row(a, t) for a in command._actions if not isinstance(a, argparse._HelpAction)]
            if rows:
                out += [markdown_table((t("argument or option"), t("meaning"), t("default")), rows), ""]
            if command.epilog:
                out += [command.epilog, ""]
        return "\n".join(out)


# ---- the Python API

def export_groups() -> list[tuple[str, list[str]]]:
    """``_EXPORTS``'s names in the groups its comments make, read from ekslab/__init__.py."""
    source = (ROOT / "ekslab" / "__init__.py").read_text(encoding="utf-8")
    body = source[source.index("_EXPORTS = {"):source.index("}", source.index("_EXPORTS = {"))]
    groups, heading = [], None
    for line in body.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            heading = stripped.lstrip("# ").strip()
            groups.append((heading, []))
        else:
            names = re.findall(r'"(\w+)":\s*"[\w.]+"', stripped)
            if names and not groups:
                groups.append(("", []))
            groups[-1][1].extend(names)
    return groups


def taught_in(obj) -> list[str]:
    """The notebooks and pages an object's docstring says teach it (``notebooks/01_....ipynb``, README.md)."""
    doc = getattr(obj, "__doc__", None) or ""
    seen = []
    for where in _TAUGHT.findall(doc):
        if where not in seen:
            seen.append(where)
    return seen


def api_page(language: str = "en") -> str:
    """The API reference: autodoc for every public name, under its ``_EXPORTS`` group, with its notebook link."""
    import ekslab
    from ekslab.i18n import using_language

    t = words(language)
    with using_language(language):
        out = ["# " + t("Python API reference"), "",
               t("Every public name of `ekslab` (`import ekslab`; each is loaded on first use), generated from "
                 "its docstring, with the notebook that teaches it."), ""]
        listed = set()
        for heading, names in export_groups():
            out += [f"## {heading[:1].upper() + heading[1:]}" if heading else "## ekslab", ""]
            for name in names:
                listed.add(name)
                obj = getattr(ekslab, name)
                if isinstance(obj, type) or callable(obj):
                    kind = "autoclass" if isinstance(obj, type) else "autofunction"
                    options = ["   :members:", "   :undoc-members:"] if kind == "autoclass" else []
                    out += ["```{eval-rst}", f".. {kind}:: ekslab.{name}", *options, "```", ""]
                else:  # a constant (a dict): its own docstring is dict's, so its module's says what it is
                    module = __import__(f"ekslab.{ekslab._EXPORTS[name]}", fromlist=["_"])
                    about = (module.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
                    out += ["```{eval-rst}", f".. py:data:: ekslab.{name}", "", f"   {about}", "```", ""]
                    obj = module
                links = [f"[{w}](../../{w})" if w.startswith(("notebooks/", "README")) else f"`{w}`"
                         for w in taught_in(obj)]  # from docs/pages/
                if links:
                    out += [t("Taught in {where}.").format(where=", ".join(links)), ""]
        missing = sorted(set(ekslab.__all__) - listed - {"__version__"})
        if missing:
            raise RuntimeError(f"ekslab names not in any _EXPORTS group: {missing}")
        return "\n".join(out)


# ---- the rule catalogue

def rule_pages(language: str = "en") -> dict[str, str]:
    """``{file name: page}``: ``index.md`` (the table of rules) and one page per rule id."""
    from ekslab.audit.rulebook import example_table, rule_help, rule_ids
    from ekslab.audit.words import severity_word
    from ekslab.i18n import gettext, using_language
    from ekslab.model.sources import SOURCE_TITLES, SOURCES

    t = words(language)
    pages = {}
    with using_language(language):
        rows = []
        for rule_id in rule_ids():
            info = rule_help(rule_id)
            rows.append((f"[{rule_id}]({rule_id}.md)", severity_word(info.severity), info.what))
            sources = [f"- [{gettext(SOURCE_TITLES.get(k, k))}]({SOURCES[k]}) `[{k}]`" for k in info.sources
                       if k in SOURCES]
            page = [f"# {rule_id}: {info.what}", "",
                    f"**{t('Severity')}**: {severity_word(info.severity)}", "",
                    "## " + t("Why it matters"), "", info.why, "",
                    "## " + t("How to fix it"), "", info.fix, "",
                    t("Every finding carries the exact command for its cluster (`ekslab findings`, the report's "
                      "fix column); `<your-cidr>` marks where only you know the value."), ""]
            if sources:
                page += ["## " + t("Sources"), "", *sources, ""]
            table = example_table(rule_id)
            page += ["## " + t("What the behavior model shows"), ""]
            if table is None:
                page += [t("This rule is about the data, not about reachability: the model has no table for it."),
                         ""]
            else:
                example = ", ".join(f"{k}={v!r}" for k, v in info.example.items())
                page += [t("For an example configuration that raises it (`{example}`), `ekslab.behavior_table` "
                           "answers for one asker of each kind:").format(example=example), "",
                         markdown_table(list(table.columns), table.itertuples(index=False)), ""]
            pages[f"{rule_id}.md"] = "\n".join(page)
        pages["index.md"] = "\n".join([
            "# " + t("Rule catalogue"), "",
            t("The endpoint rules `ekslab findings` runs over a fleet, worst first within each cluster. A finding "
              "names the offending value and the exact fix; what a rule could not judge becomes a note. Accept a "
              "finding with a baseline (`--baseline`) or the cluster tag `ekslab:ignore`."), "",
            markdown_table((t("id"), t("severity"), t("what")), rows), "",
            "```{toctree}", ":hidden:", "", *rule_ids(), "```", ""])
    return pages

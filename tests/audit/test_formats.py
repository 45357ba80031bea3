"""`ekslab findings --format json|sarif|ocsf|junit`: each validated against its published shape.

SARIF against the OASIS SARIF 2.1.0 JSON Schema (kept in tests/audit/data/ as published),
OCSF against the Detection Finding class's required fields and enums (OCSF 1.3.0, extracted
into tests/audit/data/), the JSON document against ekslab's own schema, JUnit by its counts.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from ekslab.audit import formats
from ekslab.audit.rules import RULES
from ekslab.cli import main

DATA = Path(__file__).resolve().parent / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
OCSF = json.loads((DATA / "ocsf-1.3.0-detection-finding.json").read_text())
FINDINGS_SCHEMA = json.loads(formats.schema_path().read_text())


def sample_counts() -> tuple[int, int]:
    """(clusters, findings) of the bundled sample, as ekslab.findings counts them."""
    import ekslab

    frame = ekslab.load_fleet("sample")
    return len(frame), len(ekslab.findings(frame))


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["findings", "sample", "--allow-partial", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def sample_doc():
    from ekslab.audit.baseline import suppress
    from ekslab.audit.cli import load_for_cli
    from ekslab.audit.rules import evaluate_fleet

    frame, errors = load_for_cli("sample")
    table, notes, positions = evaluate_fleet(frame)
    return formats.findings_document(frame, errors, table, notes, positions, suppression=suppress(
        table, frame, positions), source="sample")


def test_the_json_document_holds_findings_notes_and_scan_errors_in_its_schema(capsys):
    code, out, _err = run(capsys, "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, FINDINGS_SCHEMA)
    assert code == 0 and doc["format"] == "ekslab-findings/1"
    assert doc["findings"] and doc["notes"] and doc["errors"]  # the sample holds all three
    # the denied region, and one optional read refused in another (spec 10.9): both named, nothing else
    assert sorted((e["operation"], e["code"]) for e in doc["errors"]) == [
        ("ListClusters", "AccessDeniedException"), ("ListResolverRules", "AccessDeniedException")]
    assert (doc["snapshot"]["clusters"], doc["summary"]["findings"]) == sample_counts()
    assert doc["summary"]["findings"] == len(doc["findings"])
    first = doc["findings"][0]
    assert first["key"] == f"{first['account_id']}/{first['region']}/{first['cluster']}/{first['id']}"
    assert first["arn"].startswith("arn:aws:eks:")


def test_the_json_schema_rejects_what_is_not_the_document(sample_doc):
    jsonschema.validate(sample_doc, FINDINGS_SCHEMA)
    for breakage in (lambda d: d.pop("errors"), lambda d: d.update(format="ekslab-findings/2"),
                     lambda d: d["findings"][0].update(severity="severe"),
                     lambda d: d["findings"][0].pop("key"), lambda d: d["summary"].update(findings=-1)):
        broken = copy.deepcopy(sample_doc)
        breakage(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, FINDINGS_SCHEMA)


def test_sarif_is_valid_sarif_2_1_0_with_one_rule_per_id(capsys):
    code, out, _err = run(capsys, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [run_] = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    for rule in rules:
        assert rule["help"]["text"] and "Fix" in rule["help"]["text"] and rule["shortDescription"]["text"]
    results = run_["results"]
    assert code == 0 and len(results) == sample_counts()[1]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["ekslabFindingKey/v1"].endswith(result["ruleId"])
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sample"
    assert run_["invocations"][0]["executionSuccessful"] is False  # the sample's denied region
    assert any("ListClusters" in n["message"]["text"] for n in run_["invocations"][0]["toolExecutionNotifications"])


def test_the_sarif_schema_check_can_fail(sample_doc):
    log = formats.to_sarif(sample_doc)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    validator.validate(log)
    for breakage in (lambda log: log.update(version="2.0.0"),
                     lambda log: log["runs"][0]["results"][0].update(level="fatal"),
                     lambda log: log["runs"][0]["tool"]["driver"].pop("name")):
        broken = copy.deepcopy(log)
        breakage(broken)
        assert list(validator.iter_errors(broken)), breakage


def ocsf_problems(record: dict) -> list[str]:
    """What an OCSF 1.3.0 Detection Finding record lacks or gets wrong (tests/audit/data's extract)."""
    problems = []
    required = OCSF["required"]
    for name in required["event"] + (required["profile:cloud"] if "cloud" in record.get("metadata", {}).get(
            "profiles", []) else []):
        if name not in record:
            problems.append(f"missing {name}")
    for obj, path in (("finding_info", ("finding_info",)), ("metadata", ("metadata",)),
                      ("product", ("metadata", "product")), ("cloud", ("cloud",)), ("remediation", ("remediation",))):
        value = record
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        problems += [f"{'.'.join(path)} lacks {field}" for field in required[obj] if field not in value]
    for name, kind in OCSF["types"].items():
        if name in record and not isinstance(record[name], int):
            problems.append(f"{name} is not an {kind}")
    for key, value in OCSF["class"].items():
        if key in record and record[key] not in (value if isinstance(value, list) else [value]):
            problems.append(f"{key} is {record[key]}, expected {value}")
    for name, allowed in OCSF["enums"].items():
        if name in record and record[name] not in allowed:
            problems.append(f"{name} {record[name]} is not one of {allowed}")
    if record.get("type_uid") != record.get("class_uid", 0) * 100 + record.get("activity_id", 0):
        problems.append("type_uid is not class_uid * 100 + activity_id")
    return problems


def test_ocsf_records_are_detection_findings_with_every_required_field(capsys):
    code, out, _err = run(capsys, "--format", "ocsf")
    records = json.loads(out)
    assert code == 0 and len(records) == sample_counts()[1]
    for record in records:
        assert ocsf_problems(record) == []
    first = records[0]
    assert first["severity_id"] == 5 and first["finding_info"]["uid"].endswith("/EKS-EP-003")
    assert first["cloud"]["account"]["uid"] and first["resources"][0]["uid"].startswith("arn:aws:eks:")
    assert first["time"] == 1736942400000  # the sample's metadata.created, 2025-01-15T12:00:00Z


def test_the_ocsf_check_can_fail(sample_doc):
    [record] = formats.to_ocsf({**sample_doc, "findings": sample_doc["findings"][:1], "suppressed": []})
    assert ocsf_problems(record) == []
    for breakage in (lambda r: r.pop("finding_info"), lambda r: r["metadata"]["product"].pop("vendor_name"),
                     lambda r: r.update(class_uid=2001), lambda r: r.update(severity_id=7),
                     lambda r: r["cloud"].pop("provider"), lambda r: r.update(time="2025-01-15")):
        broken = copy.deepcopy(record)
        breakage(broken)
        assert ocsf_problems(broken), breakage


def test_junit_has_a_suite_per_rule_and_one_for_scan_errors(capsys):
    code, out, _err = run(capsys, "--format", "junit")
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert code == 0 and len(suites) == len(RULES) + 1
    failures = root.findall(".//failure")
    assert len(failures) == int(root.get("failures")) == sample_counts()[1]
    messages = [e.get("message") for e in root.findall(".//error")]
    assert int(root.get("errors")) == 2 == len(messages) and any("ListClusters" in m for m in messages)
    for suite in suites:
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
    assert sum(int(s.get("tests")) for s in suites) == int(root.get("tests"))


def test_junit_writes_control_characters_as_text_xml_can_carry(sample_doc):
    doc = copy.deepcopy(sample_doc)
    doc["findings"][0]["message"] = "bad\x1b[31m\x00name"
    root = ET.fromstring(formats.to_junit(doc))
    assert "bad\\x1b[31m\\x00name" in [f.get("message") for f in root.iter("failure")]


def test_an_output_file_is_written_whole_and_a_bad_one_refused_first(tmp_path, capsys):
    target = tmp_path / "findings.sarif"
    code, out, err = run(capsys, "--format", "sarif", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(target.read_text()))
    code, out, err = run(capsys, "--format", "sarif", "-o", str(tmp_path / "missing" / "x.sarif"))
    assert code == 2 and "does not exist" in err and out == ""


def test_each_scan_error_is_named_in_one_line(capsys):
    code, _out, err = run(capsys)
    lines = [ln for ln in err.splitlines() if ln.startswith("scan error:")]
    assert len(lines) == 2  # one line each: the denied region, and a read refused in another (spec 10.9)
    assert any("444455556666 ap-southeast-2: ListClusters failed: AccessDeniedException: User:" in ln for ln in lines)
    assert any("123456789012 ap-southeast-2: ListResolverRules failed: AccessDeniedException" in ln for ln in lines)


def test_the_table_fits_the_terminal(capsys, monkeypatch):
    from ekslab.audit.cli import format_table
    from ekslab.audit.words import display_width
    from ekslab.fleet.frame import load_fleet

    table = __import__("ekslab").findings(load_fleet("sample"))
    for width in (80, 120, 50):
        lines = format_table(table, width).splitlines()
        assert max(display_width(line) for line in lines) <= width, width
        assert any(line.endswith(" \\") for line in lines)  # a fix wrapped between words, as a shell continues it
    wide = format_table(table, 400)
    assert max(len(line) for line in wide.splitlines()) > 120  # nothing wrapped when there is room
    monkeypatch.setenv("COLUMNS", "72")
    assert max(display_width(line) for line in format_table(table).splitlines()) <= 72


def test_the_report_names_each_scan_error_in_one_line(tmp_path, capsys):
    assert main(["report", "sample", "-o", str(tmp_path / "r.html")]) == 3
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("scan error:")]
    assert len(lines) == 2 and any("444455556666 ap-southeast-2: ListClusters failed: AccessDeniedException" in ln
                                   for ln in lines)


def test_every_rule_is_explained_for_sarif_and_the_catalogue():
    from ekslab.audit import rulebook

    unexplained = sorted(set(RULES) - set(rulebook._HELP))
    assert unexplained == [], f"add why and fix for {unexplained} to ekslab/audit/rulebook.py"
    for rule_id in RULES:
        info = rulebook.rule_help(rule_id)
        assert info.why and info.fix and info.severity == RULES[rule_id][0]
    with pytest.raises(ValueError, match="unknown rule id 'EKS-EP-999'"):
        rulebook.rule_help("EKS-EP-999")


@pytest.mark.parametrize("value", [
    {}, [], "", None, 0, -1.5, float("nan"), float("inf"), True,
    {"a": [1, {"b": None, "c": []}, {}], "é": "한국어 \x00\x1f\u2028 \"q\" \\ \ud800", "n": [[], [[]]]},
    [{"k": str(i), "v": [i] * (i % 3)} for i in range(70_000)],  # more than one batch of pieces
])
def test_json_text_is_json_dumps_byte_for_byte(value):
    from ekslab.audit.cli import json_text

    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("value", [{"a": object()}, {"a": {1, 2}}, [b"bytes"], {(1, 2): "tuple key"}])
def test_json_text_refuses_what_json_dumps_refuses(value):
    from ekslab.audit.cli import json_text

    with pytest.raises(TypeError) as expected:
        json.dumps(value, indent=2, ensure_ascii=False)
    with pytest.raises(TypeError, match=str(expected.value)):
        json_text(value)


def test_findings_json_sarif_and_ocsf_are_json_dumps_of_their_documents(tmp_path, capsys):
    from ekslab.audit.formats import to_ocsf, to_sarif

    assert main(["findings", "sample", "--format", "json", "--allow-partial"]) == 0
    text = capsys.readouterr().out
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, ensure_ascii=False) + "\n" and len(doc["findings"]) > 5
    for fmt, convert in (("sarif", to_sarif), ("ocsf", to_ocsf)):
        assert main(["findings", "sample", "--format", fmt, "--allow-partial", "-o", str(tmp_path / fmt)]) == 0
        assert (tmp_path / fmt).read_text(encoding="utf-8") == json.dumps(
            convert(doc), indent=2, ensure_ascii=False) + "\n"

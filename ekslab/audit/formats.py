"""The findings for machines: one JSON document (``ekslab-findings/1``), and SARIF, OCSF and JUnit made from it.

- :func:`findings_document`: findings, the findings a baseline or tag set aside, notes and scan
  errors side by side, in the shape of ``ekslab/audit/ekslab-findings-1.schema.json``.
- :func:`to_sarif`: SARIF 2.1.0 for code-scanning UIs: one rule per EKS-EP id with its help and
  fix (``ekslab.audit.rulebook``), one result per finding, accepted findings as suppressed
  results, scan errors and notes as the run's notifications.
- :func:`to_ocsf`: OCSF 1.3.0 Detection Finding (class 2004) records, as Prowler writes them and
  Amazon Security Lake reads them.
- :func:`to_junit`: JUnit XML, one test suite per rule and one for the scan's errors.

Taught in README.md ("For fleet work").
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from ekslab._version import __version__
from ekslab.audit.baseline import finding_key
from ekslab.audit.rules.catalog import FINDING_COLUMNS, NOTE_COLUMNS
from ekslab.fleet.frame import ERROR_COLUMNS
from ekslab.i18n import _

FORMAT = "ekslab-findings/1"
SCHEMA_NAME = "ekslab-findings-1.schema.json"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "warning", "warning": "warning",
               "info": "note"}
# GitHub code scanning reads rules' security-severity: >= 9 critical, >= 7 high, >= 4 medium, else low
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "warning": "2.0"}
OCSF_VERSION = "1.3.0"
OCSF_SEVERITY = {"critical": (5, "Critical"), "high": (4, "High"), "medium": (3, "Medium"), "low": (2, "Low"),
                 "warning": (2, "Low"), "info": (1, "Informational")}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value):
    """A cell as JSON text: None for missing (pandas' NaN included)."""
    return value if isinstance(value, str) else None if value is None or value != value else str(value)


def _records(table, fields) -> list[dict]:
    return [{f: _text(v) for f, v in zip(fields, rec, strict=True)}
            for rec in table[list(fields)].itertuples(index=False)] if len(table) else []


def _with_keys(table, frame, positions) -> list[dict]:
    rows = _records(table, FINDING_COLUMNS)
    arns = frame["arn"].to_numpy(dtype=object) if "arn" in frame.columns else None
    for rec, index in zip(rows, table.index, strict=True):
        rec["key"] = finding_key(rec["account_id"], rec["region"], rec["cluster"], rec["id"])
        rec["arn"] = _text(arns[positions[index]]) if arns is not None else None
    return rows


def findings_document(frame, errors, table, notes, positions, *, suppression=None, min_severity: str = "info",
                      source=None) -> dict:
    """The ``ekslab-findings/1`` document: every output format is made from it.

    ``table``, ``notes`` and ``positions`` are :func:`ekslab.audit.rules.evaluate_fleet`'s; ``suppression``
    is :func:`ekslab.audit.baseline.suppress`'s (the findings it set aside are listed apart and
    counted, never lost); ``findings`` holds those at or above ``min_severity``; ``errors`` are the
    snapshot's error records. Taught in README.md ("For fleet work").
    """
    from ekslab.audit.rules import SEVERITIES, severity_rank

    kept, suppressed = (table, table.iloc[:0]) if suppression is None else (suppression.kept, suppression.suppressed)
    shown = kept[[severity_rank(s) <= severity_rank(min_severity) for s in kept["severity"]]]
    aside = _with_keys(suppressed, frame, positions)
    for rec, (kind, reason, expires) in zip(aside, suppressed[["suppression", "reason", "expires"]].itertuples(
            index=False) if len(suppressed) else [], strict=True):
        rec["suppression"] = {"kind": kind, "reason": _text(reason), "expires": _text(expires)}
    counts = kept["severity"].value_counts()
    metadata = frame.attrs.get("metadata") or {}
    doc = {
        "format": FORMAT,
        "ekslab_version": __version__,
        "snapshot": {"source": None if source is None else str(source), "created": _text(metadata.get("created")),
                     "clusters": len(frame)},
        "summary": {"findings": len(kept), "shown": len(shown), "min_severity": min_severity,
                    "by_severity": {s: int(counts[s]) for s in SEVERITIES if s in counts},
                    "suppressed": len(suppressed), "notes": len(notes), "errors": len(errors)},
        "findings": _with_keys(shown, frame, positions),
        "suppressed": aside,
        "notes": _records(notes, NOTE_COLUMNS),
        "errors": [{f: _text(e.get(f)) for f in ERROR_COLUMNS} for e in errors],
    }
    if suppression is not None:
        doc["baseline"] = {"expired": [{"key": e.key, "reason": e.reason, "expires": e.expires.isoformat()}
                                       for e in suppression.expired],
                           "unmatched": [e.key for e in suppression.unmatched]}
    return doc


def error_line(error: dict) -> str:
    """One scan error in one line: account, region, operation and reason. Taught in README.md."""
    where = " ".join(str(error.get(f)) for f in ("account_id", "region") if error.get(f))
    cluster = _(" cluster {name}").format(name=error["cluster"]) if error.get("cluster") else ""
    return _("{where}{cluster}: {operation} failed: {code}: {message}").format(
        where=where or "-", cluster=cluster, operation=error.get("operation") or "-",
        code=error.get("code") or "-", message=error.get("message") or "-")


# ---- SARIF 2.1.0

def _sarif_rules() -> list[dict]:
    from ekslab.audit.rulebook import rule_help, rule_ids
    from ekslab.model.sources import source_url

    rules = []
    for rule_id in rule_ids():
        info = rule_help(rule_id)
        refs = [source_url(k) for k in info.sources]
        help_text = f"{info.why}\n\n{_('Fix')}: {info.fix}" + (
            "\n\n" + _("Sources") + ": " + " ".join(refs) if refs else "")
        markdown = f"{info.why}\n\n**{_('Fix')}**: {info.fix}" + (
            "\n\n" + _("Sources") + ": " + ", ".join(f"<{u}>" for u in refs) if refs else "")
        rule = {"id": rule_id, "name": rule_id.replace("-", ""),
                "shortDescription": {"text": info.what}, "fullDescription": {"text": info.why},
                "help": {"text": help_text, "markdown": markdown},
                "defaultConfiguration": {"level": SARIF_LEVEL[info.severity]},
                "properties": {"tags": ["security", "aws", "eks"], "precision": "high",
                               "ekslab-severity": info.severity}}
        if info.severity in SECURITY_SEVERITY:
            rule["properties"]["security-severity"] = SECURITY_SEVERITY[info.severity]
        rules.append(rule)
    return rules


def to_sarif(doc: dict) -> dict:
    """The document as one SARIF 2.1.0 log (a dict; ``json.dumps`` it). Taught in README.md.

    Each finding is a result located in the snapshot file (its ``artifactLocation``) and at its
    cluster (a logical location ``account/region/cluster``), with the key as a fingerprint, so
    that a code-scanning UI follows one finding from run to run.
    """
    rules = _sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    uri = quote((doc["snapshot"]["source"] or "snapshot").replace("\\", "/"))

    def result(rec, suppression=None):
        out = {"ruleId": rec["id"], "level": SARIF_LEVEL.get(rec["severity"], "warning"),
               "message": {"text": f"{rec['message']}\n{_('Fix')}: {rec['fix']}"},
               "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}},
                              "logicalLocations": [{"name": rec["cluster"], "kind": "resource",
                                                    "fullyQualifiedName": rec["key"].rsplit("/", 1)[0]}]}],
               "partialFingerprints": {"ekslabFindingKey/v1": rec["key"]},
               "properties": {"severity": rec["severity"], "account_id": rec["account_id"],
                              "region": rec["region"], "cluster": rec["cluster"], "arn": rec["arn"],
                              "fix": rec["fix"]}}
        if rec["id"] in index:
            out["ruleIndex"] = index[rec["id"]]
        if suppression:
            kind = "external" if suppression["kind"] == "baseline" else "inSource"
            out["suppressions"] = [{"kind": kind, "status": "accepted",
                                    "justification": suppression["reason"] or suppression["kind"]}]
        return out

    notifications = [{"level": "error", "message": {"text": error_line(e)},
                      "descriptor": {"id": e["code"] or "error"}} for e in doc["errors"]]
    notifications += [{"level": "note", "message": {"text": f"{n['account_id']}/{n['region']}/{n['cluster']}: "
                                                            f"{n['note']}"}} for n in doc["notes"]]
    return {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ekslab", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": not doc["errors"],
                             "toolExecutionNotifications": notifications}],
            "results": [result(r) for r in doc["findings"]] +
                       [result(r, r["suppression"]) for r in doc["suppressed"]],
            "properties": {"ekslab-format": doc["format"], "summary": doc["summary"]},
        }],
    }


# ---- OCSF 1.3.0 Detection Finding

def _epoch_ms(text) -> tuple[int, str]:
    when = None
    if isinstance(text, str):
        try:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            when = None
    when = when or dt.datetime.now(dt.UTC)
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000), when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_ocsf(doc: dict) -> list[dict]:
    """The findings (accepted ones with status Suppressed) as OCSF Detection Finding records.

    OCSF 1.3.0, class 2004 in category 2 (Findings), with the cloud and datetime profiles, the
    way Prowler writes its ``.ocsf.json``; the time is the snapshot's (else now). Scan errors and
    notes are not findings: they stay in the JSON and SARIF outputs. Taught in README.md.
    """
    from ekslab.audit.rulebook import rule_help
    from ekslab.audit.rules import RULES

    millis, iso = _epoch_ms(doc["snapshot"]["created"])
    out = []
    for rec, suppression in [(r, None) for r in doc["findings"]] + [(r, r["suppression"]) for r in doc["suppressed"]]:
        info = rule_help(rec["id"]) if rec["id"] in RULES else None
        severity_id, severity = OCSF_SEVERITY.get(rec["severity"], (99, "Other"))
        arn = rec["arn"] or ""
        resource = {"uid": arn or rec["key"].rsplit("/", 1)[0], "name": rec["cluster"], "type": "AwsEksCluster",
                    "region": rec["region"], "group": {"name": rec["account_id"]}}
        if arn.startswith("arn:"):
            resource["cloud_partition"] = arn.split(":")[1]
        record = {
            "activity_id": 1, "activity_name": "Create",
            "category_uid": 2, "category_name": "Findings",
            "class_uid": 2004, "class_name": "Detection Finding",
            "type_uid": 200401, "type_name": "Detection Finding: Create",
            "severity_id": severity_id, "severity": severity,
            "status_id": 3 if suppression else 1, "status": "Suppressed" if suppression else "New",
            "time": millis, "time_dt": iso,
            "message": rec["message"],
            "finding_info": {"uid": rec["key"], "title": info.what if info else rec["id"], "desc": rec["message"],
                             "types": ["EKS API-server endpoint access"], "created_time": millis,
                             "created_time_dt": iso},
            "metadata": {"version": OCSF_VERSION, "event_code": rec["id"], "profiles": ["cloud", "datetime"],
                         "product": {"name": "ekslab", "uid": "ekslab", "vendor_name": "ekslab",
                                     "version": __version__}},
            "cloud": {"provider": "AWS", "region": rec["region"],
                      "account": {"uid": rec["account_id"], "type": "AWS Account", "type_id": 10}},
            "resources": [resource],
            "remediation": {"desc": rec["fix"] or (info.fix if info else "")},
            "unmapped": {"ekslab_severity": rec["severity"], "ekslab_key": rec["key"]},
        }
        if info:
            record["risk_details"] = info.why
        if suppression:
            record["status_detail"] = suppression["reason"] or suppression["kind"]
        out.append(record)
    return out


# ---- JUnit XML

def _xml(text) -> str:
    """Text XML 1.0 can carry: characters it forbids (control characters) are written as \\xNN."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}", "" if text is None else str(text))


def to_junit(doc: dict) -> str:
    """The document as JUnit XML: a suite per rule (a failing case per finding, a skipped case per
    accepted one, one passing case when the rule found nothing) and a suite for the scan errors.

    Notes go to the errors suite's ``system-out``. Taught in README.md.
    """
    import xml.etree.ElementTree as ET

    from ekslab.audit.rulebook import rule_help, rule_ids

    root = ET.Element("testsuites", name="ekslab findings")
    ids = rule_ids()
    records = doc["findings"] + doc["suppressed"]
    ids += sorted({r["id"] for r in records} - set(ids))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    def suite(name):
        return ET.SubElement(root, "testsuite", name=_xml(name))

    def close(element, tests, failures=0, errors=0, skipped=0):
        for k, v in (("tests", tests), ("failures", failures), ("errors", errors), ("skipped", skipped)):
            element.set(k, str(v))
            totals[k] += v

    for rule_id in ids:
        mine = [r for r in records if r["id"] == rule_id]
        what = rule_help(rule_id).what if rule_id in rule_ids() else rule_id
        element = suite(f"{rule_id} {what}")
        failures = skipped = 0
        for rec in mine:
            case = ET.SubElement(element, "testcase", classname=rule_id, name=_xml(rec["key"].rsplit("/", 1)[0]))
            if "suppression" in rec:
                ET.SubElement(case, "skipped", message=_xml(_("accepted ({kind}): {reason}").format(
                    kind=rec["suppression"]["kind"], reason=rec["suppression"]["reason"] or "-")))
                skipped += 1
            else:
                failure = ET.SubElement(case, "failure", type=rec["severity"], message=_xml(rec["message"]))
                failure.text = _xml(rec["fix"])
                failures += 1
        if not mine:
            ET.SubElement(element, "testcase", classname=rule_id, name=_xml(_("every cluster")))
        close(element, max(len(mine), 1), failures=failures, skipped=skipped)
    element = suite(_("scan errors"))
    for error in doc["errors"]:
        case = ET.SubElement(element, "testcase", classname="scan", name=_xml(
            "/".join(str(error.get(f) or "-") for f in ("account_id", "region", "operation"))))
        ET.SubElement(case, "error", type=_xml(error["code"] or "error"), message=_xml(error_line(error)))
    if not doc["errors"]:
        ET.SubElement(element, "testcase", classname="scan", name=_xml(_("every account and region read")))
    if doc["notes"]:
        out = ET.SubElement(element, "system-out")
        out.text = _xml("\n".join(f"{n['account_id']}/{n['region']}/{n['cluster']}: {n['note']}"
                                  for n in doc["notes"]))
    close(element, max(len(doc["errors"]), 1), errors=len(doc["errors"]))
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def schema_path():
    """The JSON Schema of the ``ekslab-findings/1`` document (installed with the package). Taught in README.md."""
    from pathlib import Path

    return Path(__file__).resolve().parent / SCHEMA_NAME

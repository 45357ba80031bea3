"""``ProbeResult``: what one probe observed and what it means, as text, a DataFrame and JSON.

Taught in notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ekslab import i18n
from ekslab.i18n import N_, _
from ekslab.probe.steps import Step
from ekslab.probe.verdict import ANSWER_WORDS, ENDPOINT_WORDS, LAYER_WORDS, RESOLVES, WHERE_WORDS, Prediction

STEP_COLUMNS = {"layer": N_("layer"), "asked": N_("asked"), "ok": N_("ok"), "observed": N_("observed")}
PREDICTION_COLUMNS = {"asker": N_("asker"), "resolves_to": N_("resolves_to"), "endpoint": N_("endpoint"),
                      "reachable": N_("reachable"),
                      "fits": N_("matches_observation"), "reason": N_("reason")}


def describe(step: Step, host: str = "") -> str:
    """One step's observation in words (the current language). Taught in notebooks/04_troubleshooting.ipynb."""
    v = step.values
    o = step.outcome
    if o == "skipped":
        return _("not tried: the probe's time budget ran out")
    if o == "timeout":
        what = {"name": _("no DNS answer within {seconds} s"),
                "path": _("timed out after {seconds} s (what a missing security group rule or a CIDR refusal "
                          "looks like)")}.get(step.layer, _("no answer within {seconds} s after TCP connected"))
        return what.format(seconds=f"{v.get('seconds', 0):g}")
    if step.layer == "name":
        return {"resolved": lambda: _("resolved: {addresses}").format(addresses=", ".join(v["addresses"])),
                "nxdomain": lambda: _("NXDOMAIN: no such host") if not v.get("nodata") else
                _("no address records for this name"),
                "servfail": lambda: _("SERVFAIL: the DNS server failed to answer"),
                "unreachable": lambda: _("the DNS server is unreachable ({error})").format(error=v.get("error")),
                }[o]()
    if step.layer == "path":
        return {"connected": _("connected"), "refused": _("refused (not what EKS sends)"),
                "unreachable": _("unreachable ({error})").format(error=v.get("error"))}[o]
    return {"untrusted": lambda: _("certificate not signed by the cluster CA (issuer: {issuer})").format(
                issuer=v.get("issuer") or _("unknown")),
            "hostname": lambda: _("certificate not valid for {host}").format(host=host),
            "tls-error": lambda: _("TLS failed: {error}").format(error=v.get("error")),
            "http": lambda: _("HTTP {status}").format(status=v["status"]) + (
                f" ({v['version']})" if v.get("version") else ""),
            }[o]()


@dataclass
class ProbeResult:
    """One probe: the target, every step observed, the failed layer, the model's predictions and the advice.

    ``layer`` is None when the API server answered 200, "identity" for 401/403 (the network works),
    else the first layer that failed ("kubeconfig", "name", "path", "server"). ``exit_code`` is the
    command's (0 reachable as predicted, 1 a failure or disagreement, 3 incomplete).
    ``frame()`` and ``predictions_frame()`` are the DataFrame views. Taught in notebooks/04_troubleshooting.ipynb.
    """

    host: str
    port: int
    name: str
    where: str | None
    steps: list[Step]
    layer: str | None
    outcome: str
    answer: str | None
    addresses: list[str]
    reached: bool | None
    status: int | None
    predictions: list[Prediction]
    disagreement: str
    next_step: str
    problems: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def answered(self) -> bool:
        """The API server answered (200, 401 or 403): the network path works."""
        return self.status in (200, 401, 403)

    @property
    def exit_code(self) -> int:
        """0 reachable as predicted, 1 a failure or a disagreement found, 3 incomplete (cannot judge)."""
        if not self.complete:
            return 3
        return 0 if self.layer in (None, "identity") and not self.disagreement else 1

    @property
    def fitting(self) -> list[Prediction]:
        """The predictions whose answer and reachability match what was observed."""
        return [p for p in self.predictions if p.fits]

    def frame(self):
        """The steps as a DataFrame: layer, asked, ok, observed (headings in the current language)."""
        import pandas as pd

        rows = [dict(layer=i18n.gettext(LAYER_WORDS[s.layer]), asked=s.asked, ok=s.ok,
                     observed=describe(s, self.host)) for s in self.steps]
        return pd.DataFrame(rows, columns=list(STEP_COLUMNS)).rename(
            columns={k: i18n.gettext(t) for k, t in STEP_COLUMNS.items()})

    def predictions_frame(self):
        """The model's verdict per asker beside whether it fits the observation, as a DataFrame."""
        import pandas as pd

        rows = [dict(asker=p.situation.label, resolves_to=i18n.gettext(RESOLVES[p.verdict.resolves_to]),
                     endpoint=i18n.gettext(ENDPOINT_WORDS[p.verdict.endpoint]), reachable=p.verdict.reachable,
                     fits=p.fits, reason=p.verdict.reason) for p in self.predictions]
        return pd.DataFrame(rows, columns=list(PREDICTION_COLUMNS)).rename(
            columns={k: i18n.gettext(t) for k, t in PREDICTION_COLUMNS.items()})

    def verdict_lines(self) -> list[str]:
        """The verdict in a few lines: failed layer, answer, model, disagreement, next step."""
        if self.layer is None:
            head = _("the API server answered")
        else:
            head = _("failed layer: {layer}").format(layer=i18n.gettext(LAYER_WORDS[self.layer]))
            if self.layer == "identity":
                head = _("the network works; the API server answered {status}: next is the identity gate").format(
                    status=self.status)
        lines = [head, _("name resolved to: {answer}").format(answer=i18n.gettext(ANSWER_WORDS[self.answer]))]
        expected = [p for p in self.predictions if p.situation.textbook] if self.where else []
        for p in expected:
            lines.append(_("model for {who}: {answer} answer, {endpoint}, {through}").format(
                who=p.situation.label, answer=i18n.gettext(RESOLVES[p.verdict.resolves_to]),
                endpoint=i18n.gettext(ENDPOINT_WORDS[p.verdict.endpoint]),
                through=_("gets through") if p.verdict.reachable else _("does not get through")))
        fitting = self.fitting
        if fitting:
            lines.append(_("fits the observation: {askers}").format(
                askers="; ".join(p.situation.label for p in fitting)))
            lines.append(_("why (model): {reason}").format(reason=fitting[0].verdict.reason))
        elif self.predictions:
            lines.append(_("fits the observation: no asker of the model"))
        if self.disagreement:
            lines.append(_("disagreement: {sentence}").format(sentence=self.disagreement))
        lines += [_("problem: {problem}").format(problem=p) for p in self.problems]
        lines.append(_("next step: {step}").format(step=self.next_step))
        return lines

    def __str__(self) -> str:
        from ekslab.fleet.outputs import terminal_safe

        where = " " + i18n.gettext(WHERE_WORDS[self.where]) if self.where in WHERE_WORDS else ""
        lines = [_("probe of {name}").format(name=self.name) + where]
        for s in self.steps:
            mark = "ok " if s.ok else "-- "
            lines.append(f"  {mark}{i18n.gettext(LAYER_WORDS[s.layer])} [{s.asked}] {describe(s, self.host)}")
        lines += self.verdict_lines()
        return terminal_safe("\n".join(lines), newlines=True)

    def to_dict(self) -> dict:
        """The result for programs (``--format json``): codes and values, words in the current language."""
        return dict(
            host=self.host, port=self.port, name=self.name, where=self.where, layer=self.layer, outcome=self.outcome,
            answer=self.answer, addresses=self.addresses, reached=self.reached, status=self.status,
            complete=self.complete, exit_code=self.exit_code, disagreement=self.disagreement,
            next_step=self.next_step, problems=self.problems,
            steps=[dict(layer=s.layer, asked=s.asked, outcome=s.outcome, ok=s.ok, values=s.values,
                        timeout=s.granted, observed=describe(s, self.host)) for s in self.steps],
            predictions=[dict(asker=p.situation.label, kind=p.situation.kind, textbook=p.situation.textbook,
                              resolves_to=p.verdict.resolves_to, endpoint=p.verdict.endpoint,
                              reachable=p.verdict.reachable, outcome=p.verdict.outcome, fits=p.fits,
                              reason=p.verdict.reason) for p in self.predictions])

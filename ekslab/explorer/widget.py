"""The endpoint explorer: flip public/private access and watch who reaches the API server.

A thin ipywidgets layer: it reads its controls into :class:`ekslab.explorer.presets.Settings`,
asks the model (``evaluate``, ``behavior_table``, ``draw``, ``update_command``,
``findings``) and writes the answers into HTML and Image widget values, so a test
can set a control and read the outputs without a browser. This module imports
ipywidgets; ``import ekslab`` loads it only on first use of ``EndpointExplorer``.
Taught in notebooks/02_explorer.ipynb.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ekslab.drawing.draw import draw
from ekslab.explorer.presets import (
    DEMO_ACCOUNT,
    DEMO_CLUSTER,
    DEMO_REGION,
    PRESETS,
    ROW_FACTS,
    TEXT_FIELDS,
    Scene,
    Settings,
    apply_preset,
    frame_row,
    scene,
    settings_from_row,
)
from ekslab.model.behavior import behavior_table, evaluate
from ekslab.model.commands import update_command

_LABELS = dict(
    public="Public access", private="Private access", public_cidrs="Public CIDRs",
    dns_support="enableDnsSupport", dns_hostnames="enableDnsHostnames",
    amazon_provided_dns="AmazonProvidedDNS in the DHCP options (off: custom servers)", hybrid="Hybrid nodes",
    sg_allows_443="Cluster SG admits 443 from on-premises",
    dns_forwarding="DNS forwarded to the VPC (on-premises)", in_cluster_sg="In the cluster security group (VPC asker)",
    laptop_ip="Your laptop's public IP", nat_ips="NAT gateway public IP(s)",
)
_THROUGH = '<span style="color:#1a7f37;font-weight:bold;white-space:nowrap">&#10004; through</span>'
_BLOCKED = '<span style="color:#cf222e;font-weight:bold;white-space:nowrap">&#10008; blocked</span>'
_SEVERITY_COLOURS = dict(critical="#82071e", high="#cf222e", medium="#bc4c00", low="#9a6700", warning="#9a6700")


def _e(text) -> str:
    return html.escape(str(text))


def _findings_rows(sc: Scene, account_id: str, region: str, cluster: str, facts: dict) -> tuple[list[dict], str]:
    """The fleet findings for this one configuration: (rows, problem). Rules live in ekslab.audit.rules only."""
    import pandas as pd

    from ekslab.audit.rules import findings

    try:
        frame = pd.DataFrame([frame_row(sc, account_id, region, cluster, facts)])
        return findings(frame).to_dict("records"), ""
    except Exception as e:  # a broken rule must not take the explorer down: report it beside the outputs
        return [], f"findings could not be computed: {type(e).__name__}: {e}"


class EndpointExplorer:
    """Widgets that toggle public/private endpoint access and show the result, refreshed on every change.

    ``EndpointExplorer()`` starts from the default (public) cluster; display it in
    Jupyter or serve the notebook with Voilà. ``controls`` maps each setting name
    (see :class:`ekslab.explorer.presets.Settings`) to its widget; the outputs are the
    widgets ``mode_html``, ``status_html``, ``table_html``, ``diagram`` (its
    ``ekslab.Drawing`` is ``drawing``), ``findings_html`` and ``command_html``;
    ``field_errors`` holds the inline errors of the text fields. Taught in notebooks/02_explorer.ipynb.
    """

    def __init__(self, settings: Settings | None = None, *, cluster: str = DEMO_CLUSTER,
                 region: str = DEMO_REGION, account_id: str = DEMO_ACCOUNT, notes=(), facts=None):
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(f"EndpointExplorer needs ekslab.explorer.presets.Settings, got {settings!r}")
        settings = settings or Settings()
        self.cluster, self.region, self.account_id = cluster, region, account_id
        self.notes = list(notes)
        self.facts = dict(facts or {})  # the cluster's ids (VPC, security group, ...) for the findings' fixes
        self.scene: Scene | None = None  # what the controls say now
        self.shown: Scene | None = None  # the last valid scene, the one the outputs show
        self.drawing = None  # the ekslab.Drawing behind the picture shown
        self.current = scene(settings).config  # the cluster's own configuration, for the command
        self._findings_cache: dict = {}
        self._quiet = False
        self._build_controls(settings)
        self._build_outputs()
        self.widget = self._layout()
        self.refresh()

    @classmethod
    def from_cluster(cls, row) -> EndpointExplorer:
        """Start from one cluster of the fleet frame (a row of ``ekslab.fleet_frame``).

        Unknown facts (VPC DNS, missing flags) are assumed as AWS defaults and listed
        under the outputs. Taught in notebooks/02_explorer.ipynb.
        """
        settings, notes = settings_from_row(row)
        data = row.to_dict() if hasattr(row, "to_dict") else row
        facts = {k: data[k] for k in ROW_FACTS if k in data and data[k] is not None}
        return cls(settings, cluster=data.get("cluster") or DEMO_CLUSTER, region=data.get("region") or DEMO_REGION,
                   account_id=data.get("account_id") or DEMO_ACCOUNT, notes=notes, facts=facts)

    # -- building -----------------------------------------------------------------------------------------

    def _build_controls(self, s: Settings) -> None:
        full = w.Layout(width="auto")
        wide = dict(style={"description_width": "initial"}, layout=full)
        self.controls = dict(
            public=w.ToggleButton(value=s.public, description=_LABELS["public"], icon="globe"),
            private=w.ToggleButton(value=s.private, description=_LABELS["private"], icon="lock"),
            public_cidrs=w.Textarea(value=s.public_cidrs, description=_LABELS["public_cidrs"],
                                    placeholder="one block a line, e.g. 203.0.113.0/24", rows=3,
                                    continuous_update=False, **wide),
            dns_support=w.Checkbox(value=s.dns_support, description=_LABELS["dns_support"], indent=False),
            dns_hostnames=w.Checkbox(value=s.dns_hostnames, description=_LABELS["dns_hostnames"], indent=False),
            amazon_provided_dns=w.Checkbox(value=s.amazon_provided_dns, description=_LABELS["amazon_provided_dns"],
                                           indent=False, layout=full),
            hybrid=w.Checkbox(value=s.hybrid, description=_LABELS["hybrid"], indent=False),
            sg_allows_443=w.Checkbox(value=s.sg_allows_443, description=_LABELS["sg_allows_443"], indent=False,
                                     layout=full, tooltip="The cluster security group admits TCP 443 from the "
                                     "connected network (VPN, Direct Connect, TGW, peering) and the hybrid nodes"),
            dns_forwarding=w.Checkbox(value=s.dns_forwarding, description=_LABELS["dns_forwarding"], indent=False,
                                      layout=full, tooltip="The on-premises DNS forwards the cluster name to a "
                                      "Route 53 Resolver inbound endpoint in the cluster VPC (spec 9.3)"),
            in_cluster_sg=w.Checkbox(value=s.in_cluster_sg, description=_LABELS["in_cluster_sg"], indent=False,
                                     layout=full, tooltip="Managed nodes and Fargate carry the cluster security "
                                     "group; a bastion or self-managed nodes need a rule"),
            laptop_ip=w.Text(value=s.laptop_ip, description=_LABELS["laptop_ip"], continuous_update=False, **wide),
            nat_ips=w.Text(value=s.nat_ips, description=_LABELS["nat_ips"], continuous_update=False, **wide),
        )
        self._fixed = dict(ip_family=s.ip_family, hybrid_cidr=s.hybrid_cidr)  # not controls: the cluster's own
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.field_errors = {name: w.HTML("") for name in TEXT_FIELDS}
        self.preset_buttons = {}
        for p in PRESETS:
            button = w.Button(description=p.label, tooltip=p.watch, layout=w.Layout(width="auto"))
            button.on_click(lambda _b, key=p.key: self.apply_preset(key))
            self.preset_buttons[p.key] = button
        self.hint_html = w.HTML("")

    def _build_outputs(self) -> None:
        self.mode_html = w.HTML("")
        self.status_html = w.HTML("")
        self.table_html = w.HTML("")
        self.diagram = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.diagram_note = w.HTML("")
        self.findings_html = w.HTML("")
        self.command_html = w.HTML("")

    def _layout(self) -> w.Widget:
        c, e = self.controls, self.field_errors
        heading = lambda text: w.HTML(f"<b>{_e(text)}</b>")  # noqa: E731
        controls = w.VBox([
            heading("Endpoint access"), w.HBox([c["public"], c["private"]]),
            c["public_cidrs"], e["public_cidrs"],
            heading("VPC DNS (nodes need support and hostnames in every mode)"),
            c["dns_support"], c["dns_hostnames"], c["amazon_provided_dns"],
            heading("Networks"), c["hybrid"], c["sg_allows_443"], c["dns_forwarding"], c["in_cluster_sg"],
            heading("The askers' addresses"), c["laptop_ip"], e["laptop_ip"], c["nat_ips"], e["nat_ips"],
        ], layout=w.Layout(width="380px", min_width="300px"))
        outputs = w.VBox([self.mode_html, self.status_html, self.table_html, self.diagram, self.diagram_note,
                          self.findings_html, self.command_html], layout=w.Layout(flex="1 1 auto"))
        presets = w.HBox(list(self.preset_buttons.values()), layout=w.Layout(flex_flow="row wrap"))
        return w.VBox([heading("Presets: one click each"), presets, self.hint_html, w.HBox([controls, outputs])])

    # -- reading and writing ------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """What the controls say now."""
        return Settings(**self._fixed, **{name: c.value for name, c in self.controls.items()})

    def set(self, **values) -> None:
        """Set several controls at once, then refresh once (names as in Settings)."""
        target = self.settings.changed(**values)
        self._quiet = True
        try:
            for name, control in self.controls.items():
                control.value = getattr(target, name)
        finally:
            self._quiet = False
        self.refresh()

    def apply_preset(self, key: str) -> None:
        """Apply one preset (see ``ekslab.explorer.presets.PRESETS``) and say what to watch.

        Taught in notebooks/02_explorer.ipynb.
        """
        target = apply_preset(key, self.settings)
        p = next(p for p in PRESETS if p.key == key)
        self.set(**{name: getattr(target, name) for name in self.controls})
        self.hint_html.value = (f'<div class="ekslab-hint" style="padding:4px 8px;border-left:4px solid #0969da">'
                                f"<b>{_e(p.label)}</b> ({_e(p.source)}): {_e(p.watch)}</div>")

    def _on_change(self, _change) -> None:
        if not self._quiet:
            self.hint_html.value = ""  # the preset's advice no longer describes what is shown
            self.refresh()

    def refresh(self) -> None:
        """Read the controls and write every output; invalid input is reported, the last valid picture kept."""
        sc = self.scene = scene(self.settings)
        for name in ("public", "private"):  # a pressed toggle should look on at a glance
            self.controls[name].button_style = "success" if self.controls[name].value else ""
        for name, box in self.field_errors.items():
            message = sc.errors.get(name)
            box.value = f'<span style="color:#cf222e">&#9888; {_e(message)}</span>' if message else ""
        if "access" in sc.errors:
            self.status_html.value = (
                '<div class="ekslab-refusal" style="padding:6px 8px;background:#ffebe9;border-left:4px solid '
                '#cf222e"><b>AWS refuses this configuration</b> (InvalidParameterException): '
                f'{_e(sc.errors["access"])}.<br>The picture below still shows the last valid configuration.</div>')
        else:
            others = [m for name, m in sc.errors.items() if name not in TEXT_FIELDS]
            self.status_html.value = "".join(f'<div style="color:#cf222e">&#9888; {_e(m)}</div>' for m in others)
        if sc.ok:
            self._show(sc)

    def _show(self, sc: Scene) -> None:
        config, vantages, vpc = sc.config, sc.vantages, sc.vpc
        self.mode_html.value = (f'<div class="ekslab-mode" data-mode="{config.mode.value}" style="font-size:1.3em">'
                                f"Mode: <b>{_e(config.mode.title)}</b></div>")
        table = behavior_table(config, vantages, vpc)
        self.table_html.value = self._table(table.to_dict("records"), vantages)
        try:
            drawing = draw(config, vantages, vpc, title=f"{config.mode.title} endpoint access")
            self.diagram.value = drawing.png()
            self.drawing = drawing
            self.diagram_note.value = ""
        except Exception as e:  # keep the last picture and say why it is stale
            self.diagram_note.value = (f'<span style="color:#cf222e">diagram failed: '
                                       f"{_e(type(e).__name__)}: {_e(e)}</span>")
        warnings = list(dict.fromkeys(x for v in vantages for x in evaluate(config, v, vpc).warnings))
        self.findings_html.value = self._findings(sc, warnings)
        self.command_html.value = self._command(sc)
        self.shown = sc

    # -- HTML ---------------------------------------------------------------------------------------------

    @staticmethod
    def _table(rows: list[dict], vantages) -> str:
        body = "".join(
            f'<tr data-kind="{v.kind}" data-reachable="{str(r["reachable"]).lower()}">'
            f'<td>{_e(r["vantage"])}</td><td>{_THROUGH if r["reachable"] else _BLOCKED}</td>'
            f'<td>{_e(r["resolves_to"])}</td><td>{_e(r["endpoint"])}</td><td>{_e(r["path"])}</td>'
            f'<td style="font-size:0.9em">{_e(r["reason"])}</td></tr>'
            for r, v in zip(rows, vantages, strict=True)
        )
        head = "".join(f"<th style='text-align:left'>{h}</th>"
                       for h in ("asker", "result", "DNS answer", "endpoint", "path", "why"))
        return (f'<table class="ekslab-behavior" style="border-collapse:collapse">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def _findings(self, sc: Scene, warnings: list[str]) -> str:
        key = (sc.settings, self.account_id, self.region, self.cluster)
        if key not in self._findings_cache:
            if len(self._findings_cache) > 512:  # a long session of typing: forget the oldest answers
                self._findings_cache.pop(next(iter(self._findings_cache)))
            self._findings_cache[key] = _findings_rows(sc, self.account_id, self.region, self.cluster, self.facts)
        rows, problem = self._findings_cache[key]
        parts = ["<b>Warnings from the behavior model</b>",
                 "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in warnings) + "</ul>" if warnings else "<p>none</p>"]
        parts.append("<b>Findings (ekslab.findings)</b>")
        if problem:
            parts.append(f"<p><i>{_e(problem)}</i></p>")
        elif rows:
            items = []
            for f in rows:
                colour = _SEVERITY_COLOURS.get(str(f.get("severity")), "#57606a")
                items.append(f'<li data-finding="{_e(f.get("id"))}"><span style="color:{colour};font-weight:bold">'
                             f'{_e(f.get("severity"))}</span> {_e(f.get("id"))}: {_e(f.get("message"))}'
                             + (f'<br><small>fix: <code style="white-space:pre-wrap">{_e(f["fix"])}</code></small>'
                                if f.get("fix") else "") + "</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append("<p>none</p>")
        if self.notes:
            parts.append("<b>Assumed for this cluster</b><ul>" + "".join(f"<li>{_e(n)}</li>" for n in self.notes)
                         + "</ul>")
        return '<div class="ekslab-findings">' + "".join(parts) + "</div>"

    def _command(self, sc: Scene) -> str:
        try:
            command = update_command(self.cluster, self.region, sc.config)
        except ValueError as e:
            return f'<div class="ekslab-command"><i>no command: {_e(e)}</i></div>'
        note = ("This is the cluster's current configuration: AWS would answer "
                "\"Cluster is already at the desired configuration\"." if sc.config == self.current else
                "An EndpointAccessUpdate: the cluster is UPDATING for several minutes "
                "(follow it with aws eks describe-update).")
        return (f'<div class="ekslab-command"><b>Apply it</b><pre style="white-space:pre-wrap">{_e(command)}</pre>'
                f"<small>{_e(note)}</small></div>")

    # -- display ------------------------------------------------------------------------------------------

    def __repr__(self) -> str:
        shown = self.shown.config.mode.value if self.shown else "no valid configuration"
        return f"EndpointExplorer(cluster={self.cluster!r}, region={self.region!r}, showing={shown!r})"

    def _repr_mimebundle_(self, **kwargs):
        # The widget's own text/plain lists every child widget (and changes with them); a stable
        # summary keeps the notebook's saved outputs deterministic.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

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

from ekslab import i18n
from ekslab.audit.words import severity_word
from ekslab.drawing.draw import draw
from ekslab.explorer.app import projector_on
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
    changed_rows,
    frame_row,
    inert_settings,
    scene,
    settings_from_row,
)
from ekslab.explorer.projector import BOX_ASPECT, inline_svg
from ekslab.fleet.extras import need
from ekslab.i18n import N_, _
from ekslab.model.behavior import _rows as behavior_rows
from ekslab.model.behavior import evaluate
from ekslab.model.commands import update_command
from ekslab.model.planning import AUTHENTICATION_MODES, EGRESS_MODES, egress_mode_command, principal_access_commands
from ekslab.model.sources import cited_keys, legend_html, link_keys_html

try:
    import ipywidgets as w
except ImportError:  # the lab extra: one clear line naming it
    need("ipywidgets", _("the endpoint explorer"))

_t = i18n.gettext  # a constant's words in the current language (the constant is marked with N_)
_LABELS = dict(
    public=N_("Public access"), private=N_("Private access"), public_cidrs=N_("Public CIDRs"),
    dns_support="enableDnsSupport", dns_hostnames="enableDnsHostnames",  # API fields: never translated
    amazon_provided_dns=N_("AmazonProvidedDNS in the DHCP options (off: custom servers)"), hybrid=N_("Hybrid nodes"),
    sg_allows_443=N_("Cluster SG admits 443 from on-premises"),
    dns_forwarding=N_("DNS forwarded to the VPC (on-premises)"),
    in_cluster_sg=N_("In the cluster security group (VPC asker)"),
    laptop_ip=N_("Your laptop's public IP"), nat_ips=N_("NAT gateway public IP(s)"),
    control_plane_egress=N_("Control-plane egress (one-way)"), authentication_mode=N_("Authentication mode"),
)
_THROUGH = '<span style="color:#1a7f37;font-weight:bold;white-space:nowrap">&#10004; {}</span>'
_BLOCKED = '<span style="color:#cf222e;font-weight:bold;white-space:nowrap">&#10008; {}</span>'
_TIPS = dict(
    public=N_("endpointPublicAccess: the public endpoint (a load balancer) that anyone inside publicAccessCidrs "
              "reaches"),
    private=N_("endpointPrivateAccess: the private endpoint (EKS-owned ENIs in the cluster subnets) that the "
            "cluster VPC's DNS answers with"),
    public_cidrs=N_("publicAccessCidrs: who may use the public endpoint; one block a line (at most 40)"),
    dns_support=N_("The VPC attribute enableDnsSupport: the Amazon DNS server answers for the VPC; off, nothing "
                "resolves through it, public names included, and nodes cannot register in any mode"),
    dns_hostnames=N_("The VPC attribute enableDnsHostnames: needed for the private hosted zone and node registration"),
    amazon_provided_dns=N_("The VPC's DHCP options list AmazonProvidedDNS as a domain name server"),
    hybrid=N_("Add hybrid nodes on premises (remote node network) as an asker"),
    sg_allows_443=N_("The cluster security group admits TCP 443 from the connected network (VPN, Direct Connect, "
                  "TGW, peering) and the hybrid nodes"),
    dns_forwarding=N_("The on-premises DNS forwards the cluster name to a Route 53 Resolver inbound endpoint in the "
                   "cluster VPC: the site then gets the private answer"),
    in_cluster_sg=N_("Managed nodes and Fargate pods carry the cluster security group; a bastion or self-managed "
                  "nodes need a rule for TCP 443"),
    laptop_ip=N_("The public address your laptop comes from (the internet asker)"),
    nat_ips=N_("The public address(es) the nodes leave through (NAT gateways); empty: no internet egress"),
    control_plane_egress=N_("controlPlaneEgressMode: CUSTOMER_ROUTED sends the API server's calls to webhooks and "
                            "OIDC issuers out through the cluster subnets. One-way: AWS cannot switch it back "
                            "(Reset starts over)"),
    authentication_mode=N_("accessConfig.authenticationMode: how a principal is let in (aws-auth ConfigMap, access "
                           "entries or both); it changes the advice before public access goes off"),
)
_TABLE_HEADINGS = (N_("asker"), N_("result"), N_("DNS answer"), N_("endpoint"), N_("path"), N_("why"))
_CSS = """<style>
.ekslab-stale { opacity: 0.35; }
.ekslab-behavior td, .ekslab-behavior th { vertical-align: top; padding: 2px 6px; white-space: normal;
  overflow-wrap: break-word; line-height: 1.3; }
.ekslab-behavior tr[data-changed="true"] { background: #fff8c5; }
.ekslab-findings, .ekslab-command { overflow-wrap: break-word; max-width: 100%; line-height: 1.35; }
.ekslab-explorer a { color: #0969da; text-decoration: underline; }
.ekslab-inert { color: #57606a; font-style: italic; font-size: 0.85em; line-height: 1.2; margin: 0 0 4px 22px; }
.ekslab-explorer .widget-checkbox { height: auto; }
.ekslab-explorer .widget-checkbox .widget-label-basic, .ekslab-explorer .widget-checkbox .widget-label-basic span {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.25; }
.ekslab-field-label { font-size: 0.95em; line-height: 1.2; margin-top: 4px; }
</style>"""
# Projector mode: every box that a click fills has a fixed height, so that nothing moves when the mode changes
# (below the picture too: the behavior table, the findings and the command scroll inside boxes of fixed height);
# a control's note keeps one line (the whole note is its tooltip); the picture fills a box of fixed proportions.
_PROJECTOR_CSS = """<style>
.ekslab-projector .ekslab-inert-box, .ekslab-projector .ekslab-inert-box .widget-html-content { width: 100%;
  min-width: 0; overflow: hidden; }
.ekslab-projector .ekslab-inert { height: 1.25em; margin-top: 0; margin-bottom: 2px; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.ekslab-projector .ekslab-strip { height: 7.2em; overflow-y: auto; }
.ekslab-projector .ekslab-diagram { width: 100%; aspect-ratio: {ratio}; min-height: 0; overflow: hidden; }
.ekslab-projector .ekslab-diagram .widget-html-content { width: 100%; height: 100%; }
.ekslab-projector .ekslab-diagram svg { display: block; width: 100%; height: 100%; }
.ekslab-projector .ekslab-below-note { height: 1.6em; overflow-y: auto; }
.ekslab-projector .ekslab-below-table { height: 29em; overflow-y: auto; }
.ekslab-projector .ekslab-below-findings { height: 17em; overflow-y: auto; }
.ekslab-projector .ekslab-below-command { height: 10em; overflow-y: auto; }
.ekslab-projector .widget-dropdown { flex-wrap: wrap; height: auto; }
.ekslab-projector .widget-dropdown > select { flex: 1 1 100%; min-width: 0; max-width: 100%; }
</style>"""
# controls with a fixed place in the layout; any other (a new switch) joins the "Networks" group
_PLACED = ("public", "private", "public_cidrs", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid",
           "sg_allows_443", "dns_forwarding", "in_cluster_sg", "laptop_ip", "nat_ips")
_SEVERITY_COLOURS = dict(critical="#82071e", high="#cf222e", medium="#bc4c00", low="#9a6700", warning="#9a6700")


def _e(text) -> str:
    """HTML text with control, bidi and zero-width characters shown as escapes (a name shows as itself)."""
    from ekslab.fleet.outputs import terminal_safe

    return html.escape(terminal_safe(text, newlines=True))


def _findings_rows(sc: Scene, account_id: str, region: str, cluster: str, facts: dict) -> tuple[list[dict], str]:
    """The fleet findings for this one configuration: (rows, problem). Rules live in ekslab.audit.rules only."""
    import pandas as pd

    from ekslab.audit.rules import findings

    try:
        frame = pd.DataFrame([frame_row(sc, account_id, region, cluster, facts)])
        return findings(frame).to_dict("records"), ""
    except Exception as e:  # a broken rule must not take the explorer down: report it beside the outputs
        return [], _("findings could not be computed: {error}").format(error=f"{type(e).__name__}: {e}")


class EndpointExplorer:
    """Widgets that toggle public/private endpoint access and show the result, refreshed on every change.

    ``EndpointExplorer()`` starts from the default (public) cluster; display it in
    Jupyter or serve the notebook with Voilà. ``controls`` maps each setting name
    (see :class:`ekslab.explorer.presets.Settings`) to its widget; the outputs are the
    widgets ``mode_html``, ``status_html``, ``table_html``, ``diagram`` (its
    ``ekslab.Drawing`` is ``drawing``), ``findings_html`` and ``command_html``;
    ``field_errors`` holds the inline errors of the text fields. ``projector`` (default:
    ``$EKSLAB_PROJECTOR``, which ``ekslab app --projector`` sets) lays it out for a 1024x768
    projector: the picture is then SVG in an HTML widget (``diagram``), larger, in a box of fixed
    proportions, and every box a click fills keeps its height. Taught in notebooks/02_explorer.ipynb.
    """

    def __init__(self, settings: Settings | None = None, *, cluster: str = DEMO_CLUSTER,
                 region: str = DEMO_REGION, account_id: str = DEMO_ACCOUNT, notes=(), facts=None,
                 projector: bool | None = None):
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(_("EndpointExplorer needs ekslab.explorer.presets.Settings, got {value}").format(
                value=repr(settings)))
        settings = settings or Settings()
        self.cluster, self.region, self.account_id = cluster, region, account_id
        self.notes = list(notes)
        if projector is None:
            try:
                projector = projector_on()
            except ValueError as e:  # a mistyped variable must not take the explorer down: say so beside it
                self.notes.append(_("{error}: the usual layout is shown").format(error=e))
                projector = False
        if not isinstance(projector, bool):
            raise TypeError(_("projector must be True or False, got {value}").format(value=repr(projector)))
        self.projector = projector
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
            public=w.ToggleButton(value=s.public, description=_t(_LABELS["public"]), icon="globe",
                                  tooltip=_t(_TIPS["public"])),
            private=w.ToggleButton(value=s.private, description=_t(_LABELS["private"]), icon="lock",
                                   tooltip=_t(_TIPS["private"])),
            public_cidrs=w.Textarea(value=s.public_cidrs, description=_t(_LABELS["public_cidrs"]),
                                    placeholder=_("one block a line, e.g. 203.0.113.0/24"), rows=3,
                                    continuous_update=False, **wide),
            dns_support=w.Checkbox(value=s.dns_support, description=_t(_LABELS["dns_support"]), indent=False),
            dns_hostnames=w.Checkbox(value=s.dns_hostnames, description=_t(_LABELS["dns_hostnames"]), indent=False),
            amazon_provided_dns=w.Checkbox(value=s.amazon_provided_dns, description=_t(_LABELS["amazon_provided_dns"]),
                                           indent=False, layout=full),
            hybrid=w.Checkbox(value=s.hybrid, description=_t(_LABELS["hybrid"]), indent=False),
            sg_allows_443=w.Checkbox(value=s.sg_allows_443, description=_t(_LABELS["sg_allows_443"]), indent=False,
                                     layout=full),
            dns_forwarding=w.Checkbox(value=s.dns_forwarding, description=_t(_LABELS["dns_forwarding"]), indent=False,
                                      layout=full),
            in_cluster_sg=w.Checkbox(value=s.in_cluster_sg, description=_t(_LABELS["in_cluster_sg"]), indent=False,
                                     layout=full),
            # the label sits above these two fields (see _layout), so that the address is never cut
            laptop_ip=w.Text(value=s.laptop_ip, continuous_update=False, layout=full),
            nat_ips=w.Text(value=s.nat_ips, continuous_update=False, layout=full),
            control_plane_egress=w.Dropdown(options=list(EGRESS_MODES[:2]), value=s.control_plane_egress,
                                            description=_t(_LABELS["control_plane_egress"]), **wide),
            authentication_mode=w.Dropdown(options=list(AUTHENTICATION_MODES), value=s.authentication_mode,
                                           description=_t(_LABELS["authentication_mode"]), **wide),
        )
        self._fixed = dict(ip_family=s.ip_family, hybrid_cidr=s.hybrid_cidr)  # not controls: the cluster's own
        self.initial = s  # what Reset brings back
        for name, control in self.controls.items():
            control.tooltip = _t(_TIPS[name]) if name in _TIPS else _t(_LABELS[name]) if name in _LABELS else name
            control.observe(self._on_change, names="value")
        # a word under each control that changes nothing in the current mode
        self.inert_html = {name: w.HTML("") for name in self.controls if name not in ("public", "private")}
        self.field_errors = {name: w.HTML("") for name in TEXT_FIELDS}
        self.preset_buttons = {}
        for p in PRESETS:
            button = w.Button(description=p.title, tooltip=_t(p.watch), layout=w.Layout(width="auto"))
            button.on_click(lambda _b, key=p.key: self.apply_preset(key))
            self.preset_buttons[p.key] = button
        self.reset_button = w.Button(description=_("Reset"), icon="undo", button_style="warning",
                                     tooltip=_("Back to the starting configuration"), layout=w.Layout(width="auto"))
        self.reset_button.on_click(lambda _b: self.reset())
        self.hint_html = w.HTML("")

    def _build_outputs(self) -> None:
        self.mode_html = w.HTML("")
        self.status_html = w.HTML("")
        self.table_html = w.HTML("")
        if self.projector:
            self.diagram = w.HTML("", layout=w.Layout(width="100%"))
            self.diagram.add_class("ekslab-diagram")
        else:
            self.diagram = w.Image(format="png", layout=w.Layout(width="100%", max_width="100%", height="auto"))
        self.changes_html = w.HTML("")
        self.diagram_note = w.HTML("")
        self.findings_html = w.HTML("")
        self.command_html = w.HTML("")
        # the boxes below the picture: projector mode gives each a fixed height (_PROJECTOR_CSS)
        for box, name in ((self.diagram_note, "note"), (self.table_html, "table"), (self.findings_html, "findings"),
                          (self.command_html, "command")):
            box.add_class(f"ekslab-below-{name}")

    def _layout(self) -> w.Widget:
        """Presets, then the controls in wrapping groups, then the outputs full width: fits 1024x768."""
        c, e, i = self.controls, self.field_errors, self.inert_html
        heading = lambda text: w.HTML(f"<b>{_e(text)}</b>")  # noqa: E731
        label = lambda name: w.HTML(f'<div class="ekslab-field-label">{_e(_t(_LABELS[name]))}</div>')  # noqa: E731
        group = lambda *children: w.VBox(list(children), layout=w.Layout(  # noqa: E731
            flex="1 1 230px", min_width="230px", max_width="100%", margin="0 12px 6px 0"))
        controls = w.HBox([
            group(heading(_("Endpoint access")),
                  w.HBox([c["public"], c["private"]], layout=w.Layout(flex_flow="row wrap")),
                  c["public_cidrs"], i["public_cidrs"], e["public_cidrs"]),
            group(heading(_("VPC DNS (nodes need it in every mode)")), c["dns_support"], i["dns_support"],
                  c["dns_hostnames"], i["dns_hostnames"],
                  c["amazon_provided_dns"], i["amazon_provided_dns"]),
            group(heading(_("Networks")), c["hybrid"], i["hybrid"], c["sg_allows_443"], i["sg_allows_443"],
                  c["dns_forwarding"], i["dns_forwarding"], c["in_cluster_sg"], i["in_cluster_sg"],
                  *[x for name in self.controls if name not in _PLACED for x in (c[name], i[name])]),
            group(heading(_("The askers' addresses")), label("laptop_ip"), c["laptop_ip"], e["laptop_ip"],
                  label("nat_ips"), c["nat_ips"], e["nat_ips"]),
        ], layout=w.Layout(flex_flow="row wrap", width="100%"))
        presets = w.HBox([*self.preset_buttons.values(), self.reset_button],
                         layout=w.Layout(flex_flow="row wrap"))
        if self.projector:  # controls first, then one strip of fixed height for what a click says, then the picture
            strip = w.VBox([self.mode_html, self.hint_html, self.changes_html, self.status_html],
                           layout=w.Layout(width="100%"))
            strip.add_class("ekslab-strip")
            outputs = w.VBox([strip, self.diagram, self.diagram_note, self.table_html, self.findings_html,
                              self.command_html], layout=w.Layout(width="100%"))
            css = _CSS + _PROJECTOR_CSS.replace("{ratio}", f"1 / {BOX_ASPECT}")
            children = [w.HTML(css), heading(_("Presets: one click each")), presets, controls, outputs]
        else:
            outputs = w.VBox([self.mode_html, self.status_html, self.changes_html, self.diagram, self.diagram_note,
                              self.table_html, self.findings_html, self.command_html],
                             layout=w.Layout(width="100%"))
            children = [w.HTML(_CSS), heading(_("Presets: one click each")), presets, self.hint_html, controls, outputs]
        for box in self.inert_html.values() if self.projector else ():
            box.add_class("ekslab-inert-box")  # one line within its group, never over the next one
        root = w.VBox(children, layout=w.Layout(width="100%", max_width="100%"))
        root.add_class("ekslab-explorer")
        if self.projector:
            root.add_class("ekslab-projector")
        return root

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
                                f"<b>{_e(p.title)}</b>: {_e(_t(p.watch))} {link_keys_html(_e(p.source))}</div>")

    def reset(self) -> None:
        """Back to the configuration the explorer started from. Taught in notebooks/02_explorer.ipynb."""
        self.set(**{name: getattr(self.initial, name) for name in self.controls})
        reset, back = _e(_("Reset")), _e(_("back to the starting configuration."))
        self.hint_html.value = ('<div class="ekslab-hint" style="padding:4px 8px;border-left:4px solid #0969da">'
                                f"<b>{reset}</b>: {back}</div>")

    def _on_change(self, _change) -> None:
        if not self._quiet:
            self.hint_html.value = ""  # the preset's advice no longer describes what is shown
            self.refresh()

    def refresh(self) -> None:
        """Read the controls and write every output; invalid input is reported, the last valid picture kept."""
        sc = self.scene = scene(self.settings)
        for name in ("public", "private"):  # a pressed toggle should look on at a glance
            self.controls[name].button_style = "success" if self.controls[name].value else ""
        # spec 10.4: once CUSTOMER_ROUTED there is no way back (but Reset, which starts over)
        self.controls["control_plane_egress"].disabled = self.controls["control_plane_egress"].value != "AWS_MANAGED"
        for name, box in self.field_errors.items():
            message = sc.errors.get(name)
            box.value = f'<span style="color:#cf222e">&#9888; {_e(message)}</span>' if message else ""
        stale = not sc.ok and self.shown is not None
        for box in (self.diagram, self.table_html, self.findings_html, self.command_html):
            (box.add_class if stale else box.remove_class)("ekslab-stale")
        if "access" in sc.errors:
            mode, refused, refuses = _e(_("Mode:")), _e(_("none (refused)")), _e(_("AWS refuses this configuration"))
            greyed = _e(_("Greyed out below: the last valid configuration ({mode}), not this one.").format(
                mode=self.shown.config.mode.title if self.shown else _("none")))
            self.mode_html.value = ('<div class="ekslab-mode" data-mode="refused" style="font-size:1.3em">'
                                    f"{mode} <b>{refused}</b></div>")
            self.changes_html.value = ""
            self.status_html.value = (
                '<div class="ekslab-refusal" style="padding:6px 8px;background:#ffebe9;border-left:4px solid '
                f'#cf222e"><b>{refuses}</b> (InvalidParameterException): '
                f'{_e(sc.errors["access"])}.<br>{greyed}</div>')
        else:
            others = [m for name, m in sc.errors.items() if name not in TEXT_FIELDS]
            self.status_html.value = "".join(f'<div style="color:#cf222e">&#9888; {_e(m)}</div>' for m in others)
        inert = inert_settings(self.settings) if sc.ok else {}
        for name, box in self.inert_html.items():
            if name in inert:  # projector mode: a few words on one line; the whole note is the tooltip
                shown = _("no effect now (hover for why)") if self.projector else inert[name]
                box.value = f'<div class="ekslab-inert" title="{_e(inert[name])}">{_e(shown)}</div>'
            else:  # projector mode keeps the note's line, empty, so that the controls below it stay put
                box.value = '<div class="ekslab-inert"></div>' if self.projector else ""
        if sc.ok:
            self._show(sc)

    def _show(self, sc: Scene) -> None:
        config, vantages, vpc = sc.config, sc.vantages, sc.vpc
        mode = _e(_("Mode:"))
        self.mode_html.value = (f'<div class="ekslab-mode" data-mode="{config.mode.value}" style="font-size:1.3em">'
                                f"{mode} <b>{_e(config.mode.title)}</b></div>")
        rows = behavior_rows(config, vantages, vpc)
        changed = changed_rows(self.shown, sc)
        mode_changed = self.shown is not None and self.shown.config.mode != config.mode
        self.table_html.value = self._table(rows, vantages, changed)
        if changed or mode_changed:
            what = [_("mode is now {mode}").format(mode=config.mode.title.lower())] if mode_changed else []
            through, blocked = _("through"), _("blocked")
            what += [f"{r['vantage']}: {through if r['reachable'] else blocked}" for r in rows
                     if r["vantage"] in changed]
            since = _e(_("Changed since your last click:"))
            self.changes_html.value = ('<div class="ekslab-changes" style="padding:2px 8px;background:#fff8c5">'
                                       f"<b>{since}</b> " + _e("; ".join(what)) + "</div>")
        elif self.shown is not None:
            same = html.escape(_("No asker's answer changed with your last click."), quote=False)
            self.changes_html.value = f'<div class="ekslab-changes" style="padding:2px 8px;color:#57606a">{same}</div>'
        try:
            drawing = draw(config, vantages, vpc, title=_("{mode} endpoint access").format(mode=config.mode.title),
                           control_plane_egress=sc.settings.control_plane_egress, projector=self.projector)
            self.diagram.value = inline_svg(drawing.svg()) if self.projector else drawing.png()
            self.drawing = drawing
            self.diagram_note.value = ""
        except Exception as e:  # keep the last picture and say why it is stale
            failed = _e(_("diagram failed:"))
            self.diagram_note.value = (f'<span style="color:#cf222e">{failed} '
                                       f"{_e(type(e).__name__)}: {_e(e)}</span>")
        warnings = list(dict.fromkeys(x for v in vantages for x in evaluate(config, v, vpc).warnings))
        self.findings_html.value = self._findings(sc, warnings)
        self.command_html.value = self._command(sc)
        self.shown = sc

    # -- HTML ---------------------------------------------------------------------------------------------

    @staticmethod
    def _table(rows: list[dict], vantages, changed=frozenset()) -> str:
        through, blocked = _THROUGH.format(_e(_("through"))), _BLOCKED.format(_e(_("blocked")))
        body = "".join(
            f'<tr data-kind="{v.kind}" data-reachable="{str(r["reachable"]).lower()}" '
            f'data-changed="{str(r["vantage"] in changed).lower()}">'
            f'<td>{_e(r["vantage"])}</td><td>{through if r["reachable"] else blocked}</td>'
            f'<td>{_e(r["resolves_to"])}</td><td>{_e(r["endpoint"])}</td><td>{_e(r["path"])}</td>'
            f'<td style="font-size:0.9em">{link_keys_html(_e(r["reason"]))}</td></tr>'
            for r, v in zip(rows, vantages, strict=True)
        )
        keys = [k for r in rows for k in cited_keys(r["reason"])]
        head = "".join(f"<th style='text-align:left'>{_e(_t(h))}</th>" for h in _TABLE_HEADINGS)
        return (f'<table class="ekslab-behavior" style="border-collapse:collapse;width:100%">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" + legend_html(keys))

    def _findings(self, sc: Scene, warnings: list[str]) -> str:
        key = (sc.settings, self.account_id, self.region, self.cluster, i18n.get_language())
        if key not in self._findings_cache:
            if len(self._findings_cache) > 512:  # a long session of typing: forget the oldest answers
                self._findings_cache.pop(next(iter(self._findings_cache)))
            self._findings_cache[key] = _findings_rows(sc, self.account_id, self.region, self.cluster, self.facts)
        rows, problem = self._findings_cache[key]
        none = "<p>" + _e(_("none")) + "</p>"
        parts = ["<b>" + _e(_("Warnings from the behavior model")) + "</b>",
                 "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in warnings) + "</ul>" if warnings else none]
        parts.append("<b>" + _e(_("Findings (ekslab.findings)")) + "</b>")
        fix = _e(_("fix:"))
        if problem:
            parts.append(f"<p><i>{_e(problem)}</i></p>")
        elif rows:
            items = []
            for f in rows:
                colour = _SEVERITY_COLOURS.get(str(f.get("severity")), "#57606a")
                severity = severity_word(str(f.get("severity")))
                items.append(f'<li data-finding="{_e(f.get("id"))}"><span style="color:{colour};font-weight:bold">'
                             f'{_e(severity)}</span> {_e(f.get("id"))}: {_e(f.get("message"))}'
                             + (f'<br><small>{fix} <code style="white-space:pre-wrap">{_e(f["fix"])}</code></small>'
                                if f.get("fix") else "") + "</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append(none)
        if self.notes:
            parts.append("<b>" + _e(_("Assumed for this cluster")) + "</b><ul>"
                         + "".join(f"<li>{_e(n)}</li>" for n in self.notes) + "</ul>")
        return '<div class="ekslab-findings">' + "".join(parts) + "</div>"

    def _command(self, sc: Scene) -> str:
        try:
            command = update_command(self.cluster, self.region, sc.config)
        except ValueError as e:
            return '<div class="ekslab-command"><i>' + _e(_("no command: {why}").format(why=e)) + "</i></div>"
        note = (_("This is the cluster's current configuration: AWS would answer "
                  "\"Cluster is already at the desired configuration\".") if sc.config == self.current else
                _("An EndpointAccessUpdate: the cluster is UPDATING until it ends; AWS gives no duration "
                  "(follow it with aws eks describe-update: InProgress, then Successful)."))
        apply = _e(_("Apply it"))
        first = ""
        if self.current is not None and self.current.public and not sc.config.public:  # spec 9.6, 10.6
            steps, check = principal_access_commands(self.cluster, self.region, sc.settings.authentication_mode)
            heading = _e(_("First, let in the principal you will use from the VPC"))
            first = (f"<b>{heading}</b>"
                     f'<pre style="white-space:pre-wrap" data-step="access">{_e(steps)}\n{_e(check)}</pre>')
        egress = ""
        if sc.settings.control_plane_egress != self.initial.control_plane_egress:  # spec 10.4: one-way
            egress = ('<pre style="white-space:pre-wrap" data-step="egress">' + _e(egress_mode_command(
                self.cluster, self.region, self.initial.control_plane_egress, sc.settings.control_plane_egress))
                + "</pre>")
        return (f'<div class="ekslab-command">{first}<b>{apply}</b>'
                f'<pre style="white-space:pre-wrap">{_e(command)}</pre>{egress}<small>{_e(note)}</small></div>')

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

"""Architecture pictures drawn from the behavior model: ``draw``, ``draw_cluster``, ``ekslab diagram``.

Every arrow is an asker's path as ``evaluate`` returns it, green when it gets through
and red when it does not, so the picture always agrees with the answer. Taught in
notebooks/01_access_modes.ipynb (modes) and notebooks/03_fleet_analysis.ipynb (clusters).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ekslab import i18n
from ekslab.drawing.graph import AskerEdge, Facts, build
from ekslab.drawing.render import portable_svg, run_dot
from ekslab.fleet.outputs import compact_png
from ekslab.fleet.rows import missing, row_config, row_dns, row_list, row_name
from ekslab.i18n import N_, _, get_language
from ekslab.model.behavior import evaluate
from ekslab.model.config import AccessMode, EndpointConfig, InvalidEndpointConfig, VpcDns
from ekslab.model.vantage import InvalidVantage, Vantage, default_vantages

# The allow-list of the mode pictures: an office range and the NAT gateway of the
# default in-VPC asker, as AWS recommends (restricted CIDRs that keep the nodes in).
EXAMPLE_CIDRS = ("203.0.113.0/24", "198.51.100.20/32")
EXAMPLE_INTERNET_IP = "203.0.113.10"  # documentation address standing for a laptop
EXAMPLE_HYBRID_EGRESS = "198.51.100.40"  # a fleet row does not know the on-premises egress
SUFFIXES = {".png": "png", ".svg": "svg", ".dot": "dot", ".gv": "dot"}
CACHE_SIZE = 256  # the explorer alone can reach ~100 valid configurations


class Drawing:
    """A rendered picture of who reaches the API server. Shows itself in Jupyter as PNG.

    ``.png()`` bytes, ``.svg()`` text (icons embedded), ``.save(path)`` by suffix,
    ``.source`` (or ``.dot``) the Graphviz source, ``.askers`` how each asker was drawn.
    Pictures render on first use and are kept. Taught in notebooks/01_access_modes.ipynb.
    """

    def __init__(self, source: str, title: str, askers: tuple[AskerEdge, ...], config: EndpointConfig,
                 vpc: VpcDns, verdicts: tuple):
        self.source = source
        self.title = title
        self.askers = askers
        self.config = config
        self.vpc = vpc
        self.verdicts = verdicts  # (Vantage, Verdict) pairs, as evaluate returned them
        self._rendered: dict[str, bytes | str] = {}
        self._lock = threading.Lock()

    @property
    def dot(self) -> str:
        """The Graphviz DOT source (same as ``.source``)."""
        return self.source

    def _render(self, fmt: str):
        with self._lock:
            if fmt not in self._rendered:
                raw = run_dot(self.source, fmt)
                self._rendered[fmt] = portable_svg(raw) if fmt == "svg" else compact_png(raw)
            return self._rendered[fmt]

    def png(self) -> bytes:
        """The picture as PNG bytes (stable across runs on one machine)."""
        return self._render("png")

    def svg(self) -> str:
        """The picture as SVG text, icons embedded as data URIs (no absolute paths, no random ids)."""
        return self._render("svg")

    def save(self, path) -> Path:
        """Write the picture to ``path`` atomically; the suffix picks the format (.png, .svg, or .dot/.gv)."""
        path = Path(path)
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(_("cannot tell the picture format from {path!r}: use one of {suffixes}").format(
                path=str(path), suffixes=", ".join(SUFFIXES)))
        from ekslab.fleet.outputs import atomic_write, check_output

        check_output(path)
        data = self.png() if fmt == "png" else (self.svg() if fmt == "svg" else self.source)
        return atomic_write(path, data)  # a temporary file, then a rename: never half a picture

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        through = sum(a.reachable for a in self.askers)
        return _("<Drawing {title!r}: {through} of {n} askers get through>").format(
            title=self.title.splitlines()[0], through=through, n=len(self.askers))


_cache: OrderedDict = OrderedDict()
_stats = {"hits": 0, "misses": 0}
_cache_lock = threading.Lock()


def cache_info() -> dict:
    """Hits, misses and size of the drawing cache (keyed on config, askers, VPC DNS, title).

    Taught in notebooks/01_access_modes.ipynb.
    """
    with _cache_lock:
        return dict(_stats, size=len(_cache), maxsize=CACHE_SIZE)


def cache_clear() -> None:
    """Forget every cached drawing and reset the counters.

    Taught in notebooks/01_access_modes.ipynb.
    """
    with _cache_lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)


def _drawing(config: EndpointConfig, vantages: tuple, vpc: VpcDns, title: str, facts: Facts,
             projector: bool = False) -> Drawing:
    # assumed_defaults is not part of EndpointConfig equality, but the picture names it;
    # the language picks the words and the font, so an English picture never answers for a Korean one
    key = (config, config.assumed_defaults, vantages, vpc, title, facts, get_language(), projector)
    with _cache_lock:
        if key in _cache:
            _stats["hits"] += 1
            _cache.move_to_end(key)
            return _cache[key]
        _stats["misses"] += 1
    verdicts = tuple((v, evaluate(config, v, vpc)) for v in vantages)
    source, askers = build(config, verdicts, vpc, title, facts, projector)
    drawing = Drawing(source, title, askers, config, vpc, verdicts)
    with _cache_lock:
        _cache[key] = drawing
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return drawing


def _check_vantages(vantages) -> tuple:
    if vantages is None:
        return tuple(default_vantages())
    if isinstance(vantages, Vantage):
        return (vantages,)
    try:
        vantages = tuple(vantages)
    except TypeError:
        raise TypeError(_("vantages must be a list of Vantage objects, got {value!r}").format(value=vantages)) from None
    for v in vantages:
        if not isinstance(v, Vantage):
            raise TypeError(_("vantages must hold Vantage objects (e.g. Vantage.internet(ip)), got {value!r}").format(
                value=v))
    if not vantages:
        raise ValueError(_("vantages is empty: give at least one asker, or None for default_vantages()"))
    return vantages


def _default_title(config: EndpointConfig) -> str:
    title = _("EKS API server endpoint: {mode} access").format(mode=config.mode.title)
    if config.assumed_defaults:
        title += "\n" + _("(record lacked {fields}: AWS defaults assumed)").format(
            fields=", ".join(config.assumed_defaults))
    return title


def draw(config: EndpointConfig, vantages=None, vpc: VpcDns = VpcDns(), title: str | None = None,
         control_plane_egress: str | None = None, projector: bool = False) -> Drawing:
    """Draw one endpoint configuration with each asker's path, coloured by ``evaluate``.

    ``vantages`` defaults to ``default_vantages()``; ``title`` to the mode's name.
    ``control_plane_egress`` "CUSTOMER_ROUTED" adds the control plane's own way out through the
    ENIs (webhooks, OIDC: spec 10.4). ``projector`` lays the picture out top to bottom with larger
    labels, to fill a 1024-pixel screen (the explorer's projector mode). Repeated calls with the same
    inputs return the cached drawing. Never opens a viewer and never writes a file (use ``.save``). Taught in
    notebooks/01_access_modes.ipynb.
    """
    if not isinstance(config, EndpointConfig):
        raise InvalidEndpointConfig(_("draw needs an EndpointConfig (e.g. EndpointConfig(public=False, private=True)),"
                                      " got {type}: {value!r}").format(type=type(config).__name__, value=config))
    if not isinstance(vpc, VpcDns):
        raise TypeError(_("vpc must be a VpcDns, got {value!r}").format(value=vpc))
    if title is not None and not isinstance(title, str):
        raise TypeError(_("title must be a string or None, got {value!r}").format(value=title))
    if control_plane_egress is not None and not isinstance(control_plane_egress, str):
        raise TypeError(_("control_plane_egress must be a string or None, got {value!r}").format(
            value=control_plane_egress))
    if not isinstance(projector, bool):
        raise TypeError(_("projector must be True or False, got {value}").format(value=repr(projector)))
    return _drawing(config, _check_vantages(vantages), vpc, title or _default_title(config),
                    Facts(control_plane_egress=control_plane_egress), projector)


def mode_config(mode) -> EndpointConfig:
    """The example configuration of a mode for the teaching pictures (CIDRs restricted to ``EXAMPLE_CIDRS``).

    Taught in notebooks/01_access_modes.ipynb.
    """
    try:
        mode = AccessMode(mode)
    except ValueError:
        raise InvalidEndpointConfig(_("unknown access mode {mode!r}; choose one of {choices}").format(
            mode=mode, choices=", ".join(m.value for m in AccessMode))) from None
    public, private = mode is not AccessMode.PRIVATE, mode is not AccessMode.PUBLIC
    return EndpointConfig(public, private, EXAMPLE_CIDRS if public else ())


# ---- one cluster of the fleet frame -------------------------------------------------------------

# a fleet row's egress kinds (spec 9.1) as the model's: central egress of any kind is drawn as a transit gateway
_ROW_EGRESS = {"firewall-endpoint": "transit-gateway", "peering": "none", "core-network": "transit-gateway",
               "virtual-private-gateway": "transit-gateway", "network-interface": "transit-gateway",
               "local-gateway": "transit-gateway", "carrier-gateway": "transit-gateway"}
_ROW_EGRESS_NAMES = {"internet-gateway": N_("nodes via internet gateway (own public IPs)"),
                     "transit-gateway": N_("nodes via central egress (address unknown here)"),
                     "private-nat": N_("nodes via private NAT (no internet egress)"),
                     "none": N_("nodes (no default route)"),
                     "peering": N_("nodes via peering (no internet egress)")}


def _row_askers(row, where: str, nat_ips) -> tuple:
    try:
        askers = [Vantage.internet(EXAMPLE_INTERNET_IP, name=_("internet client (example {ip})").format(
            ip=EXAMPLE_INTERNET_IP))]
        askers += [Vantage.vpc(egress_ip=ip, name=_("nodes via NAT {ip}").format(ip=ip)) for ip in nat_ips]
        # spec 9.1: the other ways the node subnets leave, by the kind of their default route
        kinds = [k for k in row_list(row, "egress_kinds") if k != "public-nat"]
        for kind, name in dict.fromkeys((_ROW_EGRESS.get(k, k), _ROW_EGRESS_NAMES.get(k)) for k in kinds):
            if kind in _ROW_EGRESS_NAMES:  # spec 10.1: peering carries no internet traffic, so it is "none"
                askers.append(Vantage.vpc(egress=kind, name=i18n.gettext(name or _ROW_EGRESS_NAMES[kind])))
        if not nat_ips and not kinds:
            askers.append(Vantage.vpc(name=_("nodes (no NAT egress found)")))
        if row.get("hybrid"):
            askers += [Vantage.hybrid(cidr, egress_ip=EXAMPLE_HYBRID_EGRESS, sg_allows_443=True,
                                      name=_("hybrid nodes {cidr}\n(assumed: SG 443,\negress {ip})").format(
                                          cidr=cidr, ip=EXAMPLE_HYBRID_EGRESS))
                       for cidr in row_list(row, "remote_node_cidrs")]
    except InvalidVantage as e:
        raise ValueError(f"{where}: {e}") from None
    return tuple(askers)


def draw_cluster(row, vantages=None) -> Drawing:
    """Draw one cluster of the fleet frame (a row as a pandas Series or a dict).

    Shows its mode, publicAccessCidrs, VPC DNS facts (unknown ones taken as ok and
    marked "unknown"), NAT egress addresses and hybrid networks, with the askers that
    matter to it: an internet client, nodes behind each NAT address (or with no
    egress), hybrid nodes per remote node network. ``vantages`` replaces those askers.
    A row without a mode raises ValueError naming the cluster. Taught in
    notebooks/03_fleet_analysis.ipynb.
    """
    config = row_config(row)  # checks the row first: a clear error for anything else
    where = _("cluster {name}").format(name=row_name(row))
    vpc, unknown = row_dns(row)
    nat_ips = row_list(row, "node_egress_ips")
    askers = _row_askers(row, where, nat_ips) if vantages is None else _check_vantages(vantages)
    title = _("{cluster}: {mode} access").format(cluster=row_name(row), mode=config.mode.title)
    if config.assumed_defaults:
        title += "\n" + _("(record lacked {fields}: AWS defaults assumed)").format(
            fields=", ".join(config.assumed_defaults))
    if not missing(row.get("error")):
        title += "\n" + _("record problem: {error}").format(error=row.get("error"))
    mode = row.get("control_plane_egress")
    facts = Facts(cluster=row_name(row), dns_unknown=tuple(unknown), nat_ips=nat_ips,
                  pod_cidrs=row_list(row, "remote_pod_cidrs") if row.get("hybrid") else (),
                  control_plane_egress=mode if isinstance(mode, str) else None)
    return _drawing(config, askers, vpc, title, facts)


# ---- rendering many, and the command line --------------------------------------------------------

def render_many(drawings, formats=("png",)) -> None:
    """Render several drawings in parallel (``dot`` runs are separate processes).

    Taught in notebooks/01_access_modes.ipynb.
    """
    jobs = [(d, f) for d in drawings for f in formats if f not in d._rendered]
    if not jobs:
        return  # all cached: no threads to start
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), 4))) as pool:
        list(pool.map(lambda job: job[0]._render(job[1]), jobs))


def mode_drawings() -> dict[str, Drawing]:
    """The three teaching pictures, one per mode, with the default askers.

    Taught in notebooks/01_access_modes.ipynb.
    """
    return {m.value: draw(mode_config(m)) for m in AccessMode}


def write_all(directory) -> list[Path]:
    """Write access-mode-<mode>.png and .svg for the three modes into ``directory`` (created if missing).

    Taught in notebooks/01_access_modes.ipynb.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    drawings = mode_drawings()
    render_many(drawings.values(), ("png", "svg"))
    return [d.save(directory / f"access-mode-{mode}.{fmt}") for mode, d in drawings.items() for fmt in ("png", "svg")]


def _cli_diagram(args) -> int:
    from ekslab.fleet.outputs import EXIT_USAGE, check_output, terminal_safe

    try:
        if args.all:
            written = write_all(check_output(args.output, directory=True))
        else:
            out = check_output(args.output, (".png", ".svg"))  # before any drawing
            written = [draw(mode_config(args.mode)).save(out)]
    except (OSError, ValueError, RuntimeError) as e:
        print(f"ekslab diagram: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(path)
    return 0


def add_cli(subparsers) -> None:
    """Register ``ekslab diagram`` (``--mode M -o FILE`` or ``--all -o DIR``). Taught in README.md."""
    from ekslab.fleet.outputs import exit_codes_help

    p = subparsers.add_parser("diagram", help=_("draw the access-mode pictures (PNG or SVG)"),
                              description=_("Draw who reaches the API server in an access mode, as the behavior "
                                            "model answers it. PNG or SVG by the file suffix."),
                              epilog=exit_codes_help())
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--mode", choices=[m.value for m in AccessMode], help=_("draw this mode into FILE"))
    which.add_argument("--all", action="store_true",
                       help=_("write access-mode-<mode>.png and .svg for the three modes into DIR"))
    p.add_argument("-o", "--output", required=True, metavar="FILE|DIR",
                   help=_("the picture file, or the folder for --all"))
    p.set_defaults(func=_cli_diagram)

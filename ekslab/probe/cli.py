"""``ekslab probe``: observe the endpoint from this machine, or explain a kubectl error (spec section 11).

A thin layer over :func:`ekslab.probe.run.probe` and :func:`ekslab.probe.explain.explain`. Taught in README.md
and notebooks/04_troubleshooting.ipynb.
"""

from __future__ import annotations

import json
import sys

from ekslab import i18n
from ekslab.fleet.outputs import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, exit_codes_help, terminal_safe
from ekslab.i18n import _
from ekslab.model.config import EndpointConfig, InvalidEndpointConfig
from ekslab.probe.target import ProbeInputError
from ekslab.probe.verdict import LAYER_WORDS


def _connect_to(text: str):
    """``ADDRESS:PORT:HOST:PORT`` (curl's --connect-to) -> ((address, port), (host, port))."""
    import argparse

    parts = text.rsplit(":", 3)
    if len(parts) != 4 or not parts[1].isdigit() or not parts[3].isdigit():
        raise argparse.ArgumentTypeError(_("expected ADDRESS:PORT:HOST:PORT, got {text!r}").format(text=text))
    return (parts[0], int(parts[1])), (parts[2], int(parts[3]))


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError(_("expected seconds in (0, 60], got {text!r}").format(text=text))
    return value


def _config(args) -> EndpointConfig | None:
    if not args.mode:
        return None
    cidrs = args.public_cidrs or "0.0.0.0/0"
    public = args.mode in ("public", "public_and_private")
    return EndpointConfig(public=public, private=args.mode != "public", public_cidrs=cidrs if public else ())


class _Network:
    def __init__(self, dns, connect_to):
        self.dns, self.connect_to = dns, connect_to


def _targets(args):
    """(label, Target) pairs from the arguments; ProbeInputError for what cannot be used."""
    from ekslab.probe import kubeconfig, target

    config = _config(args)
    chosen = sum(bool(x) for x in (args.cluster, args.kubeconfig is not None, args.endpoint))
    if chosen != 1:
        raise ProbeInputError(_("name one target: CLUSTER --region R, --kubeconfig [PATH] or --endpoint URL --ca FILE"))
    if args.endpoint:
        if not args.ca:
            raise ProbeInputError(_("--endpoint needs --ca FILE (the cluster's certificate authority, PEM)"))
        return [(args.endpoint, target.from_endpoint(args.endpoint, args.ca, config, args.vpc_cidr))]
    if args.cluster:
        if not args.region:
            raise ProbeInputError(_("CLUSTER needs --region"))
        cluster, cidrs = _describe(args.cluster, args.region)
        made = target.from_cluster(cluster, cidrs, args.cluster)
        made.exec_command = {"command": "aws", "args": ["eks", "get-token", "--cluster-name", args.cluster,
                                                        "--region", args.region]}
        return [(args.cluster, made)]
    path = args.kubeconfig or kubeconfig.default_path()
    out = []
    for name, made in kubeconfig.targets(path, args.context, args.all_contexts):
        cluster_name, region = kubeconfig.cluster_of(made, made.exec_command)
        region = region or args.region
        if cluster_name and region:
            try:
                cluster, cidrs = _describe(cluster_name, region)
                made.config, made.vpc_cidrs = EndpointConfig.from_cluster(cluster), cidrs
                made.auth_mode, made.cluster_endpoint = (cluster.get("accessConfig") or {}).get(
                    "authenticationMode"), cluster.get("endpoint")
            except _AwsError as e:
                made.problems.append(_("not compared with DescribeCluster ({error})").format(error=e))
        if config is not None:
            made.config = config
        out.append((name, made))
    return out


class _AwsError(Exception):
    pass


def _describe(name, region):
    from botocore.exceptions import BotoCoreError, ClientError

    from ekslab.probe.target import describe

    try:
        return describe(name, region)
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise ProbeInputError(_("no cluster {name!r} in {region}").format(name=name, region=region)) from None
        raise _AwsError(f"{code}: {e.response.get('Error', {}).get('Message', '')}") from None
    except BotoCoreError as e:
        raise _AwsError(str(e)) from None


def format_explanation(found) -> str:
    """An :class:`~ekslab.probe.explain.Explanation` as terminal lines. Taught in notebooks/04."""
    if found.layer is None:
        return _("layer: not recognised") + "\n" + found.next_step
    lines = [_("layer: {layer}").format(layer=i18n.gettext(LAYER_WORDS[found.layer]))]
    if found.address:
        lines.append(_("address in the error: {address}").format(address=found.address))
    if found.fitting:
        lines.append(_("fits the observation: {askers}").format(
            askers="; ".join(p.situation.label for p in found.fitting)))
    lines.append(_("next step: {step}").format(step=found.next_step))
    return terminal_safe("\n".join(lines), newlines=True)


def _run(args) -> int:
    from ekslab.probe.explain import explain_error
    from ekslab.probe.run import probe

    try:
        config = _config(args)
        if args.explain is not None:
            found = explain_error(args.explain, config, args.vpc_cidr or ())
            if args.format == "json":
                print(json.dumps(dict(layer=found.layer, outcome=found.outcome, address=found.address,
                                      fits=[p.situation.label for p in found.fitting], next_step=found.next_step),
                                 ensure_ascii=False, indent=2))
            else:
                print(format_explanation(found))
            return EXIT_OK if found.layer else EXIT_INCOMPLETE
        targets = _targets(args)
        network = _Network(args.dns or [], dict(args.connect_to or [])) if args.connect_to else None
        results = []
        for label, made in targets:
            token = None
            if args.with_credentials and made.exec_command:
                from ekslab.probe.kubeconfig import exec_token
                try:
                    token = exec_token(made.exec_command, args.timeout * 3)
                except Exception as e:  # noqa: BLE001 - the plugin's failure is reported beside the probe
                    made.problems.append(_("no token from the exec plugin: {error}").format(error=e))
            results.append((label, probe(made, where=args.where, dns=None if network else args.dns,
                                         system_dns=not args.no_system_dns, network=network, timeout=args.timeout,
                                         budget=args.budget, token=token)))
    except (ProbeInputError, InvalidEndpointConfig, ValueError) as e:
        print(f"ekslab probe: {terminal_safe(e)}", file=sys.stderr)
        return EXIT_USAGE
    except _AwsError as e:
        print(_("ekslab probe: incomplete: DescribeCluster could not be read ({error})").format(
            error=terminal_safe(e)), file=sys.stderr)
        return EXIT_INCOMPLETE
    if args.format == "json":
        print(json.dumps([dict(context=label, **r.to_dict()) for label, r in results], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(str(r) for _label, r in results))
    codes = [r.exit_code for _label, r in results]
    return EXIT_FINDINGS if EXIT_FINDINGS in codes else EXIT_INCOMPLETE if EXIT_INCOMPLETE in codes else EXIT_OK


def add_cli(subparsers) -> None:
    """``ekslab probe``: name, path and server from this machine, compared with the model; or ``--explain``.

    Taught in README.md and notebooks/04_troubleshooting.ipynb.
    """
    from ekslab.model.vantage import KINDS

    p = subparsers.add_parser(
        "probe", help=_("observe the endpoint from this machine (DNS, TCP 443, TLS) and compare with the model"),
        description=_("Resolve the endpoint, connect to TCP 443, check TLS against the cluster CA and ask /version "
                      "anonymously; say which layer failed, what the model expected from where you stand, and what "
                      "to change. Sends no credentials unless --with-credentials; changes nothing."),
        epilog=exit_codes_help() + _(". probe: 0 reachable as predicted, 1 a failure or a disagreement, "
                                     "3 incomplete (the time budget ran out, or an error text not recognised)."))
    p.add_argument("cluster", nargs="?", help=_("the cluster's name (read with DescribeCluster; needs --region)"))
    p.add_argument("--region", help=_("the cluster's region"))
    p.add_argument("--kubeconfig", nargs="?", const="", default=None, metavar="PATH",
                   help=_("probe the kubeconfig's current context (default file: $KUBECONFIG, else ~/.kube/config)"))
    group = p.add_mutually_exclusive_group()
    group.add_argument("--context", help=_("the kubeconfig context to probe"))
    group.add_argument("--all-contexts", action="store_true", help=_("probe every context of the kubeconfig"))
    p.add_argument("--endpoint", metavar="URL", help=_("an https:// endpoint, with --ca; no AWS at all"))
    p.add_argument("--ca", metavar="FILE", help=_("the cluster's certificate authority (PEM file)"))
    p.add_argument("--mode", choices=("public", "public_and_private", "private"),
                   help=_("the endpoint access to compare with, when not read from DescribeCluster"))
    p.add_argument("--public-cidrs", metavar="CIDRS", help=_("publicAccessCidrs for --mode (comma-separated)"))
    p.add_argument("--vpc-cidr", action="append", metavar="CIDR", help=_("the cluster VPC's CIDR (repeatable)"))
    p.add_argument("--from", dest="where", choices=KINDS,
                   help=_("where this machine stands, to compare with that asker of the model"))
    p.add_argument("--dns", action="append", metavar="SERVER", help=_(
        "also ask this DNS server (ADDRESS[:PORT], e.g. the VPC resolver at the VPC base + 2); repeatable"))
    p.add_argument("--no-system-dns", action="store_true", help=_("do not ask the system resolver (only --dns)"))
    p.add_argument("--connect-to", action="append", type=_connect_to, metavar="ADDRESS:PORT:HOST:PORT",
                   help=_("connect to HOST:PORT when the name resolves to ADDRESS:PORT (as curl's --connect-to; "
                          "for the local stand-in)"))
    p.add_argument("--timeout", type=_seconds, default=3.0, metavar="S", help=_("seconds per step (default 3)"))
    p.add_argument("--budget", type=_seconds, default=None, metavar="S",
                   help=_("seconds for the whole probe (default 4 x --timeout)"))
    p.add_argument("--with-credentials", action="store_true", help=_(
        "also send a token (the kubeconfig's exec plugin, or aws eks get-token) to show the identity gate's answer"))
    p.add_argument("--explain", metavar="TEXT", help=_("map a kubectl error text to its layer; no network use"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_run)

"""A process per core for a large scan: ``ekslab scan --processes N|auto``, the parent's side.

One process signs, sends and parses about 640 botocore calls per second of CPU (bench/org_scale.py), so
an organization of hundreds of accounts keeps one core busy. Once the accounts are known (the
organization's listing, or the profiles), account i goes to process i mod N: process 0 is this one,
which scans its share as ``--processes 1`` would, and each other is a child
(``python -m ekslab.fleet.process_child``; the accounts whose roles are assumed first spread over all
processes). This process assumes every role itself, at one pace (the management account's STS bucket is
never paced twice), and sends each child its accounts with their keys over a pipe; a child scans them
as one process would and reports its progress (accounts done, clusters, throttles) and what it read,
as it reads it, as JSON lines (so a child holds little, and one that dies loses only what it had not
sent), then its counts. This process draws one bar, joins the results (``ekslab.fleet.merge``) and the
caller writes one snapshot. Failure is per child: one that dies, or ends without its counts, costs its
accounts an error record each naming what happened (what it sent before is kept); at the deadline every
child hands back what it read, and one that does not within :data:`GRACE` seconds is killed. Ctrl-C
kills every child.
Taught in README.md ("Organization scale").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import deque

from ekslab import i18n
from ekslab.i18n import N_, _

# accounts each child must have for "auto" to start it: a child costs ~0.7 s of CPU to start (imports and
# service models) and ~75 MB, and one process is CPU-bound only with many accounts; measured with
# bench/org_scale.py's fake (100 clusters an account): 20 accounts in one process finished first, 40 in two
MIN_ACCOUNTS_PER_PROCESS = 16
MAX_PROCESSES = 256
GRACE = 5.0  # seconds after the deadline for a child to hand back what it read before it is killed
CHILD = [sys.executable, "-m", "ekslab.fleet.process_child"]
_BAD_PROCESSES = N_("processes must be 'auto' or a whole number from 1 to {most}, got {value}")


def processes_value(value):
    """``"auto"`` or a whole number from 1 to :data:`MAX_PROCESSES` (text from the command line too), else a
    ValueError naming the value. Taught in README.md ("Organization scale")."""
    given = value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PROCESSES):
        return value
    raise ValueError(i18n.gettext(_BAD_PROCESSES).format(most=MAX_PROCESSES, value=repr(given)))


def processes_argument(text: str):
    """argparse's type for ``--processes``. Taught in README.md ("Organization scale")."""
    import argparse

    try:
        return processes_value(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says it, else the CPU count).

    Taught in README.md ("Organization scale").
    """
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def processes_for(accounts: int, requested="auto") -> int:
    """How many processes scan ``accounts`` accounts: ``requested`` (at most one per account), or for
    ``"auto"`` one per core while each gets :data:`MIN_ACCOUNTS_PER_PROCESS` accounts or more; 1 means
    this process alone. Taught in README.md ("Organization scale")."""
    if requested == "auto":
        return max(1, min(cores(), accounts // MIN_ACCOUNTS_PER_PROCESS))
    return max(1, min(int(requested), accounts))


def spread_over(state, accounts: list, requested, settings: dict):
    """Start the child processes for ``accounts`` (in the order their keys will come) when
    :func:`processes_for` says more than one: this process is process 0, so N processes are N - 1 children.
    Returns the :class:`Spread` (also ``state.spread``) or None. Taught in README.md ("Organization scale")."""
    n = processes_for(len(accounts), requested)
    if n < 2:
        return None
    state.spread = Spread(state, accounts, n, settings)
    state.spread.start()
    return state.spread


class ProcessFailed(Exception):
    """A child process ended without handing back its results (its accounts' error records carry this code)."""


class _Child:
    def __init__(self, index: int, proc):
        self.index, self.proc = index, proc
        self.accounts: list = []  # sent to it, in order
        self.lock = threading.Lock()
        self.progress = (0, 0, 0)  # accounts done, clusters read, throttles
        self.result = None
        self.read: dict = {"clusters": [], "vpcs": []}  # what it handed back as it read it
        self.failed = None  # why it gave no result, once known
        self.killed_at_deadline = False
        self.tail: deque = deque(maxlen=5)  # its last lines on stderr, to name a crash
        self.reader = self.errs = None

    def write(self, message: dict):
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except ValueError as e:  # its pipe was closed (the scan is closing): as if it had died
            raise BrokenPipeError(str(e)) from None


class Spread:
    """The processes of one scan, seen from the parent (process 0): the children are handed their accounts
    (:meth:`send`; :meth:`mine` says which are this process's own), told when there are no more
    (:meth:`sent_all`), and their results are joined (:meth:`joined`)."""

    def __init__(self, state, accounts: list, n: int, settings: dict):
        self.state, self.n, self.settings = state, n, settings
        self.shard_of = {acct: i % n for i, acct in enumerate(accounts)}
        self.counts = [sum(1 for i in range(len(accounts)) if i % n == k) for k in range(n)]
        self.children: list[_Child] = []  # process k is children[k - 1]
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._ended = False
        self._closed = False

    def start(self):
        """Start every child (one unit of the scan each) and send it the scan's settings."""
        import ekslab

        state = self.state
        root = os.path.dirname(os.path.dirname(os.path.abspath(ekslab.__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        scan = {"workers": state.workers, "max_attempts": state.max_attempts, "connect_timeout": state.connect_timeout,
                "read_timeout": state.read_timeout, "timeout": state.timeout, "max_rps": state.max_rps}
        for k in range(1, self.n):
            proc = subprocess.Popen(CHILD, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                    start_new_session=True)  # Ctrl-C at a terminal is the parent's to handle
            child = _Child(k, proc)
            self.children.append(child)
            state.begin(("child", k), None, None, "scan")
            try:
                child.write({"scan": scan, "deadline": state.deadline, "latencies": state.latencies,
                             "accounts": self.counts[k], "language": i18n.get_language(), **self.settings})
            except OSError:
                pass  # it died at once: its reader names it
            child.reader = threading.Thread(target=self._read, args=(child,), name=f"ekslab-child-{k}", daemon=True)
            child.errs = threading.Thread(target=self._stderr, args=(child,), name=f"ekslab-child-{k}-err",
                                          daemon=True)
            child.reader.start()
            child.errs.start()

    def mine(self, account: str) -> bool:
        """Whether ``account`` is this process's own to scan (process 0's share)."""
        return self.shard_of.get(account, 0) == 0

    def send(self, account: str, profile: str | None, creds: dict | None):
        """Hand ``account`` (with ``profile``'s session and the assumed keys, or none) to its child."""
        state = self.state
        child = self.children[self.shard_of[account] - 1]
        with state._lock:
            state.accounts.add(account)
            # its work is the child's now: this process never counts it done (the child's progress does)
            state.account_units[account] = state.account_units.get(account, 0) + 1
        with child.lock:
            if child.failed is None:
                child.accounts.append(account)
                try:
                    child.write({"account": account, "profile": profile, "creds": creds})
                except OSError:
                    pass  # it died: its reader names this account with the others
                return
        state.error(account, None, None, "scan", ProcessFailed(child.failed))

    def expect(self, n: int):
        """``n`` accounts are still to be sent (their roles are being assumed); none: tell the children now."""
        with self._pending_lock:
            self._pending = n
        if not n:
            self.sent_all()

    def settling(self, fn):
        """``fn`` (an AssumeRole job), counting down :meth:`expect`'s accounts however it ends."""
        def run(*args):
            try:
                fn(*args)
            finally:
                with self._pending_lock:
                    self._pending -= 1
                    last = self._pending == 0
                if last:
                    self.sent_all()
        return run

    def sent_all(self):
        """No more accounts: each child finishes what it has and hands back its results."""
        if self._ended:
            return
        self._ended = True
        for child in self.children:
            with child.lock:
                try:
                    child.write({"end": True})
                except OSError:
                    pass

    def progress(self) -> tuple[int, int, int]:
        """Accounts done, clusters read and throttles, summed over the children."""
        return tuple(sum(c.progress[i] for c in self.children) for i in range(3))

    def _read(self, child: _Child):
        """A child's stdout: progress lines, then its results; at its end the child's unit ends. Never a thread's
        traceback: after Ctrl-C the scan's one line is all that is said, and a failure here is the child's."""
        try:
            self._consume(child)
        except Exception as e:
            if not self.state.interrupted:
                self._failed(child, None, None, str(e) or type(e).__name__)
        finally:
            try:
                self.state.end(("child", child.index))
            except KeyError:
                pass

    def _consume(self, child: _Child):
        from ekslab.fleet.answers import as_json

        bad = None
        try:
            for line in child.proc.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    bad = line
                    break
                if not isinstance(message, dict):
                    bad = line
                    break
                if "snapshot" in message:
                    child.result = _checked_result(message["snapshot"])
                    if child.result is None:
                        bad = line
                        break
                    for section, records in child.read.items():
                        child.result[section] = records + as_json(child.result[section], self.state.texts)
                    child.progress = tuple(message.get("progress") or child.progress)
                elif "progress" in message:
                    read = message.get("read")
                    if read is not None and not _records_of(read, ("clusters", "vpcs")):
                        bad = line
                        break
                    for section, records in (read or {}).items():
                        child.read[section] += as_json(records, self.state.texts)
                    child.progress = tuple(message["progress"])
                elif "fatal" in message:  # a bug in ekslab (ReadOnlyViolation): the whole scan stops loudly
                    from ekslab.fleet.readonly import ReadOnlyViolation
                    self.state.fatal = ReadOnlyViolation(str(message["fatal"]))
        except (OSError, ValueError):
            pass
        if bad is not None:
            child.result = None
            _kill(child.proc)
        try:
            code = child.proc.wait(timeout=GRACE)
        except subprocess.TimeoutExpired:
            _kill(child.proc)
            code = child.proc.wait()
        if child.result is None:
            self._failed(child, code, bad)

    def _stderr(self, child: _Child):
        try:
            for line in child.proc.stderr:
                text = line.decode("utf-8", "replace").strip()
                if text:
                    child.tail.append(text)
        except (OSError, ValueError):
            pass

    def _failed(self, child: _Child, code, bad, why: str = ""):
        if child.errs is not None:
            child.errs.join(1.0)  # its last words, if it said any
        tail = list(child.tail)  # a copy: its reader may still append
        pid, last = child.proc.pid, (tail[-1] if tail else "")
        if why:
            message = _("the child process scanning this account (pid {pid}, --processes) could not be read: "
                        "{reason}").format(pid=pid, reason=why)
        elif child.killed_at_deadline:
            message = _("the child process scanning this account (pid {pid}, --processes) did not hand back its "
                        "results within {grace} s of the deadline and was killed").format(pid=pid, grace=f"{GRACE:g}")
        elif bad is not None:
            message = _("the child process scanning this account (pid {pid}, --processes) handed back output that "
                        "is no snapshot: {start}").format(pid=pid, start=repr(bad[:60].decode("utf-8", "replace")
                                                                                 .strip()))
        elif code is not None and code < 0:
            import signal
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            message = _("the child process scanning this account (pid {pid}, --processes) was killed by signal "
                        "{signal} before handing back its results").format(pid=pid, signal=name)
        else:
            message = _("the child process scanning this account (pid {pid}, --processes) exited with code {code} "
                        "without its results").format(pid=pid, code=code)
        if last and bad is None and not why and not child.killed_at_deadline:
            message += ": " + last[:300]
        with child.lock:
            child.failed = message
            accounts = list(child.accounts)
        for account in accounts:
            self.state.error(account, None, None, "scan", ProcessFailed(message))

    def finish(self):
        """After the scan's loop: wait for every child's results (at the deadline, each hands back what it
        read); one that has not answered :data:`GRACE` seconds past the deadline is killed, its accounts named."""
        for child in self.children:
            wait = max(0.0, self.state.deadline + GRACE - time.monotonic())
            child.reader.join(wait)
            if child.reader.is_alive():
                child.killed_at_deadline = True
                _kill(child.proc)
                child.reader.join(GRACE)

    def kill(self):
        """Kill every child still running and reap it (Ctrl-C: no child, not even a zombie, outlives this
        process); a killed child ends at once, but no wait is longer than a second."""
        for child in self.children:
            if child.proc.poll() is None:
                _kill(child.proc)
        for child in self.children:
            try:
                child.proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass

    def close(self):
        """Kill every child still running and reap it (Ctrl-C, a fatal error, the end of the scan)."""
        if self._closed:
            return
        self._closed = True
        self.kill()
        for child in self.children:
            try:
                child.proc.wait(timeout=GRACE)
            except subprocess.TimeoutExpired:
                pass
            for stream in (child.proc.stdin,):
                try:
                    stream.close()
                except OSError:
                    pass

    def joined(self, own: dict) -> dict:
        """This process's snapshot (its setup's calls and errors) with every child's results joined into it."""
        from ekslab.fleet.merge import join_records, summed_counts

        # a child that failed: what it handed back before is kept, beside its accounts' error records
        shards = [own] + [c.result if c.result is not None else {**c.read, "errors": []} for c in self.children]
        names = ["process 0 (this one)"] + [f"process {c.index}" for c in self.children]
        out = {"format": own["format"], **join_records(shards, names)}
        meta = {k: v for k, v in own["metadata"].items() if k not in ("throttles", "duplicate_clusters")}
        done = [own] + [c.result for c in self.children if c.result is not None]
        meta.update(summed_counts([s["metadata"] for s in done]), processes=self.n)
        out["metadata"] = meta
        return out


def _kill(proc):
    try:
        proc.kill()
    except OSError:
        pass


def _records_of(part, sections) -> bool:
    """Whether ``part`` is a dict of exactly ``sections``, each a list of records (dicts)."""
    return (isinstance(part, dict) and set(part) <= set(sections)
            and all(isinstance(part.get(k), list) and all(isinstance(r, dict) for r in part[k]) for k in sections))


def _checked_result(snapshot):
    """A child's snapshot if it has the shape joining needs (records are validated once, when written)."""
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("metadata"), dict):
        return None
    meta = snapshot["metadata"]
    if not isinstance(meta.get("accounts"), list) or not isinstance(meta.get("regions"), list) \
            or not isinstance(meta.get("api_calls"), int):
        return None
    sections = ("clusters", "vpcs", "errors")
    return snapshot if _records_of({k: snapshot.get(k) for k in sections}, sections) else None

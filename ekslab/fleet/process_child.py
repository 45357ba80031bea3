"""A child process of ``ekslab scan --processes``: ``python -m ekslab.fleet.process_child`` (ekslab.fleet.processes).

It reads JSON lines on stdin: the scan's settings, then one line per account (its id, the profile whose
session scans it, the assumed-role keys or none), then ``{"end": true}``. It scans each account as one
process does (``ekslab.fleet.scanner``: the same pools, pace, deadline and error records). Every quarter
second it writes its progress to stdout as a JSON line, with the clusters and VPCs read since (``"read"``:
it keeps none, so its memory does not grow with them, and a child that dies loses at most its last
quarter second), then the rest and its counts as one line (``"snapshot"``). Its stdout is the protocol's
alone: anything else printed goes to stderr. When stdin closes (the parent has the results, or was
interrupted, or is gone), the child ends at once. Taught in README.md ("Organization scale").
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading


def main() -> int:
    """Serve one shard of a scan over stdin and stdout; 0 once its results are written.

    Taught in README.md ("Organization scale").
    """
    out = os.fdopen(os.dup(1), "wb")  # the protocol's channel; fd 1 becomes stderr: a stray print cannot break it
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    line = sys.stdin.buffer.readline()
    if not line:
        return 2
    config = json.loads(line)
    from ekslab.i18n import using_language

    with using_language(config.get("language")):
        return _serve(config, out)


def _serve(config: dict, out) -> int:
    from ekslab.fleet import scanner
    from ekslab.fleet.readonly import ReadOnlyViolation

    state = scanner._Scan(progress=False, **config["scan"])
    state.deadline = config["deadline"]  # the parent's (time.monotonic() is the system's clock, not the process's)
    state.latencies = list(config.get("latencies") or [])
    state.texts = None  # it keeps no record, so sharing their texts here would only keep them alive
    regions, home, nodegroups = config["regions"], config["home"], config["nodegroups"]
    lock = threading.Lock()

    def write(message):
        data = json.dumps(message, separators=(",", ":")).encode() + b"\n"
        with lock:
            out.write(data)
            out.flush()

    inbox: queue.Queue = queue.Queue()

    def listen():  # the parent's lines; their end means no one waits for this child's results: it ends at once
        for raw in sys.stdin.buffer:
            inbox.put(json.loads(raw))
        os._exit(1)  # (the parent closes them after the results, or at Ctrl-C, or it is gone)

    sessions: dict = {}

    def session(profile):
        if profile not in sessions:
            sessions[profile] = scanner._new_session(profile_name=profile) if profile else scanner._new_session()
        return sessions[profile]

    def feed():
        state.size(max(1, config["accounts"]) * scanner._region_count(regions))
        while True:
            message = inbox.get()
            if message is None or message.get("end"):
                return
            scanner._scan_account(state, message["account"], session(message["profile"]), message["creds"],
                                  regions, home, nodegroups)

    def progress():
        return [state.accounts_done, state.tally.n, state.throttles]

    def handed_back():  # what was read since the last line (errors stay: the deadline names what they did not)
        with state._lock:
            clusters, vpcs, state.records, state.vpcs = state.records, state.vpcs, [], []
        return {"clusters": clusters, "vpcs": vpcs} if clusters or vpcs else None

    stop = threading.Event()

    def report():
        last = None
        while not stop.wait(0.25):
            now, read = progress(), handed_back()
            if now != last or read:
                write({"progress": now, **({"read": read} if read else {})})
                last = now

    threading.Thread(target=listen, name="ekslab-child-in", daemon=True).start()
    reporter = threading.Thread(target=report, name="ekslab-child-progress", daemon=True)
    reporter.start()
    try:
        scanner._run(state, feed, setup_operation=None)
    except ReadOnlyViolation as e:  # a bug in ekslab: the parent stops the whole scan
        write({"fatal": str(e)})
        return 1
    finally:
        stop.set()
        reporter.join()
    write({"snapshot": scanner._snapshot(state, ""), "progress": progress()})
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except BrokenPipeError:  # the parent is gone
        code = 1
    sys.stderr.flush()
    os._exit(code)  # threads still waiting on sockets (after the deadline) are not waited for

"""Fair pacing for a scan across many accounts and regions: token buckets and a fair pool.

AWS throttles each account and region per API with a token bucket: EC2's documented rate for
describe calls is a burst of 100 and 20 per second [EC2-THROTTLE]; EKS, STS, Organizations and
Route 53 Resolver publish none, so ekslab assumes a burst of 20 and 10 per second for them, and
paces one of their APIs only once AWS throttled it in that account-region (a pace it cannot know
would only slow the scan). The scanner paces every attempt (retries too) with its own bucket per
account, region and API, below AWS's, so it is not throttled rather than retried, and runs calls
on a :class:`FairPool`: the account-regions take turns, and each has at most a few calls in flight,
so one throttled account-region never holds the threads every other one needs.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext

# service -> (requests per second, burst) per account, region and API, as AWS documents them: paced from the start
DOCUMENTED_RATES = {"ec2": (20.0, 100)}
# published nowhere: assumed, and paced only after AWS throttled that API in that account-region
ASSUMED_RATES = {"eks": (10.0, 20), "sts": (10.0, 20), "organizations": (10.0, 20), "route53resolver": (10.0, 20)}
DEFAULT_RATE = (10.0, 20)
TYPICAL_LATENCY = 0.2  # seconds: an AWS API answer, to size concurrency as latency x rate (until one is measured)
# calls one process's botocore makes per second of CPU (~1-1.5 ms each: signing, HTTP, parsing; bench/org_scale.py):
# threads beyond latency x this, plus a quarter for answers slower than the first, only wait for the interpreter
# lock, and waiting for it costs CPU and memory too (bench/org_scale.py at 10,000 x 100 on two cores, 40 threads
# a process against 64: the same wall, ~25 MB and ~10 % of CPU less)
CALLS_PER_CPU_SECOND = 640
CPU_HEADROOM = 1.25
MAX_WORKERS = 256  # never more threads than this, whatever the latency


def rate_of(service: str, max_rps: float | None = None) -> tuple[float, int]:
    """The pace ekslab keeps for one API of ``service``: (requests per second, burst).

    Half AWS's burst (the other half absorbs the jitter between ekslab's clock and AWS's), at the
    documented rate or ``max_rps`` when lower. Taught in notebooks/03_fleet_analysis.ipynb.
    """
    rate, burst = DOCUMENTED_RATES.get(service) or ASSUMED_RATES.get(service, DEFAULT_RATE)
    if max_rps is not None:
        rate = min(rate, float(max_rps))
    return rate, max(1, min(burst // 2, math.ceil(rate)))


def in_flight_cap(max_rps: float | None = None, latency: float = TYPICAL_LATENCY) -> int:
    """Calls one account-region may have in flight: enough to keep its fastest bucket busy
    (latency x rate, with room for slow answers), below the smallest burst.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    fastest = max(rate_of(s, max_rps)[0] for s in (*DOCUMENTED_RATES, *ASSUMED_RATES))
    smallest_burst = min(b for _rate, b in (*DOCUMENTED_RATES.values(), *ASSUMED_RATES.values()))
    return max(2, min(smallest_burst // 2, math.ceil(fastest * latency * 2)))


def auto_workers(pairs: int, max_rps: float | None = None, latency: float = TYPICAL_LATENCY) -> int:
    """Threads for ``pairs`` account-regions: each gets rate x :data:`TYPICAL_LATENCY` calls in flight
    (room for its burst); never more than one process's CPU can serve at the measured ``latency``
    (seconds per answer: latency x :data:`CALLS_PER_CPU_SECOND` x :data:`CPU_HEADROOM`), nor
    :data:`MAX_WORKERS`.

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    rate = max(rate_of(s, max_rps)[0] for s in (*DOCUMENTED_RATES, *ASSUMED_RATES))
    per_pair = max(1, math.ceil(rate * TYPICAL_LATENCY))
    cpu_bound = math.ceil(round(CPU_HEADROOM * latency * CALLS_PER_CPU_SECOND, 6))  # 0.2000000001 s is 160, not 161
    return max(4, min(MAX_WORKERS, cpu_bound, pairs * per_pair))


class TokenBucket:
    """A token bucket that lends: ``reserve()`` takes a token now and says how long to wait for it."""

    def __init__(self, rate: float, burst: int, now: float):
        self.rate, self.burst = float(rate), float(burst)
        self.tokens, self.stamp = float(burst), now

    def reserve(self, now: float) -> float:
        """Seconds until the reserved token is due (0 when one was there)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Pacer:
    """A token bucket per (account, region, service, API), made on first use; thread-safe. An API whose rate
    AWS does not document gets its bucket when :meth:`throttled` says AWS throttled it there (with
    ``max_rps``, every API is paced from the start).

    ``attach(client, key, service, stopped)`` paces every HTTP attempt of a botocore client. ``waited`` is
    the time calls spent waiting for a token (the pace, not throttling). ``on_wait(key, until)`` tells the
    pool that an account-region waits, so it starts none of its other calls until then; the thread sleeps
    inside ``lend()`` (the pool's :meth:`FairPool.lend`), so that its sleep holds no thread others need.
    """

    def __init__(self, max_rps: float | None = None, clock=time.monotonic, on_wait=None, lend=nullcontext):
        self.max_rps, self.clock, self.on_wait, self.lend = max_rps, clock, on_wait, lend
        self._buckets: dict = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def delay(self, key, service: str, operation: str) -> float:
        """Reserve a token for one attempt; the seconds to wait before sending it."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get((key, service, operation))
            if bucket is None:
                if service not in DOCUMENTED_RATES and self.max_rps is None:
                    return 0.0  # not paced until AWS throttles it
                bucket = self._buckets[(key, service, operation)] = TokenBucket(*rate_of(service, self.max_rps), now)
            wait = bucket.reserve(now)
            self.waited += wait
        if wait and self.on_wait is not None:
            self.on_wait(key, now + wait)
        return wait

    def throttled(self, key, service: str, operation: str):
        """AWS throttled this API here: pace it from now on, its bucket empty (AWS's is)."""
        with self._lock:
            if (key, service, operation) not in self._buckets:
                now = self.clock()
                bucket = self._buckets[(key, service, operation)] = TokenBucket(*rate_of(service, self.max_rps), now)
                bucket.tokens = 0.0

    def attach(self, client, key_of, service: str, check):
        """Pace ``client``'s attempts under ``key_of()`` (the calling thread's account-region); ``check()`` raises
        when no call may be sent any more (a deadline, Ctrl-C), also while waiting. Returns the client."""
        def before_send(event_name="", **_event):
            wait = self.delay(key_of(), service, event_name.rsplit(".", 1)[-1])
            if wait <= 0:
                return
            end = self.clock() + wait
            with self.lend():  # the pool lets another thread run meanwhile
                while wait > 0:  # sleep in slices: a deadline or Ctrl-C ends the wait
                    check()
                    time.sleep(min(wait, 0.25))
                    wait = end - self.clock()

        client.meta.events.register("before-send", before_send, unique_id="ekslab-pace")
        return client


class FairPool:
    """Worker threads that take calls from per-key queues in turn (round robin over keys), at most ``cap``
    in flight per key, skipping a key told to wait (:meth:`pause`). A thread that sleeps for its pace
    (:meth:`lend`) is replaced while it sleeps, so ``size`` threads stay awake for the keys that may run.
    Threads are daemons: a scan that ends at its deadline leaves a call stuck on a slow socket behind
    without waiting for it.
    """

    def __init__(self, workers: int, cap: int, name: str = "ekslab-call"):
        self.cap, self._name = cap, name
        self._queues: dict = {}
        self._ring: deque = deque()  # keys with queued calls, in turn order
        self._in_flight: dict = {}
        self._paused: dict = {}
        self._cond = threading.Condition()
        self._closed = False
        self._target = 0  # threads to keep awake
        self._lent = 0  # threads asleep in a pace wait
        self._threads: list = []
        self._made = 0
        self.grow(workers)

    @property
    def size(self) -> int:
        """The number of threads kept awake (those asleep in a pace wait not counted)."""
        return self._target

    def _start(self):
        t = threading.Thread(target=self._work, name=f"{self._name}-{self._made}", daemon=True)
        self._made += 1
        self._threads.append(t)
        t.start()

    def grow(self, workers: int):
        """Keep up to ``workers`` threads awake (the pool is sized once the accounts and regions are known)."""
        with self._cond:
            self._target = max(self._target, workers)
            while len(self._threads) - self._lent < self._target:
                self._start()

    @contextmanager
    def lend(self):
        """The calling worker sleeps (its call waits for a token) inside this block: another thread takes
        its place meanwhile (at most ``4 x size`` in all); one left over ends when it finds no work."""
        with self._cond:
            self._lent += 1
            if len(self._threads) - self._lent < self._target and len(self._threads) < 4 * self._target:
                self._start()
        try:
            yield
        finally:
            with self._cond:
                self._lent -= 1

    def submit(self, key, fn, *args, **kwargs) -> Future:
        """Queue ``fn(*args, **kwargs)`` under ``key``; returns its Future."""
        future = Future()
        with self._cond:
            if self._closed:
                future.cancel()
                return future
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = deque()
            if not queue:
                self._ring.append(key)
            queue.append((future, fn, args, kwargs))
            self._cond.notify()
        return future

    def pause(self, key, until: float):
        """Start no call of ``key`` before ``until`` (time.monotonic())."""
        with self._cond:
            if until > self._paused.get(key, 0.0):
                self._paused[key] = until

    def _take(self):
        """The next runnable call (under the lock), or the seconds to wait for one."""
        now = time.monotonic()
        soonest = None
        for _turn in range(len(self._ring)):
            key = self._ring[0]
            self._ring.rotate(-1)
            if self._in_flight.get(key, 0) >= self.cap:
                continue
            until = self._paused.get(key, 0.0)
            if until > now:
                soonest = until if soonest is None else min(soonest, until)
                continue
            queue = self._queues[key]
            job = queue.popleft()
            if not queue:
                self._ring.remove(key)
                del self._queues[key]
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            return True, key, job
        return False, None, (None if soonest is None else max(0.001, soonest - now))

    def _work(self):
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        return
                    if len(self._threads) - self._lent > self._target:  # a stand-in whose sleeper woke
                        self._threads.remove(threading.current_thread())
                        return
                    ready, key, job = self._take()
                    if ready:
                        break
                    self._cond.wait(job)
            future, fn, args, kwargs = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as e:  # noqa: BLE001 - handed to whoever waits on the future
                    future.set_exception(e)
            with self._cond:
                self._in_flight[key] -= 1
                if not self._in_flight[key]:
                    del self._in_flight[key]
                self._cond.notify()

    def close(self):
        """Cancel what is queued and let the threads end after their current call (never waits)."""
        with self._cond:
            self._closed = True
            for queue in self._queues.values():
                for future, *_rest in queue:
                    future.cancel()
            self._queues.clear()
            self._ring.clear()
            self._cond.notify_all()

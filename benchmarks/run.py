"""`make bench`: throughput and latency of the app under a production-like server.

Starts granian (WSGI, 2 workers, DEBUG off, production settings) on the database `config.devdb`
provides, drives load with wrk from a second process on 127.0.0.1, and compares every case with a
bare Django view (`/healthz`) measured in the same run, since machines are noisy. Prints a table and
writes `.bench/results.json` as {"case": {"rps", "p50_ms", "p99_ms", "ratio"}}.

Later capabilities add cases to CASES (a path on a demo bank's host, or a Lua script for wrk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / ".bench" / "results.json"
PORT = int(os.environ.get("BENCH_PORT", "8011"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
# Blocking threads per granian worker: requests that wait on the database (a commit) overlap.
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
BURST = 200  # simultaneous first-time scans of one manager's code
BANK_HOST = "gpnsh.localhost"


@dataclass
class Case:
    name: str
    host: str
    path: str  # may contain {code}: a demo account manager's link code
    script: str | None = None  # a wrk Lua script (benchmarks/wrk/…), e.g. for POSTs


BARE_PORT = PORT + 1
CASES = [
    Case("bare", "localhost", "/bare"),
    Case("storefront", BANK_HOST, "/s/{code}"),
    Case("qr_png", BANK_HOST, "/s/{code}/qr.png"),  # served from the cache after the first request
    Case("track_first_scan", BANK_HOST, "/s/{code}/t", script="track.lua"),
]


def manage(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def prepare() -> str:
    """Migrate, seed the demo banks, collect static files; return a demo manager's link code."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    manage("migrate_schemas", "--shared", "-v", "0", env=env)
    manage("platform_init", env=env)
    manage("migrate_schemas", "--tenant", "-v", "0", env=env)
    output = manage("demo_seed", env=env)
    codes = re.findall(r"http://gpnsh\.localhost\S*/s/([0-9a-z]+)", output)
    if not codes:
        raise SystemExit("bench: the demo seed printed no gpnsh link")
    return codes[-1]


def server_env() -> dict:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-only-" + "x" * 50,
        PII_KEY="YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZy0hISE=",
        PII_HASH_KEY="bench-only-hash-key",
        ALLOWED_HOSTS="localhost,.localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(BASE_DIR / ".bench" / "static"),
        LOG_LEVEL="ERROR",
    )


def start_server(*, port: int, settings: str = "config.settings.production") -> subprocess.Popen:
    env = dict(server_env(), DJANGO_SETTINGS_MODULE=settings)
    granian = Path(sys.executable).parent / "granian"
    process = subprocess.Popen(
        [
            str(granian),
            "--interface",
            "wsgi",
            "--workers",
            "2",
            "--blocking-threads",
            str(THREADS),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-ws",
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except urllib.error.HTTPError:
            return process  # it answers (a 404 is an answer)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"bench: the server did not start: {process.stderr.read().decode()[-2000:]}")


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(case: Case, code: str) -> dict:
    port = BARE_PORT if case.name == "bare" else PORT
    url = f"http://127.0.0.1:{port}{case.path.format(code=code)}"
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", f"Host: {case.host}", url]
    if case.script:
        command[1:1] = ["-s", str(BASE_DIR / "benchmarks" / "wrk" / case.script)]
    # Warm caches and persistent connections first; measure after.
    subprocess.run([*command[:-1], "-d2s", url], capture_output=True, check=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def burst(code: str) -> dict:
    """BURST first-time scans at once (threads released together), as from a crowd at an event."""
    import http.client
    import threading

    barrier, statuses = threading.Barrier(BURST), []

    def scan():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        barrier.wait()
        connection.request("POST", f"/s/{code}/t?e=1", headers={"Host": BANK_HOST, "User-Agent": "Mozilla/5.0 Mobile"})
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=scan) for _ in range(BURST)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": BURST, "seconds": round(time.perf_counter() - started, 3), "ok": statuses.count(200)}


CLAIMS, CLAIM_UNITS = 500, 20  # simultaneous claims of a limited-quota offer, and its units


def claim_burst() -> dict:
    """CLAIMS customers claim a fresh CLAIM_UNITS-unit offer at the same moment (as when an offer
    opens): each first opens the campaign link (its visitor cookie and CSRF token), then all claims
    are released together. Reports claims/s over the burst, p99 of a claim, and how many succeeded."""
    import http.client
    import threading
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    offer = manage("campaign_quota_offer", "--bank", "gpnsh", "--units", str(CLAIM_UNITS), env=env).split()[-1]
    headers = {"Host": BANK_HOST, "User-Agent": "Mozilla/5.0 (iPhone) Mobile MicroMessenger"}
    barrier, statuses, latencies, failures = threading.Barrier(CLAIMS + 1), [], [], []

    def customer(n: int):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
            connection.request("GET", f"/c/{offer}", headers=headers)
            page = connection.getresponse()
            html = page.read().decode()
            cookies = SimpleCookie()
            for header in page.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
            token = cookies["csrftoken"].value
            version = re.search(r'name="consent_version" value="(\d+)"', html).group(1)
            body = urlencode({"mobile": f"1390000{n:04d}", "consent": "on", "consent_version": version})
            claim_headers = {
                **headers,
                "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items()),
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            }
        except Exception as exc:
            failures.append(repr(exc))
            barrier.wait()
            return
        barrier.wait()
        started = time.perf_counter()
        try:
            connection.request("POST", f"/c/{offer}/claim", body=body, headers=claim_headers)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            latencies.append(time.perf_counter() - started)
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(CLAIMS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "claims": CLAIMS,
        "units": CLAIM_UNITS,
        "claims_per_s": round(len(statuses) / seconds, 1) if seconds else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
        "succeeded": statuses.count(302),
        "sold_out": statuses.count(410),
        "other": len(statuses) - statuses.count(302) - statuses.count(410) + len(failures),
    }


def ingest() -> dict:
    """Empty the tracking inbox the cases above filled; hits turned into visitors and events per second."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    started = time.perf_counter()
    output = manage("insights_ingest", "--once", env=env)
    seconds = time.perf_counter() - started
    hits = int(output.split()[0])
    return {"hits": hits, "seconds": round(seconds, 1), "hits_per_s": round(hits / seconds, 1) if seconds else None}


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is needed (Debian/Ubuntu package 'wrk').")


def use_bench_database() -> None:
    """Run on a database and cache of the benchmark's own, so its traffic never lands in the demo."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, _slash, name = url.rpartition("/")
    bench_url = f"{base}/{name.split('?')[0]}_bench"
    libpq = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_url.rpartition("/")[2]])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{bench_url.rpartition("/")[2]}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CACHE_DIR"] = str(BASE_DIR / ".bench" / "cache")


def main(names: list[str]) -> None:
    ensure_wrk()
    use_bench_database()
    code = prepare()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=server_env(),
        check=True,
    )
    results, extra = {}, {}
    # One server at a time, so that the two never compete for the two cores.
    for case in CASES:
        if names and case.name not in names and case.name != "bare":
            continue
        if case.name == "bare":
            server = start_server(port=BARE_PORT, settings="benchmarks.bare")
        else:
            server = start_server(port=PORT)
        try:
            results[case.name] = wrk(case, code)
            if case.name == "track_first_scan":
                extra["burst_first_scans"] = burst(code)
                extra["claim_burst"] = claim_burst()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    if "track_first_scan" in results:
        extra["ingest"] = ingest()
    bare = results["bare"]["rps"]
    for figures in results.values():
        figures["ratio"] = round(figures["rps"] / bare, 3) if bare else None
    RESULTS.parent.mkdir(exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results, **extra}, indent=2, ensure_ascii=False) + "\n")
    print(f"{'case':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>8}  errors")
    for name, f in results.items():
        errors = f"{f['non_2xx']} non-2xx {f['socket_errors']}".strip() if f["non_2xx"] or f["socket_errors"] else ""
        print(f"{name:<24}{f['rps']:>10.1f}{f['p50_ms']:>10.2f}{f['p99_ms']:>10.2f}{f['ratio']:>8.3f}  {errors}")
    for name, figures in extra.items():
        print(f"{name:<24}" + ", ".join(f"{key} {value}" for key, value in figures.items()))
    print(
        f"(wrk -t2 -c{CONNECTIONS} -d{DURATION}; granian wsgi, 2 workers x {THREADS} blocking threads;"
        f" written to {RESULTS.relative_to(BASE_DIR)})"
    )
    # Case `stats`: the statistics at scale, timed in process (benchmarks/stats.py), once the
    # servers are gone. Its first run generates a bank of 10M events, which takes a while.
    if not names or "stats" in names:
        from benchmarks import stats

        stats.measure()


if __name__ == "__main__":
    main(sys.argv[1:])

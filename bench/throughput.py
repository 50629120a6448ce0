"""Requests per second under gunicorn, against Django's own floor (a one-view hello app).

.venv/bin/python bench/throughput.py [--duration 10] [--databases sqlite postgresql]

For each database it builds a throw-away database with the seeds imported and indexed,
starts the site under gunicorn (2 sync workers, --preload, DEBUG off), drives each page
type with ``wrk -t2 -c64 --latency`` (Debian package ``wrk``, installed when missing), first
with the page cache on and then with it off (PAGE_CACHE=0), plus a search for a query
never seen before (every request a new query). Prints req/s, p50, p99, errors and timeouts
per row, the ratio to the hello floor, and each worker's PSS (smaps_rollup) at the end.

Targets (ratios in one run): cached pages, API and popular searches >= 50 % of the floor;
uncached pages >= 10 %, an unseen search >= 5 %; p99 < 250 ms; no errors or timeouts;
worker PSS < 150 MB.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "kb_bench_throughput"

CACHED_PATHS = {
    "home": "/",
    "home (en)": "/en/",
    "topic": "/topics/business/",
    "entry": "/entries/19/",
    "entry (en)": "/en/entries/19/",
    "document": "/documents/001_85f9168626f9a8f7/",
    "search (popular)": "/search/?q=" + quote("数据隐私"),
    "api search": "/api/search/?q=" + quote("融资"),
    "api entries": "/api/entries/?source=003_77a31d810ee5c5ba.txt",
    "sitemap.xml": "/sitemap.xml",
    "glossary": "/glossary/",
}
UNSEEN_SEARCH_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/search/?q=%E8%9E%8D%E8%B5%84+" .. counter .. "x" .. math.random(1, 1000000))
end
"""
TARGETS = {"cached": 0.50, "uncached": 0.10, "unseen search": 0.05}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)


def site_env(database_url, page_cache):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "",
        "PAGE_CACHE": "1" if page_cache else "0",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


class Server:
    def __init__(self, args, env, cwd):
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, *args, "-w", "2", "--preload", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--log-level", "warning"],
            cwd=cwd, env=env, start_new_session=True,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()  # noqa: S310 - loopback
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers_pss_mb(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                             text=True).stdout.split()  # fmt: skip
        sizes = []
        for pid in out:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            sizes.append(int(re.search(r"^Pss:\s+(\d+) kB", text, re.M)[1]) / 1024)
        return sizes

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, duration, script=None):
    args = ["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", "--timeout", "5s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            args += ["-s", lua.name]
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": rps,
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": (int(errors[1]) if errors else 0)
        + (sum(map(int, sockets.groups()[:3])) if sockets else 0),
        "timeouts": int(sockets[4]) if sockets else 0,
    }


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def print_row(name, row, floor, target=None):
    ratio = row["rps"] / floor
    verdict = "" if target is None else ("ok" if ratio >= target and row["p99"] < 250 else "MISS")
    print(
        f"{name:<32} {row['rps']:>9.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
        f"{row['errors']:>6} {row['timeouts']:>8} {100 * ratio:>7.1f} %  {verdict}"
    )


def database_url(vendor, tmp):
    if vendor == "sqlite":
        return f"sqlite:///{tmp}/bench.sqlite3"
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        c.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"


def drop_database(vendor):
    if vendor == "postgresql":
        import psycopg

        url = PG_ADMIN_URL.replace("postgres://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per row")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    options = parser.parse_args()
    ensure_wrk()
    hello = Server(["hello_app:application"], {**os.environ}, ROOT / "bench")
    try:
        floor = wrk(hello.url + "/", options.duration)
    finally:
        hello.stop()
    header = f"{'row':<32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'timeouts':>8} {'floor':>9}"
    print(
        f"hello floor: {floor['rps']:.0f} req/s (p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms)"
    )
    for vendor in options.databases:
        tmp = tempfile.mkdtemp(prefix="kb-throughput-")
        url = database_url(vendor, tmp)
        try:
            env = site_env(url, page_cache=True)
            manage(env, "migrate", "--no-input")
            manage(env, "import_seeds")
            manage(env, "collectstatic", "--no-input")
            print(f"\n== {vendor}\n{header}")
            for cache_on in (True, False):
                server = Server(["kb.wsgi"], site_env(url, page_cache=cache_on), ROOT)
                try:
                    label = "cached" if cache_on else "uncached"
                    for name, path in CACHED_PATHS.items():
                        row = wrk(server.url + path, options.duration)
                        print_row(f"{name} [{label}]", row, floor["rps"], TARGETS[label])
                    if not cache_on:
                        row = wrk(server.url, options.duration, UNSEEN_SEARCH_LUA)
                        print_row("search never seen [uncached]", row, floor["rps"],
                                  TARGETS["unseen search"])  # fmt: skip
                    pss = server.workers_pss_mb()
                    print(f"worker PSS ({label}): " + ", ".join(f"{p:.0f} MB" for p in pss))
                finally:
                    server.stop()
        finally:
            drop_database(vendor)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

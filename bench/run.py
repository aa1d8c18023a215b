"""`make bench`: the site under load on a large data set, and what a page weighs.

A fresh SQLite database under /tmp (or DATABASE_URL, which must point at an empty
database), migrated, with the demo book and `seed_load` (10,000 members, 100,000
stories); gunicorn with deploy/gunicorn.conf.py, two workers and the production
settings (bench.settings adds the baseline view); wrk drives each page. It prints a
table and ends with a one-line summary. A report, not a test: it exits 0 whatever the
figures, and non-zero only when it could not measure.

Environment (defaults in brackets): BENCH_DURATION seconds per page [20],
BENCH_CONNECTIONS [16], BENCH_THREADS wrk threads [2], BENCH_WARMUP seconds per page
[2], BENCH_MEMBERS [10000], BENCH_STORIES [100000], BENCH_WORKERS gunicorn workers [2],
BENCH_WRITE_SECONDS for the writes row [30], BENCH_SCALE multiplies the members and
stories and compares with the last scale-1 run on the same engine [1],
BENCH_KEEP=1 keeps the folder under /tmp with the database and the logs; with
DATABASE_URL set, BENCH_REUSE=1 measures the data already there (a kept database)
instead of loading the demo and seeding."""

import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from bench.writes import run_writes

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))

DURATION = int(os.environ.get("BENCH_DURATION", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
#: BENCH_SCALE=10: ten times the members and stories, compared with the last run at
#: scale 1 on the same engine (its figures kept in RESULTS).
SCALE = int(os.environ.get("BENCH_SCALE", "1"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000")) * SCALE
STORIES = int(os.environ.get("BENCH_STORIES", "100000")) * SCALE
#: Each run's page figures, per engine and scale, for the scale run to compare with.
RESULTS = ROOT / ".bench-results"
#: The pages the scale row compares, and how much slower they may be at ten times the data.
SCALE_PAGES = ("chapter, anonymous", "chapter, member", "story", "latest stories", "search")
SCALE_LIMIT = 1.5
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
KEEP = os.environ.get("BENCH_KEEP", "") not in ("", "0", "false")
REUSE = os.environ.get("BENCH_REUSE", "") not in ("", "0", "false")

# Targets (BENCHMARKS.md): throughput as a share of the baseline view, latency, errors.
P99_MS = 100
RSS_GROWTH_MB = 20
PAGE_WEIGHT_KB = 60
PHOTO_KB = 400
COLD_MS = 250
WRITE_P99_MS = 200
WRITE_SECONDS = int(os.environ.get("BENCH_WRITE_SECONDS", "30"))
#: wrk's connections reading beside the writers: readers, not a second saturating load.
WRITE_READERS = 4
ROUND_SECONDS = 60
# nginx's `gzip_comp_level` for pages when gzip is on; the static files are served
# precompressed (whitenoise's .gz files, nginx gzip_static).
HTML_GZIP_LEVEL = 6


#: Words of seed_load's stories, common and rare, for the search with a new question each
#: time.
SEARCH_WORDS = [
    "bankje", "vergunning", "buurtbudget", "plein", "moestuin", "keukentafelgesprek",
    "klankbordgroep", "bibliotheek", "wijkplan", "zonnedak", "markt", "buurthuis",
    "straatfeest", "fietsenstalling", "energiecoöperatie", "wethouder", "formulier",
    "kinderen", "ondernemers", "budget", "gewoonte", "stoep", "zaterdagochtend",
]  # fmt: skip


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(message, flush=True)


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
        if shutil.which("wrk")
        else None,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    started = time.monotonic()
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    log(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s")
    return result.stdout


def module(env: dict, name: str, *args: str):
    result = subprocess.run(
        [PY, "-m", name, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"python -m {name} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout)


def fetch(url: str, *, cookie: str = "", gzip_ok: bool = False, timeout: float = 30):
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", cookie)
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=timeout) as response:
        return response.status, dict(response.headers), response.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match[1]) / 1024


def wrk(url: str, *, seconds: int, cookie: str = "", words=(), connections: int = 0) -> dict:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections or CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    # With words, report.lua asks for a different one (and a random number) each time;
    # percent-encoded, since wrk refuses a request line with a letter outside ASCII
    # ("invalid URL" when it first draws "energiecoöperatie").
    extra = ["--", *(urllib.parse.quote(word) for word in words)] if words else []
    result = subprocess.run([*command, url, *extra], capture_output=True, text=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return data


class Assets(HTMLParser):
    """The CSS and JavaScript a page links (stylesheets for every medium, scripts),
    and, apart, the fonts it preloads."""

    def __init__(self):
        super().__init__()
        self.css_js, self.fonts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel:
            self.css_js.append(attrs["href"])
        elif tag == "link" and "preload" in rel and attrs.get("as") == "font":
            self.fonts.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.css_js.append(attrs["src"])


def page_weight(base: str, path: str) -> dict:
    """The chapter page as a reader's browser fetches it: the HTML gzipped as nginx
    would, each linked CSS and JS file as whitenoise serves it compressed."""
    status, _headers, html = fetch(base + path)
    if status != 200:
        raise BenchError(f"{path} answered {status}")
    parser = Assets()
    parser.feed(html.decode())
    files = []
    for href in dict.fromkeys(parser.css_js):
        status, headers, body = fetch(base + href, gzip_ok=True)
        if status != 200:
            raise BenchError(f"{href} answered {status}")
        files.append((href, len(body), headers.get("Content-Encoding", "identity")))
    fonts = 0
    for href in dict.fromkeys(parser.fonts):
        fonts += len(fetch(base + href)[2])
    html_gz = len(gzip.compress(html, HTML_GZIP_LEVEL))
    return {
        "html_bytes": len(html),
        "html_gzip_bytes": html_gz,
        "files": files,
        "total_bytes": html_gz + sum(size for _href, size, _enc in files),
        "font_bytes": fonts,
    }


def env_for(folder: Path, port: int) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'db.sqlite3'}")
    env.setdefault("DJANGO_MEDIA_ROOT", str(folder / "media"))
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY="bench-only-not-secret-never-deploy-this-key",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_URL="console://",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_LOG_FORMAT="json",
        WEB_CONCURRENCY=str(WORKERS),
        BIND_HOST="127.0.0.1",
        PORT=str(port),
        PYTHONPATH=str(ROOT),
        # The writes row's members post without pause (bench/writes.py).
        DJANGO_STORIES_TRUSTED_STORIES_PER_HOUR="1000000",
        DJANGO_STORIES_TRUSTED_REPLIES_PER_HOUR="1000000",
    )
    return env


def engine(env: dict) -> str:
    """The database and cache the run measured, for the table's heading."""
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "Redis" if env.get("REDIS_URL") else "local memory"
    return f"{database} + {cache} cache"


def start_gunicorn(env: dict, folder: Path, base: str) -> subprocess.Popen:
    # --max-requests 0: production replaces a worker after about 1000 requests, which
    # would hide a leak from the RSS figures and put restarts in the timings.
    server = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--max-requests", "0", "community.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=open(folder / "gunicorn.log", "w"),  # noqa: SIM115 - lives as long as the server
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped; see {folder / 'gunicorn.log'}")
        try:
            if fetch(base + "/healthz")[0] == 200 and len(worker_pids(server.pid)) == WORKERS:
                return server
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    raise BenchError("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def settle(base: str) -> float:
    """Wait until the server has worked off what the last run left queued. wrk stops
    sending after its duration, but the sync workers still answer every request already
    in the listen backlog, which on a slow page takes seconds: the next page's run would
    start against a busy server. A probe queues behind that backlog, so it comes back
    only when the backlog is done; a second, quick answer says the server is idle."""
    started = time.monotonic()
    while time.monotonic() - started < 180:
        probe_started = time.monotonic()
        fetch(base + "/bench/baseline/", timeout=120)
        if time.monotonic() - probe_started < 0.2:
            break
    return time.monotonic() - started


def cold_pages(base: str, pages: list[dict]) -> list[tuple[str, float]]:
    """Each page once, in milliseconds, right after a restart and a cache clear: what the
    first reader after a deploy waits (the workers have imported the code, as /healthz
    made them, and hold nothing else)."""
    timings = []
    for page in pages:
        path = page["path"] + (page["words"][0] if page.get("words") else "")
        started = time.perf_counter()
        status, _headers, _body = fetch(base + path, cookie=page.get("cookie", ""))
        timings.append((page["name"], (time.perf_counter() - started) * 1000, status))
    return timings


def check_pages(base: str, pages: list[dict]) -> None:
    """Every page answers 200 before it is measured; the member's pages show them
    logged in (a failed session would measure a redirect to the login page)."""
    for page in pages:
        status, _headers, body = fetch(base + page["path"], cookie=page.get("cookie", ""))
        if status != 200:
            raise BenchError(f"{page['name']}: {page['path']} answered {status}, not 200")
        if page.get("cookie") and b"/accounts/logout/" not in body:
            raise BenchError(f"{page['name']}: the member is not logged in")


def verdict(page: dict, result: dict) -> tuple[str, list[str]]:
    misses = []
    if page.get("ratio") is not None and result["ratio"] < page["ratio"]:
        misses.append(f"ratio {result['ratio']:.2f} < {page['ratio']}")
    if result["p99"] / 1000 >= P99_MS:
        misses.append(f"p99 {result['p99'] / 1000:.0f} ms >= {P99_MS} ms")
    if result["errors"]:
        misses.append(f"{result['errors']} errors")
    return ("PASS" if not misses else "MISS"), misses


def scale_report(engine_name: str, pages: list[dict], results: list[dict]) -> list[str]:
    """Keeps this run's page figures for its engine and scale; at a scale above 1, the
    lines comparing the SCALE_PAGES with the last scale-1 run on the same engine: how
    many times slower each is (its median time, and its throughput), against
    SCALE_LIMIT."""
    key = re.sub(r"\W+", "-", engine_name.lower()).strip("-")
    figures = {
        page["name"].split(" (")[0]: {k: result[k] for k in ("rps", "p50", "p99")}
        for page, result in zip(pages, results, strict=True)
    }
    RESULTS.mkdir(exist_ok=True)
    kept = {"stories": STORIES, "at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "pages": figures}
    (RESULTS / f"{key}-x{SCALE}.json").write_text(json.dumps(kept, indent=1))
    if SCALE == 1:
        return []
    base_file = RESULTS / f"{key}-x1.json"
    if not base_file.exists():
        return [f"Scale: no scale-1 run on {engine_name} to compare with ({base_file})."]
    base = json.loads(base_file.read_text())
    lines = [
        f"Scale: {STORIES} stories against {base['stories']} (run of {base['at']} UTC), "
        f"target at most {SCALE_LIMIT}x slower:",
        "",
        "| page | req/s then | req/s now | p50 ms then | p50 ms now | x slower | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in SCALE_PAGES:
        then, now = base["pages"].get(name), figures.get(name)
        if then is None or now is None:
            continue
        slower = max(now["p50"] / then["p50"], then["rps"] / max(now["rps"], 0.001))
        lines.append(
            f"| {name} | {then['rps']:.0f} | {now['rps']:.0f} | {then['p50'] / 1000:.1f} | "
            f"{now['p50'] / 1000:.1f} | {slower:.2f} | "
            f"{'PASS' if slower <= SCALE_LIMIT else 'MISS'} |"
        )
    return lines


def main() -> int:
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (apt-get install wrk; `make bench` does it)")
    info = machine()
    started = time.monotonic()
    log(
        f"bench: {info['cpus']} x {info['cpu']}, {info['memory_gb']} GB, Python "
        f"{info['python']}, Django {info['django']}, wrk {info['wrk']}; "
        f"load average at start {info['load']}"
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(folder, port)
    server = None
    try:
        log(f"Data set in {folder} ({env['DATABASE_URL'].split(':', 1)[0]}):")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        if REUSE:
            log("  BENCH_REUSE: measuring the data already in DATABASE_URL")
        else:
            manage(env, "load_demo")
            seeded = manage(
                env,
                "seed_load",
                "--members",
                str(MEMBERS),
                "--stories",
                str(STORIES),
                "--seed",
                "1",
            )
            log("  " + seeded.strip().splitlines()[0])
        targets = module(env, "bench.prepare")
        photo = module(env, "bench.photo")
        matching = module(env, "bench.introductions")

        pages = [
            {"name": "baseline (minimal view)", "path": targets["baseline"]},
            {"name": "home", "path": targets["home"]},
            {
                "name": f"chapter, anonymous ({targets['chapter_stories']} stories)",
                "path": targets["chapter"],
                "ratio": 0.5,
            },
            {
                "name": "chapter, member",
                "path": targets["chapter"],
                "cookie": targets["cookie"],
                "ratio": 0.3,  # the production path's target (the issue's), both tables
            },
            {
                "name": f"suggestions of the chapter ({targets['suggestions_count']})",
                "path": targets["suggestions"],
            },
            {"name": f"story ({targets['story_replies']} replies)", "path": targets["story"]},
            {"name": "latest stories", "path": targets["latest"]},
            {"name": "organisations (/organisaties/)", "path": targets["organisations"]},
            {"name": "Atom feed, anonymous", "path": targets["feed"]},
            {"name": "meetings list", "path": targets["meetings"]},
            {
                "name": f"meeting ({targets['meeting_registrations']} registrations)",
                "path": targets["meeting"],
            },
            {"name": "static file (whitenoise)", "path": targets["static"]},
        ]
        if targets["organisation"]:
            pages.append(
                {
                    "name": f"organisation page ({targets['organisation_members']} members)",
                    "path": targets["organisation"],
                }
            )
        else:
            log("organisation page: no organisation with members after seed_load")
        if targets["search"]:
            pages.append({"name": "search", "path": targets["search"]})
            # Each request a new question: what a search costs when no reader asked it
            # just before (the row above is mostly the page anonymous readers share).
            pages.append(
                {
                    "name": "search, a new question each time",
                    "path": targets["search"].partition("=")[0] + "=",
                    "words": SEARCH_WORDS,
                }
            )
        else:
            log("search: not available (no /zoeken/)")

        anatomy = module(
            env,
            "bench.anatomy",
            json.dumps(
                [
                    {
                        "name": p["name"],
                        "path": p["path"],
                        "words": p.get("words", []),
                        **({"member": targets["member_user"]} if p.get("cookie") else {}),
                    }
                    for p in pages
                ]
            ),
        )

        server = start_gunicorn(env, folder, base)
        check_pages(base, pages)
        log(f"gunicorn: {WORKERS} workers on {base}; warming up {WARMUP} s per page")
        for page in pages:
            wrk(
                base + page["path"],
                seconds=WARMUP,
                cookie=page.get("cookie", ""),
                words=page.get("words", ()),
            )
            settle(base)
        workers = worker_pids(server.pid)
        rss_before = {pid: rss_mb(pid) for pid in workers}

        log(f"wrk: {DURATION} s per page, {CONNECTIONS} connections, {THREADS} threads")
        results = []
        for page in pages:
            result = wrk(
                base + page["path"],
                seconds=DURATION,
                cookie=page.get("cookie", ""),
                words=page.get("words", ()),
            )
            results.append(result)
            drained = settle(base)
            log(
                f"  {page['name']}: {result['rps']:.0f} req/s, p99 "
                f"{result['p99'] / 1000:.1f} ms, {result['errors']} errors "
                f"(queue drained in {drained:.1f} s)"
            )
        after = worker_pids(server.pid)
        if after != workers:
            raise BenchError(f"workers were replaced during the run: {workers} -> {after}")
        rss_after = {pid: rss_mb(pid) for pid in workers}
        weight = page_weight(base, targets["chapter"])
        log(f"writes: {len(targets['writers'])} members for {WRITE_SECONDS} s, wrk reading beside")
        writes = run_writes(
            port=port,
            site=targets["site"],
            writers=targets["writers"],
            seconds=WRITE_SECONDS,
            read=lambda: wrk(
                base + targets["chapter"], seconds=WRITE_SECONDS, connections=WRITE_READERS
            ),
        )
        settle(base)
        stop(server)
        manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
        server = start_gunicorn(env, folder, base)
        cold = cold_pages(base, pages[1:])
        jobs = module(env, "bench.memory")
    finally:
        if server is not None:
            stop(server)
        if not KEEP:
            shutil.rmtree(folder, ignore_errors=True)

    baseline = results[0]["rps"] or float("nan")
    rows, passed = [], 0
    for page, result in zip(pages, results, strict=True):
        result["ratio"] = result["rps"] / baseline
        status, misses = verdict(page, result)
        passed += status == "PASS"
        target = f">= {page['ratio']}" if page.get("ratio") is not None else "-"
        rows.append(
            f"| {page['name']} | {result['rps']:.0f} | {result['p50'] / 1000:.1f} | "
            f"{result['p99'] / 1000:.1f} | {result['errors']} | {result['ratio']:.2f} | "
            f"{target} | {status}{': ' + '; '.join(misses) if misses else ''} |"
        )
    growth = max(rss_after[pid] - rss_before[pid] for pid in workers)
    photo_kb = (photo["stored_bytes"] + photo["thumbnail_bytes"]) / 1024
    weight_kb = weight["total_bytes"] / 1024

    log("")
    log(
        f"Data: {targets['counts']['members']} members, {targets['counts']['stories']} stories "
        f"({targets['counts']['published']} published), {targets['counts']['reactions']} "
        f"reactions, {targets['counts']['replies']} replies. Member: no. "
        f"{targets['member_number']}. Load average now {machine()['load']}."
    )
    log(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}s --latency against gunicorn "
        f"({WORKERS} sync workers), {engine(env)}: p99 target < {P99_MS} ms, 0 errors."
    )
    log("")
    log("| page | req/s | p50 ms | p99 ms | errors | x baseline | target | result |")
    log("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for row in rows:
        log(row)
    reads = writes["reads"]
    writes_ok = writes["p99"] < WRITE_P99_MS and not writes["errors"]
    log("")
    for line in scale_report(engine(env), pages, results):
        log(line)
    log("")
    log(
        f"Writes: {writes['writers']} members posting stories, reactions and replies for "
        f"{WRITE_SECONDS} s (target p99 < {WRITE_P99_MS} ms, 0 errors): "
        f"{'PASS' if writes_ok else 'MISS'}"
    )
    log("")
    log("| requests | count | req/s | p50 ms | p99 ms | errors |")
    log("| --- | ---: | ---: | ---: | ---: | ---: |")
    log(
        f"| POSTs ({', '.join(f'{n} {k}' for k, n in writes['by_kind'].items())}) | "
        f"{writes['posts']} | {writes['rps']:.0f} | {writes['p50']:.1f} | "
        f"{writes['p99']:.1f} | {writes['errors']} |"
    )
    log(
        f"| chapter, anonymous, read meanwhile ({WRITE_READERS} connections) | {reads['requests']} | {reads['rps']:.0f} | "
        f"{reads['p50'] / 1000:.1f} | {reads['p99'] / 1000:.1f} | {reads['errors']} |"
    )
    if writes["errors"]:
        log(f"  answers seen: {', '.join(writes['outcomes'])}")
    log("")
    slowest = max(ms for _name, ms, _status in cold)
    log(
        f"Cache misses: each page once after a restart and a cache clear (target < "
        f"{COLD_MS} ms): slowest {slowest:.0f} ms: {'PASS' if slowest < COLD_MS else 'MISS'}"
    )
    log("")
    log("| page | ms | status |")
    log("| --- | ---: | ---: |")
    for name, ms, status in cold:
        log(f"| {name} | {ms:.0f} | {status} |")
    log("")
    log("One request at a time, in process (median of 5; no server, no concurrency):")
    log("")
    log("| page | ms | SQL ms | queries | HTML KB |")
    log("| --- | ---: | ---: | ---: | ---: |")
    for row in anatomy:
        log(
            f"| {row['name']} | {row['ms']} | {row['sql_ms']} | {row['queries']} | "
            f"{row['html_kb']} |"
        )
    log("")
    for pid in workers:
        log(
            f"worker {pid}: RSS {rss_before[pid]:.1f} MB after warm-up, "
            f"{rss_after[pid]:.1f} MB after the runs ({rss_after[pid] - rss_before[pid]:+.1f} MB)"
        )
    log(
        f"RSS growth: {growth:+.1f} MB (target < {RSS_GROWTH_MB} MB): "
        f"{'PASS' if growth < RSS_GROWTH_MB else 'MISS'}"
    )
    log(
        f"Page weight of the chapter page: {weight_kb:.1f} KB compressed (target < "
        f"{PAGE_WEIGHT_KB} KB): {'PASS' if weight_kb < PAGE_WEIGHT_KB else 'MISS'}"
    )
    log(
        f"  HTML {weight['html_bytes'] / 1024:.1f} KB, gzip -{HTML_GZIP_LEVEL} "
        f"{weight['html_gzip_bytes'] / 1024:.1f} KB (Django does not compress pages: nginx "
        "must, with gzip on for text/html)"
    )
    for href, size, encoding in weight["files"]:
        log(f"  {href}: {size / 1024:.1f} KB ({encoding})")
    log(f"  not counted: preloaded fonts {weight['font_bytes'] / 1024:.1f} KB (woff2), images")
    log(
        f"20-megapixel photo: {photo['upload_bytes'] / 1024 / 1024:.1f} MB upload "
        f"({photo['seconds']} s) -> {photo['stored_bytes'] / 1024:.0f} KB photo "
        f"{photo['width']}x{photo['height']} + {photo['thumbnail_bytes'] / 1024:.0f} KB "
        f"thumbnail stored = {photo_kb:.0f} KB (target < {PHOTO_KB} KB): "
        f"{'PASS' if photo_kb < PHOTO_KB else 'MISS'}"
    )
    for name, what in (
        ("publishing an edition", "publish"),
        ("its EPUB built", "epub"),
        ("the data download of the member who wrote most", "download"),
        ("a newsletter issue started for every member", "newsletter"),
        ("its first batch of mails sent", "newsletter_batch"),
    ):
        job = jobs[what]
        log(
            f"Job, {name}: {job['seconds']} s, {job['queries']} queries, peak memory "
            f"+{job['peak_mib']} MiB"
            + (f", {job['stories']} stories" if "stories" in job else "")
            + (f", {job['bytes'] / 1024:.0f} KB" if "bytes" in job else "")
            + (f", {job['recipients']} recipients" if "recipients" in job else "")
            + (f", {job['sent']} mails sent" if "sent" in job else "")
        )
    log(
        f"A round of introductions for {matching['participants']} participants: "
        f"{matching['pairs']} pairs (score {matching['score']}) in {matching['seconds']} s "
        f"(target < {ROUND_SECONDS} s): {'PASS' if matching['seconds'] < ROUND_SECONDS else 'MISS'}"
    )
    extra_pass = (
        (growth < RSS_GROWTH_MB)
        + (weight_kb < PAGE_WEIGHT_KB)
        + (photo_kb < PHOTO_KB)
        + (slowest < COLD_MS)
        + writes_ok
    )
    log(
        f"bench summary ({engine(env)}) {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: pages {passed}/{len(pages)} "
        f"PASS, other targets {extra_pass}/5 PASS; baseline {baseline:.0f} req/s, anonymous "
        f"chapter {results[2]['rps']:.0f} ({results[2]['ratio']:.2f}), member chapter "
        f"{results[3]['rps']:.0f} ({results[3]['ratio']:.2f}); RSS {growth:+.1f} MB; cold {slowest:.0f} ms; page "
        f"{weight_kb:.0f} KB; writes {writes['rps']:.0f} req/s p99 {writes['p99']:.0f} ms; photo {photo_kb:.0f} KB; {time.monotonic() - started:.0f} s "
        f"in all, load {info['load']} at start"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)

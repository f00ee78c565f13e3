"""`import URL` (README: how a removed fetched day comes back) and `--source NAME`
of a configured source: the day and source as when the URL is fetched."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli as run
from feed_server import FeedServer, Reply

SAMPLE = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
TODAY = {"TUI_DIGEST_TODAY": "2024-05-01"}
NAME = "/digest-cs.LG-2024-03-18.md"


def digests(db: Path) -> list[dict]:
    proc = run("digests", "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def served() -> FeedServer:
    server = FeedServer()
    server.route(NAME, Reply(200, body=SAMPLE.read_bytes()))
    server.route("/gone.md", Reply(404))
    return server


def test_import_url_fetches_the_day_as_the_url(tmp_path):
    db = tmp_path / "c.db"
    with served() as server:
        url = server.url(NAME)
        proc = run("import", url, db=db, env=TODAY, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "cannot read" not in proc.stderr.decode()
    [got] = digests(db)
    assert got["source"] == url
    assert "2024-03-18" in got["name"]  # the day of the URL's file name, not today
    proc = run("search", "--json", "cat:cs.LG", db=db)
    assert len(json.loads(proc.stdout)) == 3  # the URL's category given


def test_a_failing_url_is_named_with_its_status_and_the_others_go_on(tmp_path):
    db = tmp_path / "c.db"
    with served() as server:
        gone, good = server.url("/gone.md"), server.url(NAME)
        proc = run("import", gone, good, str(SAMPLE), db=db, env=TODAY, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert f"{gone}: error: HTTP 404" in err
    assert "cannot read" not in err
    assert sorted(d["source"] for d in digests(db)) == sorted([good, str(SAMPLE)])


def test_import_url_masks_the_password(tmp_path):
    db = tmp_path / "c.db"
    with served() as server:
        url = server.url("/gone.md").replace("http://", "http://me:s3cret-pass@")
        proc = run("import", url, db=db, env=TODAY, cwd=tmp_path)
    assert proc.returncode == 1
    assert b"s3cret-pass" not in proc.stderr + proc.stdout
    assert b"HTTP 404" in proc.stderr


def test_source_naming_a_configured_source_is_that_source(tmp_path):
    db = tmp_path / "c.db"
    with served() as server:
        url = server.url(NAME)
        config = tmp_path / "config.toml"
        config.write_text(f'[[sources]]\nname = "lab"\nurl = "{url}"\n', encoding="utf-8")
        proc = run(
            "--config", str(config), "import", "--source", "lab", "-",
            db=db, env=TODAY, stdin=SAMPLE.read_bytes(),
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [got] = digests(db)
    assert got["source"] == url  # not a new source literally named "lab"
    assert "2024-03-18" in got["name"]  # its day, not today (2024-05-01)
    proc = run("search", "--json", "cat:cs.LG", db=db)
    assert len(json.loads(proc.stdout)) == 3


def test_a_removed_fetched_day_comes_back_by_its_url_under_the_fetched_name(tmp_path):
    """README "Removing digests": `import URL` brings back the day `fetch` filed
    as `lab-…`; the digest was `digest-cs.LG-…` when piped with `--source URL`."""
    db = tmp_path / "c.db"
    with served() as server:
        url = server.url(NAME)
        config = tmp_path / "config.toml"
        config.write_text(f'[[sources]]\nname = "lab"\nurl = "{url}"\n', encoding="utf-8")
        conf = ("--config", str(config))
        proc = run(*conf, "fetch", "--source", "lab", "--no-enrich", "--no-translate",
                   db=db, env=TODAY)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        [fetched] = digests(db)
        proc = run("digests", "rm", fetched["name"], "--yes", db=db)
        assert proc.returncode == 0, proc.stderr
        assert digests(db) == []
        proc = run(*conf, "import", url, db=db, env=TODAY)
        assert proc.returncode == 0, proc.stderr
        proc = run(*conf, "import", "--source", "lab", "-", db=db, env=TODAY,
                   stdin=SAMPLE.read_bytes())  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "same as" in proc.stdout.decode()  # the same day, not another one
    [back] = digests(db)
    assert (back["name"], back["source"], back["label"]) == (
        fetched["name"], fetched["source"], fetched["label"],
    )  # fmt: skip


def test_a_file_named_like_a_scheme_is_a_file_not_a_url(tmp_path):
    """Only `http://` / `https://` make a URL: `http:foo` and `http:/x.md` (in a
    folder `http:`) are local files, as before `import URL` existed."""
    db = tmp_path / "c.db"
    (tmp_path / "http:foo").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "http:").mkdir()
    (tmp_path / "http:" / "x.md").write_bytes(SAMPLE.read_bytes())
    for name in ("http:foo", "http:/x.md", "HTTP:foo"):
        proc = run("import", name, db=db, env=TODAY, cwd=tmp_path)
        err = proc.stderr.decode()
        if name == "HTTP:foo":  # (no such file: a path all the same)
            assert proc.returncode == 1 and "connection error" not in err
            continue
        assert proc.returncode == 0, err
    sources = {d["source"] for d in digests(db)}
    assert sources == {str(tmp_path / "http:foo"), str(tmp_path / "http:" / "x.md")}


def test_an_upper_case_scheme_is_a_url():
    from tui_digest.cli_import_url import is_url

    assert is_url("HTTPS://example.org/x.md") and is_url("http://h/x")
    assert not is_url("http:foo") and not is_url("http:/x.md") and not is_url(" http://h/x")


def test_a_url_after_a_space_is_a_path_with_a_hint(tmp_path):
    db = tmp_path / "c.db"
    with served() as server:
        url = server.url(NAME)
        proc = run("import", " " + url, db=db, env=TODAY, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "connection error" not in err
    assert f"did you mean the URL {url}?" in err


def test_import_url_says_each_retry_after_wait(tmp_path, capsys):
    """`fetch`, `enrich` and `translate` say a Retry-After wait as it begins;
    `import URL` waited up to minutes without a word (bug hunt `regnet2` #6)."""
    import argparse

    from feed_server import FakeTime
    from tui_digest.cli_import_url import download
    from tui_digest.config.loader import load_config

    answers = iter([Reply(429, headers={"Retry-After": "15"}), Reply(200, body=b"ok")])
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    args = argparse.Namespace(loaded_config=load_config(config))
    fake = FakeTime()
    with FeedServer() as server:
        server.route("/r429", lambda request: next(answers))
        got = download(server.url("/r429"), args, sleep=fake.sleep, clock=fake.clock)
    assert got.body == b"ok"
    assert 15 in fake.sleeps
    err = capsys.readouterr().err
    assert "tui-digest: " in err and "waiting 15 s before attempt 2 of" in err, err


def test_max_size_raises_the_cap_of_a_downloaded_url(tmp_path):
    """`--max-size` is the cap of every input, a URL's included: the download
    kept the fetch's 20 MiB whatever it said (left undone in session 39). The
    body is sent compressed, so the test moves 20 KB; it is only downloaded."""
    import argparse
    import gzip

    from tui_digest.cli_import_url import download
    from tui_digest.net.errors import FetchError

    body = SAMPLE.read_bytes() + b"\n" * (21 * 1024 * 1024)  # over the 20 MiB default
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    with FeedServer() as server:
        server.route(NAME, Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
        url = server.url(NAME)
        default = argparse.Namespace(config=str(config), max_size=None)
        try:
            download(url, default)
        except FetchError as exc:
            refused = str(exc)
        else:
            refused = ""
        raised = download(url, argparse.Namespace(config=str(config), max_size=30)).body
    assert str(20 * 1024 * 1024) in refused  # the default cap, said
    assert raised == body


def test_a_url_without_a_host_is_said_so(tmp_path):
    """`import http:///x.md` (a slash too many) said "connection error: Request URL
    is missing an 'http://' or 'https://' protocol" of a URL that has one (left
    undone in session 39); the config check said "the url has no host"."""
    db = tmp_path / "c.db"
    proc = run("import", "http:///x.md", "https://", str(SAMPLE), db=db, env=TODAY, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "http:///x.md: error: the url has no host; no request made" in err
    assert "https://: error: the url has no host; no request made" in err
    assert "connection error" not in err
    assert [d["source"] for d in digests(db)] == [str(SAMPLE)]  # the good input kept


def _big5_sample() -> str:
    """The sample with every character Big5 lacks (simplified ones) made one it has."""
    text = SAMPLE.read_text("utf-8")
    return "".join(c if c.isascii() or c.encode("big5", "ignore") else "資" for c in text)


def _titles_zh(db: Path) -> list[str]:
    proc = run("export", "--format", "json", db=db)
    assert proc.returncode == 0, proc.stderr
    return sorted(p["title_zh"] for p in json.loads(proc.stdout))


def test_import_url_decodes_with_the_charset_the_server_declares(tmp_path):
    """README: `import URL` is fetched as the fetch command would, and a Markdown
    digest that is not UTF-8 is decoded with the charset its server declares;
    the charset was dropped, every Chinese character U+FFFD (bug hunt `enc` #1)."""
    text = _big5_sample()
    expected = sorted(line.split(": ", 1)[1] for line in text.split("\n") if line[:2] == "[^")
    for charset, body in (("big5", text.encode("big5")), ("utf-16le", text.encode("utf-16-le"))):
        db = tmp_path / f"{charset}.db"
        with FeedServer() as server:
            server.route(NAME, Reply(200, body=body, headers={
                "Content-Type": f"text/markdown; charset={charset}"}))  # fmt: skip
            proc = run("import", server.url(NAME), db=db, env=TODAY, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == b"", proc.stderr  # no "replaced with U+FFFD", no guess
        assert _titles_zh(db) == expected


def test_import_url_reads_a_feed_in_its_http_charset(tmp_path):
    """A Latin-1 feed without an XML declaration, served `charset=iso-8859-1`
    (bug hunt `enc` #2): its accented author, not U+FFFD."""
    from feed_server import arxiv_rss

    text = arxiv_rss("cs.AI", [("2509.00001", "Première")]).decode()
    body = text.split("\n", 1)[1].replace("Ada Lovelace", "Lukas Müller").encode("latin-1")
    db = tmp_path / "c.db"
    with FeedServer() as server:
        headers = {"Content-Type": "application/rss+xml; charset=iso-8859-1"}
        server.route("/l1.xml", Reply(200, body=body, headers=headers))
        proc = run("import", server.url("/l1.xml"), db=db, env=TODAY, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    proc = run("search", "--json", "au:Müller", db=db)
    [paper] = json.loads(proc.stdout)
    assert paper["title_en"] == "Première"


def test_a_url_over_the_size_cap_points_to_max_size(tmp_path):
    """A file over the cap says "(see --max-size)"; a URL said only "response
    body of N bytes exceeds the cap of M bytes", without the flag that raises it
    (found by a regression hunt). Both ways the cap is met (Content-Length, or
    the body counted as it comes) name it now."""
    import gzip

    db = tmp_path / "c.db"
    body = SAMPLE.read_bytes() + b"\n" * (1024 * 1024 + 1)  # over `--max-size 1`
    with FeedServer() as server:
        server.route(NAME, Reply(200, body))
        server.route("/z" + NAME, Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
        plain, packed = server.url(NAME), server.url("/z" + NAME)
        proc = run("import", "--max-size", "1", plain, packed, db=db, env=TODAY, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    for url in (plain, packed):
        [line] = [x for x in err.splitlines() if x.startswith(f"{url}: error:")]
        assert "exceeds the cap of 1048576 bytes (see --max-size)" in line, err


def test_an_invalid_url_is_named_and_the_other_inputs_imported(tmp_path):
    """`import 'http://[::1/x.md' other.md` printed only "tui-digest: Invalid IPv6
    URL" (exit 2), naming no input, and imported nothing else (found by a
    regression hunt). It is named as any failing input is, and the rest go on."""
    db = tmp_path / "c.db"
    proc = run("import", "http://[::1/x.md", str(SAMPLE), db=db, env=TODAY, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "http://[::1/x.md: error: invalid URL (Invalid IPv6 URL)" in err
    assert [d["source"] for d in digests(db)] == [str(SAMPLE)]

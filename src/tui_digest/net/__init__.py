"""One HTTP policy for every feature that talks to a server (fetch, translate, enrich).

- `options`    HttpOptions: caps, timeouts, one deadline per request chain, retries, politeness
- `errors`     FetchError: a URL could not be fetched (names the URL, status or reason, kind)
- `retry`      the one retry loop: exponential backoff with jitter, or the server's Retry-After
- `headers`    validation of ETag / Last-Modified / Retry-After on the way in
- `urls`       URL display without passwords, credential stripping
- `redirects`  the redirect policy (http(s) only, never https -> http)
- `politeness` per-host spacing (arXiv: one request every 3 s)
- `resolve`    name resolution under its own short timeout (a silent name server = offline)
- `decode`     reading a body under a cap, undoing gzip/deflate with a cap on the output
- `client`     HttpClient: GET (conditional, redirects followed by hand) and POST

Layer: imports only `core` (and httpx, lazily). Features import this; this never
imports a feature, `config`, the UI or the CLI.
"""

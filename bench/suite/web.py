"""Visiting the web store as a browser would, for the page scenarios (9-12): a session cookie (anonymous
or logged in, with books in the cart), the pages it gets, and copies of those pages for nginx.

A page of web carries the session's CSRF token and the user's name and cart, so the same page is the same
bytes only for the same session: every page scenario sends one session's cookie, as a returning visitor's
browser does, and nginx serves the page web produced for that cookie."""

from __future__ import annotations

import http.client
import re
import urllib.parse

COOKIE_NAME = "bookstore_session"
_CSRF = re.compile(rb'name="_csrf" value="([^"]+)"')


class WebError(RuntimeError):
    pass


class Browser:
    """One visitor: keeps the session cookie across requests (no redirects followed)."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, dict]:
        headers = {"Accept": "text/html"}
        body = None
        if self.cookie:
            headers["Cookie"] = f"{COOKIE_NAME}={self.cookie}"
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            set_cookie = response.getheader("Set-Cookie") or ""
            result = response.status, raw, {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        found = re.match(rf"{COOKIE_NAME}=([^;]*)", set_cookie)
        if found:
            self.cookie = found.group(1)
        return result

    def get(self, path: str) -> bytes:
        status, body, _ = self.request("GET", path)
        if status != 200:
            raise WebError(f"GET {path}: {status} {body[:200]!r}")
        return body

    def post(self, path: str, form: dict, form_page: str) -> None:
        """Sends `form` to `path` with the session's CSRF token, read from `form_page` as a browser would;
        expects the redirect of a success."""
        token = _CSRF.search(self.get(form_page))
        if not token:
            raise WebError(f"no CSRF token on {form_page}")
        status, body, headers = self.request("POST", path, dict(form, _csrf=token.group(1).decode()))
        if status != 303:
            raise WebError(f"POST {path}: {status} {body[:300]!r}")
        location = headers.get("location", "")
        if location.startswith("/login"):
            raise WebError(f"POST {path} was sent to {location}")

    def header(self) -> str:
        """The Cookie header wrk sends."""
        return f"Cookie: {COOKIE_NAME}={self.cookie}"


def anonymous(base_url: str) -> Browser:
    """A visitor who has been here before: an anonymous session, nothing pending in it."""
    browser = Browser(base_url)
    browser.get("/")
    if not browser.cookie:
        raise WebError("web set no session cookie")
    browser.get("/")  # nothing left to change: the cookie is now stable
    return browser


def logged_in(base_url: str, email: str, password: str, cart: list[int]) -> Browser:
    """A logged-in buyer with one copy of each of `cart` in the cart; the flashes of the login and of the
    additions already shown, so the cookie no longer changes."""
    browser = anonymous(base_url)
    browser.post("/login", {"email": email, "password": password, "next": "/"}, "/login")
    for book_id in cart:
        browser.post("/cart/add", {"book_id": str(book_id), "quantity": "1", "next": "/cart"}, f"/books/{book_id}")
    browser.get("/cart")  # shows (and so drops) the last flash
    return browser


def stable_page(browser: Browser, path: str, volatile: re.Pattern | None = None) -> bytes:
    """The page at `path` for this session, after checking that a second view gives the same bytes and
    leaves the cookie alone (apart from `volatile`, a part made anew for every view)."""
    cookie = browser.cookie
    first, second = browser.get(path), browser.get(path)
    if browser.cookie != cookie:
        raise WebError(f"GET {path} changed the session cookie: the page would differ per request")
    masked = (lambda b: volatile.sub(b"", b)) if volatile else (lambda b: b)
    if masked(first) != masked(second):
        raise WebError(f"GET {path} gave different bytes twice for the same session")
    return second

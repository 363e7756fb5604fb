"""Rate limits of the gateway in front of the real auth service: brute force on logins, registrations,
and which client address counts (X-Forwarded-For only from trusted proxies)."""

import secrets

import requests

from support import wait_for
from support.api import PASSWORD, Client, new_email, problem


# The settings whose limits answer 429 here; the problem names the one hit (docs/design.md §2).
LIMITS = {"LOGIN_FAILURES_PER_EMAIL", "LOGIN_FAILURES_PER_EMAIL_AND_IP", "LOGIN_FAILURES_PER_IP",
          "REGISTRATIONS_PER_IP", "LOGIN_FAILURES_PER_ACCOUNT"}


def assert_throttled(response, limit=None):
    assert response.status_code == 429, response.text
    named = problem(response)["limit"]
    assert named == limit if limit else named in LIMITS, response.text
    assert int(response.headers["Retry-After"]) >= 1


def test_brute_force_is_throttled_while_other_accounts_log_in(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, LOGIN_FAILURES_PER_EMAIL="5", LOGIN_FAILURES_PER_IP="50")
    victim = Client(gateway).new_user("Victim").email
    bystander = Client(gateway).new_user("Bystander").email

    for attempt in range(5):
        assert Client(gateway).login(victim, password=f"guess-{attempt}").status_code == 401
    assert_throttled(Client(gateway).login(victim, password="guess-5"), "LOGIN_FAILURES_PER_EMAIL")
    # Another spelling of the same email is the same bucket.
    assert_throttled(Client(gateway).login(victim.upper(), password="guess-6"))

    # Someone else's failures never slow a correct login to another account (same client address).
    for _ in range(3):
        login = Client(gateway).login(bystander)
        assert login.status_code == 200, login.text


def test_a_guesser_at_one_address_does_not_lock_the_owner_out(stack):
    """Issue 13, finding 10: the strict limit is per (account, address); the account's own ceiling, for
    guesses spread over many addresses, is higher."""
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, TRUSTED_PROXIES="127.0.0.1", LOGIN_FAILURES_PER_EMAIL_AND_IP="3",
                                  LOGIN_FAILURES_PER_EMAIL="5", LOGIN_FAILURES_PER_IP="1000")
    victim = Client(gateway).new_user("Victim").email

    def login(address, password):
        return Client(gateway).login(victim, password=password, headers={"X-Forwarded-For": address})

    for attempt in range(3):
        assert login("203.0.113.1", f"guess-{attempt}").status_code == 401
    assert_throttled(login("203.0.113.1", PASSWORD))
    assert login("198.51.100.7", PASSWORD).status_code == 200  # the owner, elsewhere
    for address in ("203.0.113.2", "203.0.113.3"):
        assert login(address, "guess").status_code == 401
    assert_throttled(login("203.0.113.4", PASSWORD))  # 5 failures in all: the account's ceiling


def test_failed_logins_per_address_are_throttled(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, LOGIN_FAILURES_PER_EMAIL="100", LOGIN_FAILURES_PER_IP="4")
    user = Client(gateway).new_user("Frank").email
    for attempt in range(4):
        assert Client(gateway).login(f"nobody{attempt}@bookstore.test", password="x").status_code == 401
    assert_throttled(Client(gateway).login(user))


def test_registrations_per_address_are_limited(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, REGISTRATIONS_PER_IP="3", REGISTRATIONS_PER_IP_WINDOW="1h")
    for i in range(3):
        response = Client(gateway).register(f"Spammer{i}")
        assert response.status_code == 201, response.text
    email = new_email("Spammer3")
    response = Client(gateway).register("Spammer3", email)
    assert_throttled(response)
    assert int(response.headers["Retry-After"]) > 60  # one registration per 20 minutes
    # Nothing was created: the limit held the request back from auth.
    assert Client(gateway).login(email).status_code == 401


def test_forwarded_for_is_honoured_only_from_trusted_proxies(stack):
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    limits = {"LOGIN_FAILURES_PER_EMAIL": "100", "LOGIN_FAILURES_PER_IP": "2"}
    behind_proxy = stack.start_gateway(auth=auth, catalog=catalog, TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1", **limits)
    exposed = stack.start_gateway(auth=auth, catalog=catalog, TRUSTED_PROXIES="10.0.0.0/8", **limits)
    user = Client(behind_proxy).new_user("Grace").email

    def from_client(gateway, address, email=user, password=PASSWORD):
        return Client(gateway).login(email, password=password, headers={"X-Forwarded-For": address})

    # Behind a trusted proxy, each forwarded client has its own failure budget.
    for _ in range(2):
        assert from_client(behind_proxy, "198.51.100.1", password="wrong").status_code == 401
    assert_throttled(from_client(behind_proxy, "198.51.100.1"))
    assert from_client(behind_proxy, "198.51.100.2").status_code == 200
    # A client cannot pose as another by prepending addresses: the proxy's own entry is the rightmost.
    assert_throttled(from_client(behind_proxy, "198.51.100.2, 198.51.100.1"))

    # From an untrusted peer the header is ignored: changing it does not buy new attempts.
    for i in range(2):
        assert from_client(exposed, f"203.0.113.{i}", password="wrong").status_code == 401
    assert_throttled(from_client(exposed, "203.0.113.99"))

    # What the services are told: the chain only when it came from a trusted proxy.
    seen = requests.get(behind_proxy.url + "/books", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
    assert seen.json()["headers"]["x-forwarded-for"] == "198.51.100.7, 127.0.0.1"
    seen = requests.get(exposed.url + "/books", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
    assert seen.json()["headers"]["x-forwarded-for"] == "127.0.0.1"
    line = wait_for(lambda: next((l for l in behind_proxy.log_text().splitlines() if '"path":"/books"' in l), None),
                    timeout=10, message="access log line")
    assert '"client_ip":"198.51.100.7"' in line


# Issue 13, finding 1: the gateway trimmed only space and tab while auth also stripped CR, LF, FF and VT, so
# "victim@example.com\n" reached auth as the victim's account under a fresh gateway bucket.
WHITESPACE_SPELLINGS = ["{}\n", "\f{}", "\v{}", "\r{}", "{}\t", "\n{}\r\n"]


def test_an_email_with_control_characters_is_refused_not_a_fresh_bucket(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, LOGIN_FAILURES_PER_EMAIL="3", LOGIN_FAILURES_PER_IP="1000")
    victim = Client(gateway).new_user("Victim").email
    for attempt in range(3):
        assert Client(gateway).login(victim, password=f"guess-{attempt}").status_code == 401
    assert_throttled(Client(gateway).login(victim, password="guess-3"))

    for spelling in WHITESPACE_SPELLINGS:
        email = spelling.format(victim)
        for password in ("another guess", PASSWORD):
            response = Client(gateway).login(email, password=password)
            assert response.status_code == 400, (repr(email), response.status_code, response.text)
            assert problem(response)["field"] == "email"
            assert "token" not in response.text
    # Spaces around the email are still the same account, and so the same (empty) bucket.
    assert_throttled(Client(gateway).login(f"  {victim.upper()} ", password=PASSWORD))


def test_auth_itself_limits_failed_logins_per_account_across_replicas(stack):
    """A path around the gateway (auth's own port) gets no more guesses: auth counts failures per
    account in its database, so every replica sees the same count, whatever spelling is used."""
    limits = {"LOGIN_FAILURES_PER_ACCOUNT": "3", "LOGIN_FAILURES_WINDOW": "15m"}
    first, second = stack.start_auth(**limits), stack.start_auth(**limits)
    victim = Client(first).new_user("Victim").email
    bystander = Client(first).new_user("Bystander").email

    # Successful logins give their attempt back: they never use up the allowance.
    for _ in range(5):
        assert Client(first).login(victim).status_code == 200

    for attempt, replica in enumerate((first, second, first)):
        assert Client(replica).login(victim, password=f"guess-{attempt}").status_code == 401
    for replica in (first, second):
        for email in (victim, f" {victim.upper()} "):
            assert_throttled(Client(replica).login(email, password=PASSWORD))
        for spelling in WHITESPACE_SPELLINGS:
            response = Client(replica).login(spelling.format(victim), password=PASSWORD)
            assert response.status_code == 400, (repr(spelling), response.text)
    assert Client(second).login(bystander).status_code == 200

    # An unknown email is limited the same way, so a 429 tells nobody which accounts exist.
    nobody = new_email("Nobody")
    for attempt in range(3):
        assert Client(second).login(nobody, password=f"guess-{attempt}").status_code == 401
    assert_throttled(Client(first).login(nobody, password="guess-3"))


def test_where_clients_share_the_proxy_address_only_the_proxy_secret_makes_forwarded_for_believed(stack):
    """Issue 13, finding 2: on one host web and every other local client come from 127.0.0.1, so that
    address alone cannot make X-Forwarded-For believed; web presents the shared secret as well."""
    secret = secrets.token_hex(16)
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    gateway = stack.start_gateway(auth=auth, catalog=catalog, TRUSTED_PROXIES="127.0.0.1", TRUSTED_PROXY_SECRET=secret,
                                  LOGIN_FAILURES_PER_EMAIL="100", LOGIN_FAILURES_PER_IP="2")
    user = Client(gateway).new_user("Heidi").email

    def login(address, password=PASSWORD, **headers):
        return Client(gateway).login(user, password=password, headers={"X-Forwarded-For": address, **headers})

    # A local client that picks its own address still spends its own (127.0.0.1's) budget.
    for i in range(2):
        assert login(f"203.0.113.{i}", password="wrong").status_code == 401
    assert_throttled(login("203.0.113.99"))
    assert_throttled(login("203.0.113.98", **{"X-Proxy-Secret": "a guess"}))
    # With the secret, as web sends it, the forwarded address is the client.
    assert login("198.51.100.1", **{"X-Proxy-Secret": secret}).status_code == 200

    # The services are told the chain, never the secret.
    seen = requests.get(gateway.url + "/books", headers={"X-Forwarded-For": "198.51.100.7", "X-Proxy-Secret": secret},
                        timeout=10).json()["headers"]
    assert seen["x-forwarded-for"] == "198.51.100.7, 127.0.0.1"
    assert "x-proxy-secret" not in seen

    # web proves itself: its client's address reaches the gateway's access log.
    web = stack.start_web(gateway=gateway, GATEWAY_PROXY_SECRET=secret, TRUSTED_PROXIES="127.0.0.1")
    requests.get(web.url + "/books", headers={"X-Forwarded-For": "198.51.100.42"}, timeout=10)
    wait_for(lambda: '"client_ip":"198.51.100.42"' in gateway.log_text(), timeout=10,
             message="web's client in the gateway's access log")

"""Issue 13, finding 3: a token revoked by a logout is refused everywhere, not only at the gateway. Catalog
and orders follow auth.token_revoked on a queue of each replica's own, and load auth's
/internal/revocations when they start (or reconnect), as the gateway does (libs/authn RevocationFeed)."""

from support import wait_for
from support.api import Client

UNKNOWN_BOOK = "/books/999999999"


def refused_by(component, user, method="DELETE", path=UNKNOWN_BOOK):
    """True once the component answers 401 (with a valid token it answers 404 for an unknown book)."""
    status = Client(component).request(method, path, user).status_code
    assert status in (401, 404), status
    return status == 401


def test_a_logged_out_token_is_refused_by_catalog_and_orders_directly(stack):
    auth = stack.start_auth()
    catalog = stack.start_catalog()
    orders = stack.start_orders()
    user = Client(auth).new_user("Leaver")
    assert not refused_by(catalog, user)
    assert not refused_by(orders, user, "GET", "/orders/999999999")

    assert Client(auth).logout(user.token).status_code == 204
    wait_for(lambda: refused_by(catalog, user), timeout=15, message="catalog refuses the revoked token")
    wait_for(lambda: refused_by(orders, user, "GET", "/orders/999999999"), timeout=15,
             message="orders refuses the revoked token")
    book = {"title": "After logout", "author": "A", "price": 5, "stock": 1}
    assert Client(catalog).post("/books", book, user).status_code == 401

    # A replica started after the logout learns it from auth's list, not from an event.
    late = stack.start_catalog()
    wait_for(lambda: refused_by(late, user), timeout=15, message="a new catalog replica refuses it")

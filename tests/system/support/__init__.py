"""Black-box harness for BookStore's system tests: start real component binaries against the
throwaway MariaDB and RabbitMQ of `./bookstore test`, wait for them, break them, stop them.

    from support import Component, Database, Infra, wait_for
    from support.stack import Stack        # auth, catalog, orders, gateway, web sharing keys, bus, databases
    from support.api import Client, ...    # constants, problem(), exact_json(), bearer(), users, test tools
    from support.events import EventLog, EventStream   # events on the bus, a gateway's /events

See tests/system/conftest.py for the fixtures (infra, output_dir, components, fresh_database, stack,
verified, module_stack, store).
"""

from .component import Component, ComponentError, Components, binary_for, stop_all
from .database import Database, create_database, drop_database
from .infra import Infra, MissingEnvironment
from .ports import free_port
from .wait import wait_for

__all__ = [
    "Component",
    "ComponentError",
    "Components",
    "Database",
    "Infra",
    "MissingEnvironment",
    "binary_for",
    "create_database",
    "drop_database",
    "free_port",
    "stop_all",
    "wait_for",
]

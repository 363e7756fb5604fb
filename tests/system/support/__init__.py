"""Black-box harness for BookStore's system tests: start real component binaries against the
throwaway MariaDB and RabbitMQ of `./bookstore test`, wait for them, break them, stop them.

    from support import Component, Database, Infra, wait_for

See tests/system/conftest.py for the fixtures (infra, output_dir, components, fresh_database).
"""

from .component import Component, ComponentError, binary_for, stop_all
from .database import Database, create_database, drop_database
from .infra import Infra, MissingEnvironment
from .ports import free_port
from .wait import wait_for

__all__ = [
    "Component",
    "ComponentError",
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

#!/bin/sh
# The health check of the stack: the server answers on its socket (as the official image's
# `healthcheck.sh --connect --innodb_initialized`, whose arguments are accepted and ignored). Run as the
# image's user, mysql, which the socket authenticates without a password.
exec mariadb-admin --socket=/run/mysqld/mysqld.sock --connect-timeout=2 status >/dev/null 2>&1

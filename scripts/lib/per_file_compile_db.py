#!/usr/bin/python3
"""per_file_compile_db.py IN OUT: the build's compile_commands.json as clang-tidy needs it.

A unity build (cmake/BuildSpeed.cmake) compiles generated batch files (Unity/unity_<n>_cxx.cxx) that
include the real sources; clang-tidy checks one source at a time, so each batch's entry becomes one entry
per source it includes, with the batch's command. g++'s precompiled header, which clang cannot read, is
dropped from every command: clang-tidy parses the headers itself.
"""
import json
import re
import sys

PCH = re.compile(r" -Winvalid-pch -include \S*/cmake_pch\.hxx")
INCLUDE = re.compile(r'^#include "(.+)"$')


def per_file(entry):
    command = PCH.sub("", entry["command"])
    batch = entry["file"]
    if "/Unity/unity_" not in batch:
        yield dict(entry, command=command)
        return
    with open(batch, encoding="utf-8") as text:
        sources = [m.group(1) for m in map(INCLUDE.match, text.read().splitlines()) if m]
    for source in sources:
        yield dict(entry, file=source, command=command.replace(batch, source))


def main():
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as text:
        entries = json.load(text)
    with open(target, "w", encoding="utf-8") as out:
        json.dump([e for entry in entries for e in per_file(entry)], out, indent=0)


if __name__ == "__main__":
    main()

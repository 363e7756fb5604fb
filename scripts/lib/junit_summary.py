"""Counts the test cases of every JUnit XML file in a folder (ctest --output-junit, pytest --junitxml,
the browser runner) and prints the failed ones, then exactly one closing line `N passed, N failed`
(`, N skipped` added only when something was skipped). Extra arguments name stages that failed without
leaving results (a build error, servers that did not start): each counts as one failed test.
Exit status 1 when anything failed."""

import pathlib
import sys
import xml.etree.ElementTree as ET


def outcome(case):
    """'passed', 'failed' or 'skipped' for one <testcase>."""
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    status = case.get("status", "")
    skipped = case.find("skipped")
    if status == "fail":
        return "failed"
    if status == "notrun":
        # ctest: "notrun" is a skip only when the test asked for it; otherwise it could not run at all.
        message = (skipped.get("message", "") if skipped is not None else "").upper()
        return "skipped" if "SKIP" in message else "failed"
    if status == "disabled" or skipped is not None:
        return "skipped"
    return "passed"


def main(results_dir, failed_stages):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failed_names = []
    for path in sorted(pathlib.Path(results_dir).glob("*.xml")):
        stage = path.stem
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            counts["failed"] += 1
            failed_names.append(f"{stage}: unreadable results ({error})")
            continue
        for case in root.iter("testcase"):
            result = outcome(case)
            counts[result] += 1
            if result == "failed":
                name = case.get("name", "?")
                classname = case.get("classname", "")
                if classname and classname != name:
                    name = f"{classname}::{name}"
                failed_names.append(f"{stage}: {name}")
    for stage in failed_stages:
        counts["failed"] += 1
        failed_names.append(f"{stage}: did not complete (see the output above)")
    if failed_names:
        print("failed:")
        for name in failed_names:
            print(f"  {name}")
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

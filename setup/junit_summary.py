"""Sum JUnit XML reports and fail on any failure, error or skip, or no test."""

import sys
import xml.etree.ElementTree as ElementTree


def main(paths):
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        try:
            root = ElementTree.parse(path).getroot()
        except (OSError, ElementTree.ParseError) as error:
            print(f"error: no readable test report {path}: {error}", file=sys.stderr)
            return 1
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            for key in totals:
                totals[key] += int(suite.get(key, 0))
        print(
            f"{path}: {sum(int(s.get('tests', 0)) for s in suites)} tests",
        )

    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    print(f"{passed} passed, {failed} failed, {totals['skipped']} skipped")
    if totals["tests"] == 0:
        print("error: no test ran", file=sys.stderr)
        return 1
    if failed or totals["skipped"]:
        print("error: some tests failed, errored or were skipped", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

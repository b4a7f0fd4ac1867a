"""Check that a .po file translates every message.

A msgstr may be empty or equal to its msgid only for the codes listed in
ALLOWED_UNTRANSLATED (numbers, currency codes and the like).
"""

import sys

import polib

ALLOWED_UNTRANSLATED = {
    "1-30",
    "31-60",
    "61-90",
    "91-180",
    "%(report)s as of %(date)s",
    # Only placeholders and punctuation.
    "%(customer)s, %(date)s: %(stage)s",
    # Fractions of the key rate and day-count conventions, written the same
    # way in Russian texts on penalties.
    "1/130",
    "1/150",
    "1/300",
    "30/360",
    "Actual/365",
    "Actual/Actual",
}


def check(path):
    problems = []
    for entry in polib.pofile(path):
        if entry.obsolete or entry.msgid in ALLOWED_UNTRANSLATED:
            continue
        if not entry.msgstr.strip():
            problems.append(f"{path}:{entry.linenum}: empty msgstr for {entry.msgid!r}")
        elif entry.msgstr == entry.msgid:
            problems.append(
                f"{path}:{entry.linenum}: msgstr same as msgid {entry.msgid!r}"
            )
        if "fuzzy" in entry.flags:
            problems.append(f"{path}:{entry.linenum}: fuzzy entry {entry.msgid!r}")
    return problems


def main(paths):
    problems = [problem for path in paths for problem in check(path)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

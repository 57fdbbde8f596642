#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Adds up the whole suite: every cmocka case in every meson test of each build, every
other test as one case, every fuzz target and lint, and prints "N passed, N failed"."""
import json
import os
import re
import sys

PASSED = re.compile(r"^\[  PASSED  \] (\d+) test\(s\)\.", re.M)
FAILED = re.compile(r"^\[  FAILED  \] (\d+) test\(s\)", re.M)
SKIPPED = re.compile(r"^\[  SKIPPED \] (\d+) test\(s\)", re.M)


def count_build(build):
    passed = failed = skipped = 0
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        return 0, 1, 0, [f"{build}: no test log"]
    failures = []
    with open(log) as f:
        for line in f:
            entry = json.loads(line)
            out = (entry.get("stdout") or "") + "\n" + (entry.get("stderr") or "")
            ok = entry.get("result") in ("OK", "EXPECTEDFAIL")
            if entry.get("result") == "SKIP":
                skipped += 1
                continue
            p = sum(int(x) for x in PASSED.findall(out))
            fl = sum(int(x) for x in FAILED.findall(out))
            s = sum(int(x) for x in SKIPPED.findall(out))
            if p + fl + s == 0:
                p, fl = (1, 0) if ok else (0, 1)
            elif not ok and fl == 0:
                fl = 1  # crashed or leaked after its cases passed
            passed += p
            failed += fl
            skipped += s
            if fl:
                failures.append(f"{build}: {entry.get('name')}")
    return passed, failed, skipped, failures


def count_lines(path):
    passed = failed = 0
    failures = []
    if os.path.exists(path):
        for line in open(path):
            word, _, name = line.strip().partition(" ")
            if word == "pass":
                passed += 1
            else:
                failed += 1
                failures.append(name)
    return passed, failed, failures


def main():
    build, asan, results = sys.argv[1:4]
    total_p = total_f = total_s = 0
    failures = []
    for b in (build, asan):
        p, f, s, fl = count_build(b)
        print(f"{b}: {p} passed, {f} failed, {s} skipped")
        total_p += p
        total_f += f
        total_s += s
        failures += fl
    for name in ("fuzz.txt", "lint.txt"):
        p, f, fl = count_lines(os.path.join(results, name))
        print(f"{name[:-4]}: {p} passed, {f} failed")
        total_p += p
        total_f += f
        failures += fl
    for name in os.listdir(results):
        if name.endswith(".failed"):
            total_f += 1
            failures.append(name)
    for name in failures:
        print(f"FAILED: {name}")
    line = f"{total_p} passed, {total_f} failed"
    if total_s:
        line += f", {total_s} skipped"
    print(line)
    return 0 if total_f == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

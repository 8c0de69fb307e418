#!/usr/bin/env python3
"""Regenerates cases.json from the `data` branch of https://github.com/yaml/yaml-test-suite (MIT licence,
Copyright (c) 2016-2020 Ingy döt Net).

Usage: generate.py GIT_DIR [COMMIT]   (GIT_DIR is a clone of yaml-test-suite; COMMIT defaults to `data`)

Each case keeps its id (`229Q`, or `2G84/00` for a case with several parts), its name, its input, whether the suite
says the input is an error, and its expected JSON (`in.json`, possibly several documents, as the raw text) when the
suite has one.
"""
import json
import subprocess
import sys


def git(*args):
    return subprocess.run(["git", "--git-dir", sys.argv[1], *args], check=True, capture_output=True).stdout


def main():
    commit = git("rev-parse", sys.argv[2] if len(sys.argv) > 2 else "data").decode().strip()
    files = git("ls-tree", "-r", "--name-only", commit).decode().splitlines()
    present = set(files)
    cases = []
    for path in sorted(f for f in files if f.endswith("/in.yaml")):
        case = path[: -len("/in.yaml")]

        def read(name):
            full = f"{case}/{name}"
            return git("show", f"{commit}:{full}").decode("utf-8") if full in present else None

        cases.append({
            "id": case,
            "name": (read("===") or "").strip(),
            "yaml": read("in.yaml"),
            "error": f"{case}/error" in present,
            "json": read("in.json"),
        })
    out = {"source": "https://github.com/yaml/yaml-test-suite", "commit": commit, "licence": "MIT", "cases": cases}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


main()

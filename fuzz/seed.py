#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz target from the repository's fixtures and the
real corpus (../shared/corpus/real when present), into fuzz/seeds/<target>/ (not
committed). `fuzz/run.sh --seed` then minimises them into fuzz/corpus/<target>/ with
`cargo fuzz cmin`. Files are sorted to their target by content, as entitle does."""

import hashlib
import json
import os
import re
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
OUT = os.path.join(FUZZ, "seeds")
SOURCES = [
    os.path.join(ROOT, "examples"),
    os.path.join(ROOT, "tests"),
    os.path.join(ROOT, "policies"),
    os.path.join(ROOT, "docs"),
    os.path.join(ROOT, "host", "tests"),
    os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "real")),
]
DOCUMENT_ENDINGS = (".json", ".jsonc", ".yaml", ".yml", ".template")
TF_ENDINGS = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
MAX_SEED = 256 * 1024


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_SEED:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def targets_of(text):
    """The front-end targets a document's text is probably for."""
    found = []
    if re.search(r"(?m)^\s*\"?entitle\"?\s*:", text):
        found.append("native")
    if "deploymentTemplate" in text or "deploymentParameters" in text or "contentVersion" in text:
        found.append("arm")
    if "resource_changes" in text or "terraform_version" in text or "format_version" in text:
        found.append("tfplan")
    if "AWSTemplateFormatVersion" in text or "AWS::" in text:
        found.append("cfn")
    if "apiVersion" in text and "kind" in text:
        found.append("k8s")
    if re.search(r"(?m)^resources:", text) and ("compute.v1" in text or "gcp-types" in text or ".jinja" in text):
        found.append("gcpdm")
    return found


def arm_expressions(value, out):
    if isinstance(value, str):
        if value.startswith("[") and not value.startswith("[["):
            out.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            arm_expressions(v, out)
    elif isinstance(value, list):
        for v in value:
            arm_expressions(v, out)


def module_seed(directory, names):
    """A module's files as one input, split by `#@file NAME` lines (fuzzing::tfhcl)."""
    parts = []
    for i, name in enumerate(sorted(names)):
        with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
            body = f.read()
        if not body.endswith("\n"):
            body += "\n"
        parts.append(body if i == 0 and name == "main.tf" else f"#@file {name}\n{body}")
    if "main.tf" not in names:
        parts.insert(0, "")
    return "".join(parts)


def bicep_seed(directory):
    """A Bicep template with every file under its folder, split by `#@file NAME` lines
    (fuzzing::bicep): `main.bicep` (or the first `.bicep` file) first."""
    names = []
    for d, dirs, files in os.walk(directory):
        dirs.sort()
        names += [os.path.relpath(os.path.join(d, n), directory) for n in sorted(files)]
    bicep = [n for n in names if n.endswith(".bicep") and os.sep not in n]
    if not bicep:
        return None
    first = "main.bicep" if "main.bicep" in bicep else bicep[0]
    parts = []
    for name in [first] + [n for n in names if n != first]:
        with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
            body = f.read()
        if not body.endswith("\n"):
            body += "\n"
        parts.append(body if name == first else f"#@file {name}\n{body}")
    return "".join(parts)


def policy_case(path, text):
    """A policy golden case: its input is a descriptor; its context a context file;
    its expected findings, given back as a reply, a guest reply."""
    try:
        case = json.loads(text)
    except ValueError:
        return
    if not isinstance(case, dict):
        return
    if isinstance(case.get("input"), dict):
        body = json.dumps(case["input"], indent=2)
        put("document", body)
        for t in targets_of(body):
            put(t, body)
    if isinstance(case.get("context"), dict):
        put("context", json.dumps(case["context"], indent=2))
    if isinstance(case.get("findings"), list):
        reply = [
            {k: f[k] for k in ("rule", "workload", "field", "message", "severity", "evidence", "fix") if k in f}
            for f in case["findings"]
            if isinstance(f, dict)
        ]
        put("guest_reply", json.dumps({"status": "ok", "findings": reply}))


def main():
    for source in SOURCES:
        for directory, dirs, files in os.walk(source):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "target")
            if any(n.endswith(".bicep") for n in files):
                seed = bicep_seed(directory)
                if seed:
                    put("bicep", seed)
            tf = [n for n in files if n.endswith(TF_ENDINGS)]
            if tf:
                put("tfhcl", module_seed(directory, tf))
                for name in tf:
                    with open(os.path.join(directory, name), "rb") as f:
                        put("tfhcl", f.read())
            for name in sorted(files):
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    data = f.read()
                text = data.decode("utf-8", errors="replace")
                if name.endswith(".toml"):
                    if "[[waiver]]" in text:
                        put("waivers", data)
                    if "[rules." in text:
                        put("config", data)
                    continue
                if name.endswith((".expected.json",)) or "/cases/" in path:
                    if "/cases/" in path:
                        policy_case(path, text)
                    continue
                if not name.endswith(DOCUMENT_ENDINGS) or "sarif-schema" in name:
                    continue
                put("document", data)
                for t in targets_of(text):
                    put(t, data)
                if "arm" in targets_of(text):
                    exprs = set()
                    try:
                        arm_expressions(json.loads(re.sub(r"(?m)^\s*//.*$", "", text)), exprs)
                    except ValueError:
                        pass
                    for e in sorted(exprs):
                        put("arm_expr", e)
    # Waiver and config files, as the README documents them.
    put("waivers", '[[waiver]]\nrule = "RHEL-LC-MAJOR-EOL"\npath = "infra/legacy/**"\nreason = "Decommissioned"\nexpires = 2027-03-31\nowner = "platform-team"\nticket = "OPS-1234"\n')
    put("waivers", '[[waiver]]\nrule = "*"\nresource = "Microsoft.Compute/virtualMachines/hana-*"\nreason = "r"\nexpires = 2020-01-01\n')
    put("config", '[rules.RHEL-LC-EXPIRES-SOON]\nseverity = "error"\n[rules.RHEL-LC-FULL-SUPPORT-ENDS]\nenabled = false\n')
    put("config", '[rules.RHEL-LC-MAJOR-EOL]\nseverity = "info"\nenabled = true\n\n[rules."AZ-BYOS-MISSING-PLAN"]\nenabled = false\n')
    put("config", '# no overrides\n[rules]\n')
    put("config", '[rules.NO-SUCH-RULE]\nseverity = "warning"\n')
    put("waivers", '[[waiver]]\nrule = "RHEL-LC-EUS-EXPIRED"\npath = "examples/*.json"\nresource = "Microsoft.Compute/virtualMachines/{hana,app}-[0-9]"\nreason = "SAP certification pending"\nexpires = 2030-12-31\n\n[[waiver]]\nrule = "BYOS-SUBSCRIPTION-COUNT"\npath = "**"\nreason = "counted elsewhere"\nexpires = 2026-11-24\n')
    put("guest_reply", '{"status":"error","message":"cannot evaluate"}')
    put("guest_reply", '{"status":"valid"}')
    put("guest_reply", '{"status":"invalid","message":"bad settings field `x`"}')
    for policy in ("cloud-licensing", "rhel-lifecycle", "subscription-count"):
        with open(os.path.join(ROOT, "policies", policy, "policy.json"), "rb") as f:
            put("guest_reply", f.read())
    counts = {t: len(os.listdir(os.path.join(OUT, t))) for t in sorted(os.listdir(OUT))}
    json.dump(counts, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-deploy.py PMTUFIX: TAP checks of deploy/: every YAML file parses,
kustomize renders deploy/kubernetes (kubectl, offline; skipped without it),
the DaemonSet keeps to least privilege, and the command lines of the
DaemonSet's agent and of pmtufix.service are ones the CLI PMTUFIX accepts:
the options its usage text names for that command."""
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cli = sys.argv[1]
if not os.access(cli, os.X_OK):
    print("not ok 1 - the CLI to check against: no %s (make cli)" % cli)
    print("1..1")
    sys.exit(1)
n = 0
failed = 0


def check(ok, what, why=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
    if not ok:
        failed += 1
        for line in str(why).splitlines():
            print("#   " + line)


def skip(what, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, what, why))


def usage(cmd):
    """The options 'pmtufix CMD help' names, and which take an argument."""
    r = subprocess.run([cli, cmd, "help"], capture_output=True, text=True)
    text = r.stdout + r.stderr
    m = re.search(r"Usage: pmtufix %s(.*)" % cmd, text)
    if not m:
        return None, text
    opts = {}
    for o, arg in re.findall(r"\[ *(--[a-z-]+)( +[A-Z][A-Z:0-9]*)? *\]", m.group(1)):
        opts[o] = bool(arg)
    return opts, text


def global_usage():
    r = subprocess.run([cli, "help"], capture_output=True, text=True)
    return r.stdout + r.stderr


def check_cmdline(argv, where):
    """argv: pmtufix's own arguments. Global options, then a command and its
    options, each named in the usage text."""
    glob = global_usage()
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] not in glob:
            check(False, "%s: global option %s" % (where, argv[i]), glob)
            return
        i += 2 if argv[i] in ("-n", "--netns", "-b", "--backend") else 1
    if i >= len(argv):
        check(False, "%s: names a command" % where, argv)
        return
    cmd, rest = argv[i], argv[i + 1:]
    opts, text = usage(cmd)
    if opts is None:
        check(False, "%s: 'pmtufix %s' is a command of this CLI" % (where, cmd), text)
        return
    j, bad = 0, []
    while j < len(rest):
        o = rest[j]
        if o not in opts:
            bad.append(o)
        elif opts[o]:
            j += 1
            if j >= len(rest):
                bad.append(o + " (no argument)")
        j += 1
    check(not bad, "%s: pmtufix %s with options the CLI has (%s)" % (where, cmd, " ".join(argv)),
          "unknown: %s\n%s" % (bad, text))


# 1. Every YAML file parses.
for d, _, files in sorted(os.walk(os.path.join(top, "deploy"))):
    for f in sorted(files):
        if f.endswith((".yaml", ".yml")):
            p = os.path.join(d, f)
            try:
                with open(p) as fh:
                    list(yaml.safe_load_all(fh))
                check(True, "YAML parses: %s" % os.path.relpath(p, top))
            except yaml.YAMLError as e:
                check(False, "YAML parses: %s" % os.path.relpath(p, top), e)

# 2. kustomize renders it; without kubectl, the files are read as they are.
kdir = os.path.join(top, "deploy", "kubernetes")
docs = None
if shutil.which("kubectl"):
    r = subprocess.run(["kubectl", "kustomize", kdir], capture_output=True, text=True)
    check(r.returncode == 0, "kubectl kustomize deploy/kubernetes", r.stderr)
    if r.returncode == 0:
        docs = [x for x in yaml.safe_load_all(r.stdout) if x]
else:
    skip("kubectl kustomize deploy/kubernetes", "no kubectl (Debian: kubernetes-client)")
if docs is None:
    docs = []
    for f in ("namespace.yaml", "daemonset.yaml", "service.yaml"):
        with open(os.path.join(kdir, f)) as fh:
            docs += [x for x in yaml.safe_load_all(fh) if x]
kinds = sorted(x["kind"] for x in docs)
want = ["DaemonSet", "Namespace", "Service"] + (["ConfigMap"] if "ConfigMap" in kinds else [])
check(kinds == sorted(want), "the manifests: %s" % ", ".join(sorted(want)), kinds)

ds = next(x for x in docs if x["kind"] == "DaemonSet")
svc = next(x for x in docs if x["kind"] == "Service")
pod = ds["spec"]["template"]["spec"]
agent = pod["containers"][0]
init = pod["initContainers"][0]

# 3. Least privilege, and the node-wide placement.
check(pod.get("hostNetwork") is True, "DaemonSet: hostNetwork")
check(pod.get("priorityClassName") == "system-node-critical", "DaemonSet: system-node-critical")
check({"operator": "Exists"} in pod.get("tolerations", []), "DaemonSet: tolerates every taint")
for c, cap in ((agent, "NET_ADMIN"), (init, "SYS_MODULE")):
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    check(not sc.get("privileged") and sc.get("allowPrivilegeEscalation") is False
          and caps.get("drop") == ["ALL"] and caps.get("add") == [cap],
          "%s: not privileged, no escalation, only CAP_%s" % (c["name"], cap), sc)
mounts = {m["name"]: m for m in init.get("volumeMounts", [])}
vols = {v["name"]: v for v in pod["volumes"]}
check(any(m["mountPath"] == "/lib/modules" and m.get("readOnly")
          and vols[m["name"]].get("hostPath", {}).get("path") == "/lib/modules"
          for m in mounts.values()), "load-module: the node's /lib/modules, read-only")
ports = {p["name"]: p["containerPort"] for p in agent.get("ports", [])}
check("metrics" in ports, "agent: a port named metrics")
check(agent.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/healthz"
      and agent["readinessProbe"]["httpGet"]["port"] == "metrics"
      and agent.get("livenessProbe", {}).get("httpGet", {}).get("port") == "metrics",
      "agent: readiness on /healthz, liveness over HTTP, on the metrics port")
ann = svc["metadata"].get("annotations", {})
check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == str(ports.get("metrics"))
      and svc["spec"]["ports"][0]["targetPort"] == "metrics",
      "Service: Prometheus scrape annotations for the metrics port")

# 4. The command lines are the CLI's.
cmd = agent.get("command", []) + agent.get("args", [])
env = {e["name"]: "192.0.2.1" for e in agent.get("env", [])}
cmd = [re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), a) for a in cmd]
check(cmd[0] == "/usr/sbin/pmtufix", "agent: runs /usr/sbin/pmtufix (where the package puts it)", cmd)
check_cmdline(cmd[1:], "DaemonSet")
if "--listen" in cmd:
    listen = cmd[cmd.index("--listen") + 1]
    check(listen.endswith(":%d" % ports.get("metrics", -1)), "agent: listens on the metrics port", listen)
if "--config" in cmd:
    conf = cmd[cmd.index("--config") + 1]
    amounts = {m["mountPath"]: m["name"] for m in agent.get("volumeMounts", [])}
    cm = vols.get(amounts.get(os.path.dirname(conf)), {}).get("configMap", {}).get("name", "")
    cms = [x for x in docs if x["kind"] == "ConfigMap" and x["metadata"]["name"] == cm]
    check(not [x for x in docs if x["kind"] == "ConfigMap"]
          or (cms and os.path.basename(conf) in cms[0]["data"]),
          "agent: --config is a file of the mounted ConfigMap", conf)

unit = os.path.join(top, "deploy", "systemd", "pmtufix.service")
with open(unit) as fh:
    execs = [line.split("=", 1)[1] for line in fh if line.startswith("ExecStart=")]
argv = shlex.split(execs[0]) if execs else []
check(argv[:1] == ["/usr/sbin/pmtufix"], "pmtufix.service: runs /usr/sbin/pmtufix", execs)
if argv:
    check_cmdline(argv[1:], "pmtufix.service")

print("1..%d" % n)
sys.exit(1 if failed else 0)

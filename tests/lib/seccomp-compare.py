#!/usr/bin/env python3
"""Compare what two seccomp profiles allow: Docker's default profile (with
its includes/excludes, resolved the way Docker resolves it) and imagetool's
profile as written into config.json (already resolved).

  seccomp-compare.py DOCKER.json config ARCH KERNEL CONFIG.json
      one config.json; the capability set is its process.capabilities.bounding
  seccomp-compare.py DOCKER.json matrix DUMP-PROGRAM
      every architecture x kernel gate x capability set, our side from
      `DUMP-PROGRAM --dump ARCH KERNEL` (one capability set per stdin line)

Prints one line per difference and exits 1 if there is any."""
import json
import subprocess
import sys

# Docker's GOARCH -> seccomp architecture, for finding the archMap entry.
GO_TO_SCMP = {
    "386": "SCMP_ARCH_X86", "amd64": "SCMP_ARCH_X86_64", "arm": "SCMP_ARCH_ARM",
    "arm64": "SCMP_ARCH_AARCH64", "mips64": "SCMP_ARCH_MIPS64", "mips64le": "SCMP_ARCH_MIPSEL64",
    "ppc64le": "SCMP_ARCH_PPC64LE", "s390x": "SCMP_ARCH_S390X", "riscv64": "SCMP_ARCH_RISCV64",
    "loong64": "SCMP_ARCH_LOONGARCH64",
}
ARCHES = sorted(GO_TO_SCMP)
ALL_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
    "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
]
DOCKER_DEFAULT_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE",
]
EPERM = 1
KNOWN_KEYS = {"names", "action", "args", "includes", "excludes", "comment", "errnoRet"}
KNOWN_COND = {"arches", "caps", "minKernel"}


def version(v):
    parts = (v.split("-")[0].split(".") + ["0", "0"])[:2]
    return tuple(int(p) for p in parts)


def docker_resolve(prof, arch, kernel, caps):
    """Docker's profile for one container: the runtime-spec shape."""
    out = {"defaultAction": prof["defaultAction"], "defaultErrnoRet": prof.get("defaultErrnoRet"),
           "architectures": [], "syscalls": []}
    for m in prof.get("archMap") or []:
        if m["architecture"] == GO_TO_SCMP.get(arch):
            out["architectures"] = [m["architecture"]] + (m.get("subArchitectures") or [])
    for r in prof["syscalls"]:
        unknown = set(r) - KNOWN_KEYS
        inc, exc = r.get("includes") or {}, r.get("excludes") or {}
        unknown |= (set(inc) | set(exc)) - KNOWN_COND
        if "minKernel" in exc:
            unknown.add("excludes.minKernel")
        if unknown:
            raise SystemExit(f"docker profile: rule {r['names']}: unmodelled keys {sorted(unknown)}")
        if inc.get("arches") and arch not in inc["arches"]:
            continue
        if any(c not in caps for c in inc.get("caps") or []):
            continue
        if inc.get("minKernel") and version(kernel) < version(inc["minKernel"]):
            continue
        if arch in (exc.get("arches") or []):
            continue
        if any(c in caps for c in exc.get("caps") or []):
            continue
        out["syscalls"].append(r)
    return out


def effective(prof):
    """{syscall: frozenset of (action, errno, args)} minus what changes nothing."""
    default = (prof["defaultAction"], prof.get("defaultErrnoRet") or EPERM)
    per = {}
    for r in prof.get("syscalls") or []:
        errno = r.get("errnoRet")
        if r["action"] in ("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE") and errno is None:
            errno = EPERM
        args = tuple(sorted((a["index"], a["value"], a.get("valueTwo", 0), a["op"]) for a in r.get("args") or []))
        if (r["action"], errno) == default and not args:
            continue
        for n in r["names"]:
            per.setdefault(n, set()).add((r["action"], errno, args))
    for n, rules in per.items():
        if ("SCMP_ACT_ALLOW", None, ()) in rules:  # an unconditional allow covers the conditional ones
            per[n] = {x for x in rules if x[0] != "SCMP_ACT_ALLOW" or not x[2]}
    return default, sorted(prof.get("architectures") or []), {n: frozenset(v) for n, v in per.items()}


def compare(what, docker, ours):
    d, o = effective(docker), effective(ours)
    diffs = []
    if d[0] != o[0]:
        diffs.append(f"{what}: default action docker {d[0]} ours {o[0]}")
    if d[1] != o[1]:
        diffs.append(f"{what}: architectures docker {d[1]} ours {o[1]}")
    for n in sorted(set(d[2]) | set(o[2])):
        dr, orr = d[2].get(n, frozenset()), o[2].get(n, frozenset())
        if dr != orr:
            diffs.append(f"{what}: {n}: docker {sorted(dr)} ours {sorted(orr)}")
    return diffs


def cap_sets():
    yield "default", DOCKER_DEFAULT_CAPS
    for c in ALL_CAPS:
        if c not in DOCKER_DEFAULT_CAPS:
            yield "+" + c, DOCKER_DEFAULT_CAPS + [c]
    for c in DOCKER_DEFAULT_CAPS:
        yield "-" + c, [x for x in DOCKER_DEFAULT_CAPS if x != c]
    yield "all", ALL_CAPS
    yield "none", []


def kernels(prof):
    """Each minKernel gate, the version just below it, and a recent one."""
    gates = {(r.get("includes") or {}).get("minKernel") for r in prof["syscalls"]} - {None}
    out = {"6.12"}
    for g in gates:
        major, minor = version(g)
        out.add(f"{major}.{minor}")
        out.add(f"{major}.{minor - 1}" if minor else f"{major - 1}.99")
    return sorted(out)


def main():
    docker = json.load(open(sys.argv[1]))
    diffs, checked = [], 0
    if sys.argv[2] == "config":
        arch, kernel, cfg = sys.argv[3], sys.argv[4], json.load(open(sys.argv[5]))
        caps = cfg["process"]["capabilities"]["bounding"]
        diffs = compare(f"{arch} {kernel}", docker_resolve(docker, arch, kernel, caps), cfg["linux"]["seccomp"])
        checked = 1
    else:
        dump = sys.argv[3]
        for arch in ARCHES:
            for kernel in kernels(docker):
                sets = list(cap_sets())
                text = subprocess.run([dump, "--dump", arch, kernel], check=True, capture_output=True, text=True,
                                      input="".join(" ".join(caps) + "\n" for _, caps in sets)).stdout
                outs = text.splitlines()
                if len(outs) != len(sets):
                    raise SystemExit(f"{dump}: {len(outs)} profiles for {len(sets)} capability sets")
                for (name, caps), line in zip(sets, outs):
                    ours = json.loads(line)["linux"]["seccomp"]
                    diffs += compare(f"{arch} {kernel} {name}", docker_resolve(docker, arch, kernel, caps), ours)
                    checked += 1
    for line in diffs:
        print(line)
    print(f"# {checked} profiles compared, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""System calls of athanorctl's write path: `up` on an empty stage and `destroy` of it, under strace.

Builds the stack vs-real-alchemy.py uses (N fs::File resources over S child scopes), runs each phase once
under `strace -f` and prints, per phase, the wall time, how many files it created (openat/open with O_CREAT,
mkdir), the syncs, renames and deletions, and the total number of system calls. Files created are what costs
most on ext4 without a journal where many files come and go (its search for a free inode skips recently
deleted ones). With a second athanorctl (--vs) both run on fresh copies of the same tree, alternately.

usage: write_path_syscalls.py PATH/TO/athanorctl [--vs OTHER/athanorctl] [--n 1000] [--scopes 100]
Needs strace. Runs in a temp folder under $TMPDIR (default /tmp), removed afterwards.
"""
import argparse, collections, json, os, re, shutil, subprocess, sys, tempfile, time

KINDS = ["created files", "mkdir", "fdatasync", "fsync", "rename", "unlink", "openat", "newfstatat", "total"]


def generate(n, scopes, folder):
    stack = {"app": "perf", "resources": {}, "scopes": {}}
    for i in range(n):
        props = {"path": f"out/f{i}.txt", "content": f"resource {i} " + "x" * 200}
        target = stack["scopes"].setdefault(f"s{i % scopes}", {"resources": {}}) if scopes else stack
        target["resources"][f"f{i}"] = {"kind": "fs::File", "props": props}
    with open(os.path.join(folder, "alchemy.stack.json"), "w") as f:
        json.dump(stack, f, indent=1)


def count(trace):
    counts = collections.Counter()
    with open(trace) as f:
        for line in f:
            m = re.match(r"\d+\s+(?:<\.\.\. )?(\w+)", line)
            if not m or "resumed>" in line:
                continue
            call = m.group(1)
            counts["total"] += 1
            if call in ("openat", "open") and "O_CREAT" in line:
                counts["created files"] += 1
            if call in ("mkdir", "mkdirat"):
                counts["mkdir"] += 1
            if call in ("fdatasync", "fsync", "openat", "newfstatat"):
                counts[call] += 1
            if call in ("rename", "renameat", "renameat2"):
                counts["rename"] += 1
            if call in ("unlink", "unlinkat"):
                counts["unlink"] += 1
    return counts


def run(ctl, phase, folder, trace):
    start = time.monotonic()
    r = subprocess.run(["strace", "-f", "-o", trace, ctl, phase, "alchemy.stack.json", "--stage", "dev", "--quiet"],
                       cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{ctl} {phase} failed (rc {r.returncode}): {r.stderr[-2000:]}")
    return time.monotonic() - start, count(trace)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("athanorctl")
    ap.add_argument("--vs")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--scopes", type=int, default=100)
    a = ap.parse_args()
    if not shutil.which("strace"):
        sys.exit("strace is not installed (apt-get install strace)")
    ctls = [os.path.abspath(a.athanorctl)] + ([os.path.abspath(a.vs)] if a.vs else [])
    work = tempfile.mkdtemp(prefix="write-path-")
    try:
        rows = []
        for ctl in ctls:
            folder = os.path.join(work, f"t{len(rows)}")
            os.makedirs(folder)
            generate(a.n, a.scopes, folder)
            for phase in ("up", "destroy"):
                seconds, counts = run(ctl, phase, folder, os.path.join(work, "trace"))
                rows.append((ctl, phase, seconds, counts))
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"N={a.n} over {a.scopes} scopes, under strace -f (times include its overhead); load {load}")
        print(f"{'athanorctl':<40}{'phase':<9}{'wall s':>8}" + "".join(f"{k:>14}" for k in KINDS))
        for ctl, phase, seconds, counts in rows:
            print(f"{ctl[-39:]:<40}{phase:<9}{seconds:>8.2f}" + "".join(f"{counts[k]:>14}" for k in KINDS))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

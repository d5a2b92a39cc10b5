#!/usr/bin/python3
"""test_doc_commands.py - run every command of a docs/ page, as written.

    test_doc_commands.py --axsim BUILD/axsim --src SRC --work DIR docs/PAGE.md

The commands are the page's ```sh code blocks, extracted here so the page
and the test cannot drift apart. They run in order as one bash script
(`set -euo pipefail`, so any failing command fails the test) in a stand-in
for a fresh clone: WORK/axsim holds links to the source tree's top-level
folders and build/axsim is the binary ctest built.

Three lines cannot run inside the test suite and are stood in for, each
printed when it happens; any other line runs as written:
  git clone ... axsim && cd axsim  -> cd into the stand-in clone;
  ./scripts/setup.sh               -> its last steps (after the build): the
                                      lines of scripts/setup.sh from
                                      `mkdir -p out` on, which run the
                                      default system into out/default.h5;
  ./scripts/test.sh                -> checked to exist and be executable
                                      (it is what runs this test).
Afterwards every file the commands name with -o NAME.png / NAME.h5 must
exist, PNGs must be PNGs and .h5 files HDF5. Exit 0 when all passed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys


def sh_blocks(md):
    """The ```sh blocks of a markdown text, as (first line number, text)."""
    out, cur, start = [], None, 0
    for n, line in enumerate(md.splitlines(), 1):
        s = line.strip()
        if cur is None and re.match(r"^```(sh|bash)\s*$", s):
            cur, start = [], n + 1
        elif cur is not None and s == "```":
            out.append((start, "\n".join(cur)))
            cur = None
        elif cur is not None:
            cur.append(line)
    if cur is not None:
        raise SystemExit("unterminated ```sh block from line %d" % start)
    return out


def setup_tail(src):
    """The lines of scripts/setup.sh from `mkdir -p out` on (what runs after the build)."""
    lines = open(os.path.join(src, "scripts", "setup.sh")).read().splitlines()
    for i, l in enumerate(lines):
        if l.strip() == "mkdir -p out":
            return "\n".join(lines[i:])
    raise SystemExit("scripts/setup.sh has no `mkdir -p out` line: update test_doc_commands.py with it")


def stand_in(block, src):
    """Replace the clone / setup / test lines of a block (see the docstring)."""
    out = []
    for line in block.splitlines():
        s = line.strip()
        if re.match(r"^git clone \S+ axsim && cd axsim$", s):
            out.append("echo '[doc test] stand-in for: %s'; cd axsim" % s.replace("'", ""))
        elif s == "./scripts/setup.sh":
            out.append('echo "[doc test] stand-in for ./scripts/setup.sh: its run step"')
            out.append(setup_tail(src))
        elif s == "./scripts/test.sh":
            out.append('echo "[doc test] ./scripts/test.sh runs this test; checking it exists"; test -x scripts/test.sh')
        else:
            out.append(line)
    return "\n".join(out)


def fake_clone(src, axsim, root):
    """WORK/axsim: links to src's top-level entries, build/axsim -> the built binary."""
    d = os.path.join(root, "axsim")
    os.makedirs(os.path.join(d, "build"))
    for e in os.listdir(src):
        if e.startswith(".") or e.startswith("build") or e == "out":
            continue
        os.symlink(os.path.join(src, e), os.path.join(d, e))
    os.symlink(axsim, os.path.join(d, "build", "axsim"))
    return d


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--axsim", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("page", help="docs page, relative to --src")
    a = p.parse_args()
    md = open(os.path.join(a.src, a.page)).read()
    blocks = sh_blocks(md)
    if not blocks:
        print("FAIL: %s has no ```sh blocks" % a.page)
        return 1
    work = os.path.join(a.work, os.path.basename(a.page).replace(".md", ""))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    clone = fake_clone(os.path.abspath(a.src), os.path.abspath(a.axsim), work)
    starts_with_clone = re.search(r"^\s*git clone ", blocks[0][1], re.M)
    script = ["set -euo pipefail", "set -x"]
    if not starts_with_clone:
        script.append("cd axsim   # the page starts at the root of a clone")
    for start, text in blocks:
        script.append("# ---- %s line %d" % (a.page, start))
        script.append(stand_in(text, a.src))
    path = os.path.join(work, "commands.sh")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=os.path.join(work, "mpl"))
    r = subprocess.run(["bash", path], cwd=work, env=env)
    fails = []
    if r.returncode != 0:
        fails.append("the commands of %s failed (exit %d); see the trace above (script: %s)" %
                     (a.page, r.returncode, path))
    # every output file the commands name must be there and be what it says
    named = set()
    for _, text in blocks:
        named |= set(re.findall(r"(?:-o|--png)\s+(\S+\.(?:png|h5))", text))
    for n in sorted(named):
        f = os.path.join(clone, n)
        if not os.path.exists(f):
            fails.append("%s: -o %s was not written" % (a.page, n))
            continue
        magic = open(f, "rb").read(8)
        want = b"\x89PNG\r\n\x1a\n" if n.endswith(".png") else b"\x89HDF\r\n\x1a\n"
        if magic != want:
            fails.append("%s: %s is not a %s file" % (a.page, n, n.rsplit(".", 1)[1]))
    for f in fails:
        print("FAIL: " + f)
    print("%s: %d blocks, %d output files checked: %s" % (a.page, len(blocks), len(named),
                                                          "FAILED" if fails else "all passed"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

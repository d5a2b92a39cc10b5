#!/usr/bin/python3
"""test_scratchpad_plot.py - analysis/scratchpad_traffic.py end to end:
the numbers it plots (its CSV) equal the HDF5 files' per-layer bytes_dram
sums, read here independently, and two points equal hand calculations for
traces/small_cnn.axt on the Ethos-U55-like NPU (docs/npu.md, tiling):

  2048 KiB: every op fits, each tensor crosses once and each ofm stays on
    chip for the next op: the 3x32x32 input (3072 B) + all weights
    (conv1 864 + conv2 18432 + conv3 36864 + fc1 1048576 + fc2 2560 =
    1107296 B) + every ofm written (2 x 32768 + 4 x 16384 + 4096 + 2 x 256
    + 2 x 10 = 135700 B) = 1246068 B.
  128 KiB: the same, except fc1 (1 MiB of weights) no longer fits: tiled
    ifm-stationary, its 4096 B ifm is read (weights once), and relu4 must
    read fc1's 256 B output back: 1246068 + 4096 + 256 = 1250420 B.

usage: test_scratchpad_plot.py AXSIM SRC_DIR OUT_DIR
"""
import csv
import os
import subprocess
import sys

import h5py
import numpy as np


def main():
    axsim, src, out = sys.argv[1:4]
    r = subprocess.run(["/usr/bin/python3", os.path.join(src, "analysis", "scratchpad_traffic.py"),
                        "--axsim", axsim, "--config", os.path.join(src, "configs", "ethos-u55.cfg"),
                        "--sizes", "8,32,128,2048", "--out", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(out, "scratchpad_traffic.csv")) as f:
        rows = list(csv.DictReader(f))
    assert [int(x["size_kb"]) for x in rows] == [8, 32, 128, 2048]
    assert os.path.getsize(os.path.join(out, "scratchpad_traffic.png")) > 1000
    prev = None
    for x in rows:
        kb, total = int(x["size_kb"]), int(x["offchip_bytes"])
        with h5py.File(os.path.join(out, f"sram_{kb}.h5"), "r") as f:
            assert f.attrs["overrides"].decode().strip() == f"npu.sram_kb={kb}", f.attrs["overrides"]
            layers = f["layers"][:]
            h5_total = int(np.sum(layers["bytes_dram"], dtype=np.uint64))
            npu = {r["stat"].decode(): r["value"] for r in f["stats"][:] if r["component"] == b"npu"}
        assert total == h5_total, (kb, total, h5_total)
        assert int(x["written_bytes"]) == 135700, x
        # what the NPU's DMA saw answered is what the layers say
        assert total == int(npu["offchip_bytes_read"] + npu["offchip_bytes_written"]), (kb, npu)
        if prev is not None:
            assert total <= prev, (kb, total, prev)
        prev = total
    by = {int(x["size_kb"]): int(x["offchip_bytes"]) for x in rows}
    assert by[2048] == 1246068, by
    assert by[128] == 1250420, by
    assert by[8] > by[32] > by[128], by
    print("ok", by)


if __name__ == "__main__":
    main()

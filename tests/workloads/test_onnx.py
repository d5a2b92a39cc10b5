#!/usr/bin/python3
"""test_onnx.py AXSIM SRC WORK - workloads/onnx/onnx2axtrace.py end to end.

Builds a small CNN as an ONNX graph here (onnx.helper, no framework):
  Conv 3x32x32 -> 16 ch, 3x3, pad 1 | Relu | MaxPool 2x2 s2 | Flatten |
  Gemm 4096 -> 10 | Softmax
imports it, checks every op line against the shapes worked out by hand,
runs it through axsim (conv/gemm on a systolic array, the rest on a vector
unit) and checks the MACs in /layers against the hand counts:
  conv: 32 x 32 x 16 x 3 x 3 x 3 = 442,368;  gemv: 10 x 4096 = 40,960.
Then a node type axsim has no op for must be refused with its name.
"""
import os
import subprocess
import sys

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

AX, SRC, W = sys.argv[1:4]
os.makedirs(W, exist_ok=True)
IMP = os.path.join(SRC, "workloads", "onnx", "onnx2axtrace.py")


def model(nodes, extra_init=()):
    rng = np.random.default_rng(1)
    init = [numpy_helper.from_array(rng.standard_normal((16, 3, 3, 3)).astype(np.float32), "w1"),
            numpy_helper.from_array(rng.standard_normal((10, 4096)).astype(np.float32), "w2")]
    init += list(extra_init)
    g = helper.make_graph(nodes, "cnn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], init)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m


nodes = [helper.make_node("Conv", ["x", "w1"], ["c"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"], name="relu1"),
         helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Flatten", ["p"], ["f"], name="flat"),
         helper.make_node("Gemm", ["f", "w2"], ["g"], name="fc", transB=1),
         helper.make_node("Softmax", ["g"], ["y"], name="prob")]
onnx.save(model(nodes), os.path.join(W, "cnn.onnx"))

r = subprocess.run(["/usr/bin/python3", IMP, os.path.join(W, "cnn.onnx"), "--dtype", "int8",
                    "-o", os.path.join(W, "cnn.axt")], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
ops = [l for l in open(os.path.join(W, "cnn.axt")) if l.strip() and not l.startswith(("#", "axtrace"))]
want = [
    "conv2d name=conv1 in=3x32x32 out_c=16 kernel=3x3 stride=1x1 pad=1x1 dtype=int8",
    "eltwise name=relu1 elems=16384 fn=relu dtype=int8 deps=conv1",
    "pool name=pool1 in=16x32x32 kernel=2x2 stride=2x2 pad=0x0 pool=max dtype=int8 deps=relu1",
    # Flatten makes no op: fc depends on pool1 through it
    "gemv name=fc m=10 k=4096 dtype=int8 deps=pool1",
    "softmax name=prob elems=10 dtype=int8 deps=fc",
]
assert [o.strip() for o in ops] == want, "\n".join(ops)
print("onnx: 5 op lines as worked out by hand")

cfg = os.path.join(W, "sys.cfg")
with open(cfg, "w") as f:
    f.write('host = { model = "host"; trace = "cnn.axt"; map = "conv2d:sa,gemm:sa,gemv:sa,*:v"; };\n'
            'sa = { model = "systolic"; rows = 16; cols = 16; dataflow = "os"; };\n'
            'v = { model = "vector"; };\n'
            'links = ( { from = "host.unit0"; to = "sa.ctl"; }, { from = "host.unit1"; to = "v.ctl"; } );\n')
r = subprocess.run([AX, "run", cfg, "-o", os.path.join(W, "cnn.h5"), "-q"], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
L = h5py.File(os.path.join(W, "cnn.h5"))["layers"][:]
macs = {n.decode(): int(m) for n, m in zip(L["name"], L["macs"])}
assert macs["conv1"] == 32 * 32 * 16 * 3 * 3 * 3, macs
assert macs["fc"] == 10 * 4096, macs
assert len(L) == 5
print("onnx: axsim ran it; conv1 %d MACs, fc %d MACs as by hand" % (macs["conv1"], macs["fc"]))

# a node without an axsim op is refused, naming it
bad = [helper.make_node("Conv", ["x", "w1"], ["c"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
       helper.make_node("LRN", ["c"], ["n"], name="lrn1", size=3),
       helper.make_node("Flatten", ["n"], ["f"]), helper.make_node("MaxPool", ["f"], ["y"], kernel_shape=[1])]
m = helper.make_model(helper.make_graph(bad[:2], "bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                                        [helper.make_tensor_value_info("n", TensorProto.FLOAT, None)],
                                        [numpy_helper.from_array(np.zeros((16, 3, 3, 3), np.float32), "w1")]),
                      opset_imports=[helper.make_opsetid("", 13)])
onnx.save(m, os.path.join(W, "bad.onnx"))
r = subprocess.run(["/usr/bin/python3", IMP, os.path.join(W, "bad.onnx")], capture_output=True, text=True)
assert r.returncode == 2, (r.returncode, r.stderr)
assert "node 'lrn1' of type LRN has no axsim op" in r.stderr, r.stderr
r = subprocess.run(["/usr/bin/python3", IMP, os.path.join(W, "missing.onnx")], capture_output=True, text=True)
assert r.returncode == 2 and "missing.onnx" in r.stderr, r.stderr
print("onnx: unsupported node and missing file refused with their names")
print("3 passed, 0 failed")

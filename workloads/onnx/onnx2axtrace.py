#!/usr/bin/python3
"""onnx2axtrace.py - an ONNX model as an axsim layer trace (axtrace v1).

Reads an ONNX file (Debian's python3-onnx), infers every tensor's shape
with ONNX's own shape inference, and writes one trace op per compute node:

  Conv -> conv2d            Gemm, MatMul -> gemm (gemv when one row)
  Relu, Sigmoid, Tanh, Gelu, Add, Mul -> eltwise
  MaxPool, AveragePool, GlobalAveragePool -> pool
  Softmax -> softmax        LayerNormalization -> norm (type=layer)
  Gather on an initializer (embedding table) -> embed

Nodes that only move or reinterpret data (Flatten, Reshape, Transpose,
Squeeze, Unsqueeze, Identity, Dropout, Concat, Cast, Shape, Constant) make
no op: a consumer depends on the ops that produced their inputs. Any other
node type is an error naming the node. A model exported from PyTorch
(torch.onnx.export) or taken from the ONNX model zoo reads the same way.

Usage: onnx2axtrace.py MODEL.onnx [-o OUT.axt] [--dtype int8|fp16|...] [--batch N]
"""
import argparse
import sys

try:
    import onnx
    from onnx import numpy_helper, shape_inference
except ImportError:  # pragma: no cover - reported to the user
    onnx = None

PASS = {"Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout",
        "Concat", "Cast", "Shape", "Constant", "Expand", "Slice", "Split"}
ELT = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Gelu": "gelu", "Add": "add",
       "Mul": "mul", "Sub": "add", "Div": "mul", "Erf": "gelu"}
DTYPES = {1: "fp32", 10: "fp16", 16: "bf16", 3: "int8", 2: "int8", 5: "int16", 6: "int32"}


class ImportError_(Exception):
    pass


def prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


class Model:
    """Shapes and initializers of an ONNX graph after shape inference."""

    def __init__(self, path):
        m = onnx.load(path)
        try:
            m = shape_inference.infer_shapes(m)
        except Exception as e:  # noqa: BLE001 - onnx raises several kinds
            raise ImportError_("%s: ONNX shape inference failed: %s" % (path, e))
        self.graph = m.graph
        self.path = path
        self.init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        self.shape = {}
        self.etype = {}
        for vi in list(m.graph.input) + list(m.graph.value_info) + list(m.graph.output):
            tt = vi.type.tensor_type
            dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
            self.shape[vi.name] = dims
            self.etype[vi.name] = tt.elem_type
        for name, arr in self.init.items():
            self.shape[name] = list(arr.shape)

    def dims(self, name, node, batch):
        s = self.shape.get(name)
        if s is None:
            raise ImportError_("%s: node '%s' (%s): no shape known for tensor '%s'"
                               % (self.path, node.name, node.op_type, name))
        if any(d is None for d in s):
            # a symbolic batch dimension: the user's --batch (default 1)
            s = [batch if d is None and i == 0 else d for i, d in enumerate(s)]
            if any(d is None for d in s):
                raise ImportError_("%s: node '%s' (%s): tensor '%s' has a symbolic dimension "
                                   "other than the batch: %s" % (self.path, node.name, node.op_type, name, s))
        return s


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def convert(path, dtype=None, batch=1):
    """The trace's lines (without header) for an ONNX file."""
    M = Model(path)
    producers = {}  # tensor -> set of op names whose results it carries
    lines = []
    used = set()

    def name_of(node, i):
        base = node.name or "%s_%d" % (node.op_type.lower(), i)
        base = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in base)[:60]
        n, k = base, 1
        while n in used:
            k += 1
            n = "%s_%d" % (base[:56], k)
        used.add(n)
        return n

    for i, node in enumerate(M.graph.node):
        deps = set()
        for t in node.input:
            deps |= producers.get(t, set())
        if node.op_type in PASS:
            for t in node.output:
                producers[t] = deps
            continue
        op = name_of(node, i)
        out = node.output[0]
        odims = M.dims(out, node, batch)
        dt = dtype or DTYPES.get(M.etype.get(node.input[0], 1), "fp32")
        t = node.op_type
        if t == "Conv":
            x = M.dims(node.input[0], node, batch)
            w = M.dims(node.input[1], node, batch)
            if len(x) != 4:
                raise ImportError_("%s: node '%s': only 2-D convolutions (NCHW) are supported" % (path, node.name))
            k = attr(node, "kernel_shape", w[2:])
            st = attr(node, "strides", [1, 1])
            pads = attr(node, "pads", [0, 0, 0, 0])
            if attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                # SAME_* / VALID: take the padding that gives ONNX's output size
                ph = max(0, ((odims[2] - 1) * st[0] + k[0] - x[2]) // 2)
                pw = max(0, ((odims[3] - 1) * st[1] + k[1] - x[3]) // 2)
            else:
                ph, pw = max(pads[0], pads[2]), max(pads[1], pads[3])
            g = attr(node, "group", 1)
            s = "conv2d name=%s in=%dx%dx%d out_c=%d kernel=%dx%d stride=%dx%d pad=%dx%d" % (
                op, x[1], x[2], x[3], w[0], k[0], k[1], st[0], st[1], ph, pw)
            if g != 1:
                s += " groups=%d" % g
            if x[0] != 1:
                s += " batch=%d" % x[0]
        elif t in ("Gemm", "MatMul"):
            a = M.dims(node.input[0], node, batch)
            b = M.dims(node.input[1], node, batch)
            if t == "Gemm":
                ta, tb = attr(node, "transA", 0), attr(node, "transB", 0)
                m_, k_ = (a[1], a[0]) if ta else (a[0], a[1])
                n_ = b[0] if tb else b[1]
            else:
                # leading dimensions of A count as rows; a batched B (attention's
                # per-head matrices) gives the same MAC count: rows x k x n
                k_, n_ = a[-1], b[-1]
                m_ = prod(a[:-1])
            if m_ == 1:
                s = "gemv name=%s m=%d k=%d" % (op, n_, k_)
            else:
                s = "gemm name=%s m=%d n=%d k=%d" % (op, m_, n_, k_)
        elif t in ELT:
            s = "eltwise name=%s elems=%d fn=%s" % (op, prod(odims), ELT[t])
        elif t in ("MaxPool", "AveragePool", "GlobalAveragePool"):
            x = M.dims(node.input[0], node, batch)
            if t == "GlobalAveragePool":
                k, st, pads = [x[2], x[3]], [1, 1], [0, 0, 0, 0]
            else:
                k = attr(node, "kernel_shape")
                st = attr(node, "strides", [1, 1])
                pads = attr(node, "pads", [0, 0, 0, 0])
            s = "pool name=%s in=%dx%dx%d kernel=%dx%d stride=%dx%d pad=%dx%d pool=%s" % (
                op, x[1], x[2], x[3], k[0], k[1], st[0], st[1], max(pads[0], pads[2]),
                max(pads[1], pads[3]), "max" if t == "MaxPool" else "avg")
            if x[0] != 1:
                s += " batch=%d" % x[0]
        elif t == "Softmax":
            s = "softmax name=%s elems=%d" % (op, prod(odims))
        elif t == "LayerNormalization":
            s = "norm name=%s elems=%d type=layer" % (op, prod(odims))
        elif t == "Gather" and node.input[0] in M.init:
            table = M.dims(node.input[0], node, batch)
            rows = prod(M.dims(node.input[1], node, batch))
            s = "embed name=%s m=%d n=%d" % (op, rows, table[-1])
        else:
            raise ImportError_("%s: node '%s' of type %s has no axsim op (supported: Conv, Gemm, MatMul, "
                               "Relu, Sigmoid, Tanh, Gelu, Add, Mul, MaxPool, AveragePool, "
                               "GlobalAveragePool, Softmax, LayerNormalization, Gather on a table, and "
                               "data-movement nodes)" % (path, node.name or "#%d" % i, t))
        s += " dtype=%s" % dt
        if deps:
            if len(deps) > 8:
                raise ImportError_("%s: node '%s' depends on %d ops; axtrace allows 8"
                                   % (path, node.name, len(deps)))
            s += " deps=%s" % ",".join(sorted(deps))
        lines.append(s)
        for t_ in node.output:
            producers[t_] = {op}
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(prog="onnx2axtrace.py", description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="ONNX file")
    p.add_argument("-o", "--out", default="-", help="trace to write (default: standard output)")
    p.add_argument("--dtype", choices=sorted(set(DTYPES.values())), default=None,
                   help="data type of every op (default: the model's input element type)")
    p.add_argument("--batch", type=int, default=1, help="value of a symbolic batch dimension (default 1)")
    a = p.parse_args(argv)
    if onnx is None:
        print("onnx2axtrace.py: needs Debian's python3-onnx (apt-get install python3-onnx)", file=sys.stderr)
        return 2
    try:
        lines = convert(a.model, a.dtype, a.batch)
    except ImportError_ as e:
        print("onnx2axtrace.py: %s" % e, file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - onnx raises many kinds on a bad file
        print("onnx2axtrace.py: %s: cannot read the model: %s" % (a.model, e), file=sys.stderr)
        return 2
    text = "axtrace 1\n# from %s by workloads/onnx/onnx2axtrace.py\n%s\n" % (a.model, "\n".join(lines))
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Write MobileNetV1 (224x224, width 1.0) as a SCALE-Sim topology CSV.

Layers from Howard et al., "MobileNets", arXiv:1704.04861, Table 1: a 3x3
stride-2 conv, 13 depthwise-separable blocks (3x3 depthwise + 1x1
pointwise), and the 1024x1000 FC as a 1x1 conv. Depthwise layers are
written in SCALE-Sim's `DP` form (the name contains "DP": SCALE-Sim runs
`Channels` single-channel, single-filter layers), so they are real
depthwise convolutions, unlike the dense form of SCALE-Sim's shipped
mobilenet.csv. IFMAP sizes are the unpadded tensors entering each layer
(SCALE-Sim models no padding). The last depthwise layer's stride is 1 (the
table's "s2" there is a known typo: the output stays 7x7).

Usage: /usr/bin/python3 mobilenet_v1_topo.py OUT.csv
"""
import sys

# (input size, channels in, channels out, depthwise stride)
BLOCKS = [(112, 32, 64, 1), (112, 64, 128, 2), (56, 128, 128, 1), (56, 128, 256, 2),
          (28, 256, 256, 1), (28, 256, 512, 2)] + [(14, 512, 512, 1)] * 5 + \
         [(14, 512, 1024, 2), (7, 1024, 1024, 1)]


def rows():
    yield ("conv1", 224, 224, 3, 3, 3, 32, 2)
    for i, (h, cin, cout, s) in enumerate(BLOCKS, 1):
        yield (f"dw{i}_DP", h, h, 3, 3, cin, 1, s)
        o = h // s
        yield (f"pw{i}", o, o, 1, 1, cin, cout, 1)
    yield ("fc", 1, 1, 1, 1, 1024, 1000, 1)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    n = 0
    with open(sys.argv[1], "w") as f:
        f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                "Channels, Num Filter, Strides,\n")
        for r in rows():
            f.write(", ".join(str(v) for v in r) + ",\n")
            n += 1
    print(f"{sys.argv[1]}: {n} layers (MobileNetV1)")


if __name__ == "__main__":
    main()

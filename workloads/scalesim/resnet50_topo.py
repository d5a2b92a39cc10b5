#!/usr/bin/python3
"""Write ResNet-50 as a SCALE-Sim topology CSV, derived from torchvision.

Walks torchvision's resnet50 definition with a forward pass on a
1x3x224x224 input and records, for every Conv2d and the final Linear, the
size of the tensor that enters it (unpadded: SCALE-Sim models no padding),
its kernel, channels, filters and stride. 53 convolutions + the FC layer
(as a 1x1 conv on a 1x1x2048 ifmap) = 54 layers.

--variant v1.5 (default) keeps torchvision's Bottleneck as it is: the
  downsampling stride sits on the 3x3 conv (ResNet "v1.5").
--variant v1 moves that stride to the first 1x1 conv, as in the original
  ResNet (He et al., CVPR 2016) and in SCALE-Sim's topologies/mlperf/
  Resnet50.csv; torchvision's Bottleneck docstring describes exactly this
  difference. This is the form SCALE-Sim v2's ResNet-50 figures were made on.

Usage: /usr/bin/python3 resnet50_topo.py [--variant v1|v1.5] OUT.csv
"""
import argparse

import torch
import torchvision


def layers(variant):
    model = torchvision.models.resnet50(weights=None)
    model.eval()
    if variant == "v1":
        for stage in (model.layer1, model.layer2, model.layer3, model.layer4):
            for block in stage:
                s = block.conv2.stride
                if s != (1, 1):
                    block.conv1.stride, block.conv2.stride = s, (1, 1)
    rows = []

    def hook(name):
        def f(mod, inp, out):
            x = inp[0]
            if isinstance(mod, torch.nn.Conv2d):
                assert mod.groups == 1 and mod.stride[0] == mod.stride[1]
                rows.append((name, x.shape[2], x.shape[3], mod.kernel_size[0],
                             mod.kernel_size[1], mod.in_channels, mod.out_channels,
                             mod.stride[0]))
            else:  # Linear: a 1x1 conv on a 1x1 ifmap
                rows.append((name, 1, 1, 1, 1, mod.in_features, mod.out_features, 1))
        return f

    for name, mod in model.named_modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
            mod.register_forward_hook(hook(name))
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variant", choices=["v1", "v1.5"], default="v1.5")
    ap.add_argument("out")
    a = ap.parse_args()
    rows = layers(a.variant)
    with open(a.out, "w") as f:
        f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                "Channels, Num Filter, Strides,\n")
        for r in rows:
            f.write(", ".join(str(v) for v in r) + ",\n")
    print(f"{a.out}: {len(rows)} layers (ResNet-50 {a.variant}, torchvision {torchvision.__version__})")


if __name__ == "__main__":
    main()

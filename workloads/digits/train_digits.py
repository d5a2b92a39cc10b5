#!/usr/bin/python3
"""Train the digits CNN and MLP used by axsim's fault campaigns, quantize
them to int8 and export them with their test images.

Data: the 8x8 handwritten digits that ship inside Debian's python3-sklearn
(sklearn.datasets.load_digits, 1797 images, 17 grey levels 0..16), split
75/25 with a fixed seed. Training is plain numpy (SGD with momentum,
hand-written backprop) with a fixed seed, so the export is reproducible.

Quantization (post-training, per tensor, zero point 0):
  input   x_q = round(pixel * 127 / 16)            in [0, 127]
  weights w_q = round(w / s_w), s_w = max|w| / 127  in [-127, 127]
  bias    b_q = round(b / (s_x * s_w))              int32
  layer   acc = sum x_q * w_q (int32) + b_q
  requant y_q = clamp((acc * mult + 2^(shift-1)) >> shift, 0, 127)
          mult / 2^shift ~= s_x * s_w / s_y, mult in [2^14, 2^15)
          (s_y from the largest activation over the training set)
  the last layer keeps its int32 accumulators as logits; the class is the
  first index of the largest logit.
The integer inference below is what sim/faults/ax_qnet.c does, bit for bit;
the accuracy printed here is written into the export and a test checks the
C code reaches the same number on the same images.

Usage: /usr/bin/python3 workloads/digits/train_digits.py [OUTDIR]
Writes digits-cnn.axq, digits-mlp.axq and digits-test.axd (default: the
folder of this script).
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 7


def im2col(x, kh, kw):
    """x: [B, H, W, C] -> [B, OH*OW, kh*kw*C], k index = (fy*kw + fx)*C + c."""
    b, h, w, c = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    cols = np.empty((b, oh * ow, kh * kw * c), dtype=x.dtype)
    for fy in range(kh):
        for fx in range(kw):
            k0 = (fy * kw + fx) * c
            cols[:, :, k0:k0 + c] = x[:, fy:fy + oh, fx:fx + ow, :].reshape(b, oh * ow, c)
    return cols


def col2im(dcols, shape, kh, kw):
    b, h, w, c = shape
    oh, ow = h - kh + 1, w - kw + 1
    dx = np.zeros(shape, dtype=dcols.dtype)
    for fy in range(kh):
        for fx in range(kw):
            k0 = (fy * kw + fx) * c
            dx[:, fy:fy + oh, fx:fx + ow, :] += dcols[:, :, k0:k0 + c].reshape(b, oh, ow, c)
    return dx


class Net:
    """layers: ('conv', kh, kw, cin, cout) / ('pool', 2) / ('fc', cin, cout); ReLU after all but the last."""

    def __init__(self, spec, rng):
        self.spec = spec
        self.params = []
        for l in spec:
            if l[0] == 'conv':
                _, kh, kw, cin, cout = l
                fan = kh * kw * cin
                self.params.append([rng.normal(0, np.sqrt(2.0 / fan), (fan, cout)), np.zeros(cout)])
            elif l[0] == 'fc':
                _, cin, cout = l
                self.params.append([rng.normal(0, np.sqrt(2.0 / cin), (cin, cout)), np.zeros(cout)])
            else:
                self.params.append(None)

    def forward(self, x, keep=False):
        cache = []
        nl = len(self.spec)
        for i, (l, p) in enumerate(zip(self.spec, self.params)):
            last = i == nl - 1
            if l[0] == 'conv':
                _, kh, kw, cin, cout = l
                b, h, w, _ = x.shape
                cols = im2col(x, kh, kw)
                y = cols @ p[0] + p[1]
                y = y.reshape(b, h - kh + 1, w - kw + 1, cout)
                cache.append((x.shape, cols))
            elif l[0] == 'pool':
                b, h, w, c = x.shape
                xr = x.reshape(b, h // 2, 2, w // 2, 2, c)
                y = xr.max(axis=(2, 4))
                mask = (xr == y[:, :, None, :, None, :])
                cache.append((x.shape, mask))
            else:
                xf = x.reshape(x.shape[0], -1)
                y = xf @ p[0] + p[1]
                cache.append((x.shape, xf))
            if l[0] != 'pool' and not last:
                cache[-1] = cache[-1] + (y > 0,)
                y = np.maximum(y, 0)
            if keep:
                cache[-1] = cache[-1] + (y,)
            x = y
        return x, cache

    def backward(self, dy, cache):
        grads = [None] * len(self.spec)
        nl = len(self.spec)
        for i in range(nl - 1, -1, -1):
            l, p, c = self.spec[i], self.params[i], cache[i]
            if l[0] != 'pool' and i != nl - 1:
                dy = dy * c[2]
            if l[0] == 'conv':
                _, kh, kw, cin, cout = l
                shape, cols = c[0], c[1]
                d2 = dy.reshape(dy.shape[0], -1, cout)
                grads[i] = [np.einsum('bmk,bmn->kn', cols, d2), d2.sum(axis=(0, 1))]
                dy = col2im(d2 @ p[0].T, shape, kh, kw)
            elif l[0] == 'pool':
                shape, mask = c[0], c[1]
                b, h, w, ch = shape
                d = mask * dy[:, :, None, :, None, :]
                dy = d.reshape(shape)
            else:
                shape, xf = c[0], c[1]
                grads[i] = [xf.T @ dy, dy.sum(axis=0)]
                dy = (dy @ p[0].T).reshape(shape)
        return grads


def train(net, xtr, ytr, rng, epochs, lr=0.05, batch=32):
    vel = [[np.zeros_like(a) for a in p] if p else None for p in net.params]
    n = len(xtr)
    for ep in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            logits, cache = net.forward(xtr[idx])
            z = logits - logits.max(axis=1, keepdims=True)
            pr = np.exp(z)
            pr /= pr.sum(axis=1, keepdims=True)
            pr[np.arange(len(idx)), ytr[idx]] -= 1
            grads = net.backward(pr / len(idx), cache)
            for p, g, v in zip(net.params, grads, vel):
                if p is None:
                    continue
                for j in range(2):
                    v[j] = 0.9 * v[j] - lr * (g[j] + 1e-4 * p[j] * (j == 0))
                    p[j] += v[j]
        lr *= 0.95


def requant_params(m):
    """mult in [2^14, 2^15), shift with mult / 2^shift ~= m."""
    shift = 0
    while m * (1 << shift) < (1 << 14):
        shift += 1
    return int(round(m * (1 << shift))), shift


def quantize(net, xcal):
    """Integer model: list of dicts; activation scales from the float run on xcal."""
    _, cache = net.forward(xcal, keep=True)
    s_x = 1.0 / 127.0  # input pixel/16 in [0,1] quantized by 127
    q = []
    nl = len(net.spec)
    for i, (l, p) in enumerate(zip(net.spec, net.params)):
        last = i == nl - 1
        if l[0] == 'pool':
            q.append(dict(kind='maxpool', k=2))
            continue
        w, b = p
        s_w = np.abs(w).max() / 127.0
        wq = np.clip(np.round(w / s_w), -127, 127).astype(np.int64)
        bq = np.round(b / (s_x * s_w)).astype(np.int64)
        d = dict(kind=l[0], w=wq, b=bq, relu=not last)
        if l[0] == 'conv':
            d.update(kh=l[1], kw=l[2], cin=l[3], cout=l[4])
        else:
            d.update(cin=l[1], cout=l[2])
        if not last:
            s_y = cache[i][-1].max() / 127.0
            d['mult'], d['shift'] = requant_params(s_x * s_w / s_y)
            s_x = s_y
        else:
            d['mult'], d['shift'] = 0, 0
        q.append(d)
    return q


def qforward(q, xq):
    """Integer inference, as the C code does it. xq: [B, 8, 8, 1] int64 in [0,127]."""
    x = xq.astype(np.int64)
    for d in q:
        if d['kind'] == 'maxpool':
            b, h, w, c = x.shape
            x = x.reshape(b, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
            continue
        if d['kind'] == 'conv':
            b, h, w, _ = x.shape
            acc = im2col(x, d['kh'], d['kw']) @ d['w']
            acc = acc.reshape(b, h - d['kh'] + 1, w - d['kw'] + 1, d['cout'])
        else:
            acc = x.reshape(x.shape[0], -1) @ d['w']
        acc = (acc + d['b']).astype(np.int64)
        # int32 wrap-around, as the hardware accumulator does
        acc = ((acc + (1 << 31)) % (1 << 32)) - (1 << 31)
        if d['mult'] == 0:
            return acc
        y = (acc * d['mult'] + (1 << (d['shift'] - 1))) >> d['shift']
        x = np.clip(y, 0 if d['relu'] else -128, 127)
    return x


def write_axq(path, name, q, acc, ntest):
    with open(path, 'w') as f:
        f.write('axq 1\n')
        f.write('# %s: int8 weights, int32 bias and accumulators, zero point 0.\n' % name)
        f.write('# written by workloads/digits/train_digits.py (seed %d)\n' % SEED)
        f.write('model %s\n' % name)
        f.write('input 8 8 1\n')
        f.write('clean_accuracy %.6f %d\n' % (acc, ntest))
        for i, d in enumerate(q):
            if d['kind'] == 'maxpool':
                f.write('layer maxpool pool%d k 2\n' % i)
                continue
            if d['kind'] == 'conv':
                f.write('layer conv l%d kh %d kw %d cin %d cout %d relu %d mult %d shift %d\n' %
                        (i, d['kh'], d['kw'], d['cin'], d['cout'], int(d['relu']), d['mult'], d['shift']))
            else:
                f.write('layer fc l%d cin %d cout %d relu %d mult %d shift %d\n' %
                        (i, d['cin'], d['cout'], int(d['relu']), d['mult'], d['shift']))
            w = d['w']  # [K, N], k = (fy*kw + fx)*cin + c
            f.write('w %d %d\n' % w.shape)
            for row in w:
                f.write(' '.join(str(int(v)) for v in row) + '\n')
            f.write('b %d\n' % len(d['b']))
            f.write(' '.join(str(int(v)) for v in d['b']) + '\n')
        f.write('end\n')


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    digits = load_digits()
    x = digits.data.reshape(-1, 8, 8, 1) / 16.0
    y = digits.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)
    xq_te = np.round(xte * 127).astype(np.int64)
    nets = {
        'digits-cnn': [('conv', 3, 3, 1, 8), ('conv', 3, 3, 8, 16), ('pool', 2), ('fc', 64, 10)],
        'digits-mlp': [('fc', 64, 32), ('fc', 32, 10)],
    }
    for name, spec in nets.items():
        rng = np.random.default_rng(SEED)
        net = Net(spec, rng)
        train(net, xtr, ytr, rng, epochs=40)
        fl, _ = net.forward(xte)
        facc = (fl.argmax(axis=1) == yte).mean()
        q = quantize(net, xtr)
        logits = qforward(q, xq_te)
        pred = logits.argmax(axis=1)  # first index of the maximum
        qacc = (pred == yte).mean()
        print('%s: float accuracy %.4f, int8 accuracy %.4f (%d test images)' % (name, facc, qacc, len(yte)))
        write_axq(os.path.join(out, name + '.axq'), name, q, qacc, len(yte))
        with open(os.path.join(out, name + '-pred.txt'), 'w') as f:
            f.write('# int8 predictions of %s on digits-test.axd, one per image\n' % name)
            f.write(' '.join(str(int(p)) for p in pred) + '\n')
    with open(os.path.join(out, 'digits-test.axd'), 'w') as f:
        f.write('axd 1\n# sklearn digits test split (seed %d), pixels round(v*127/16)\n' % SEED)
        f.write('images %d 8 8 1\n' % len(yte))
        for img, lab in zip(xq_te, yte):
            f.write('%d ' % lab + ' '.join(str(int(v)) for v in img.reshape(-1)) + '\n')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Make the tiny decoder-only transformer used by axsim's next-token fault
campaigns: seeded random int8 weights, integer-only inference, and an export
of the model, its prompts and numpy's next token and logits for each prompt.

The weights are random (numpy default_rng(SEED)), not trained: the model is
a workload with the shape and arithmetic of a transformer, whose next token
is a deterministic function of the prompt. Critical SDC = a fault changes
the next token (argmax of the last position's logits).

Shape: vocab V = 32, context T = 8, width d = 32, H = 2 heads of dh = 16,
FFN width F = 64, L = 2 pre-LN decoder blocks, a final LN and an output
projection from the last position only.

Arithmetic (everything integer, so C and numpy agree bit for bit):
  residual stream    int8; x = clamp(emb[tok] + pos[t]); x = clamp(x + y)
  layer norm         integer: S = sum x, xc_i = d*x_i - S, r = isqrt(sum xc^2 // d)
                     (r = 1 if 0), y_i = clamp(floor((2*xc_i*g_i + r) / (2r)) + b_i)
                     with int8 gain g (~32: one standard deviation -> 32) and bias b
  GEMMs (on the systolic array): int8 x int8 -> int32, + int32 bias,
                     requantized y = clamp((acc*mult + 2^(shift-1)) >> shift, lo, 127)
                     (as the digits models), lo = 0 after the FFN's ReLU, else -128
  qkv = LN1(x) @ Wqkv (fused, N = 3d; q | k | v, head h at columns h*dh..)
  scores (per head)  S = Q_h @ K_h^T (int32, all T x T computed, causal mask after)
  softmax            fixed point: for row t, j <= t: m = max S[t][j],
                     i = min(((m - S[t][j]) * smult) >> sshift, 255), e = LUT[i],
                     LUT[i] = round(65535 * exp(-i / 16)) (exported: a ROM),
                     p = floor((254*e + sum e) / (2 * sum e)) in [0, 127]; j > t: p = 0
  context (per head) O_h = P @ V_h, requantized; heads concatenated
  x += requant(O @ Wo + bo); x += requant(relu(requant(LN2(x) @ W1 + b1)) @ W2 + b2)
  logits = LNf(x[T-1]) @ Wout + bout (int32); next token = first largest.
Multipliers and the softmax scale are calibrated on the prompts (largest
|acc| -> 120) and written into the export.

Usage: /usr/bin/python3 workloads/tinylm/make_tinylm.py [OUTDIR]
Writes tinylm.axlm (model) and tinylm-prompts.txt (prompts with numpy's
next token and logits); sim/faults/tinylm.c reads both and
tests/faults/test_tinylm.c checks the C model reproduces every number.
"""
import math
import os
import sys

import numpy as np

SEED = 11
V, T, D, H, F, L = 32, 8, 32, 2, 64, 2
DH = D // H
NPROMPTS = 64


def requant_params(m):
    """mult in [2^14, 2^15), shift with mult / 2^shift ~= m."""
    shift = 0
    while m * (1 << shift) < (1 << 14):
        shift += 1
    mult = int(round(m * (1 << shift)))
    if mult >= (1 << 15):
        mult //= 2
        shift -= 1
    assert shift >= 1
    return mult, shift


def rq(acc, p, lo=-128):
    mult, shift = p
    return np.clip((acc.astype(np.int64) * mult + (1 << (shift - 1))) >> shift, lo, 127)


def calib(acc):
    """Requantization mapping the largest |acc| to 120."""
    return requant_params(120.0 / max(1, int(np.abs(acc).max())))


def layernorm(x, g, b):
    """x: [..., D] int8 values (int64 array) -> int8 values, integer LN."""
    s = x.sum(axis=-1, keepdims=True)
    xc = D * x - s
    var = (xc * xc).sum(axis=-1) // D
    r = np.vectorize(math.isqrt)(var).astype(np.int64)
    r = np.maximum(r, 1)[..., None]
    y = (2 * xc * g + r) // (2 * r) + b
    return np.clip(y, -128, 127)


def softmax_rows(s, smult, sshift, lut):
    """s: [T, T] int scores -> [T, T] probabilities in [0, 127], causal."""
    p = np.zeros((T, T), dtype=np.int64)
    for t in range(T):
        row = s[t, :t + 1]
        m = row.max()
        i = np.minimum(((m - row) * smult) >> sshift, 255)
        e = lut[i]
        tot = int(e.sum())
        p[t, :t + 1] = (254 * e + tot) // (2 * tot)
    return p


def forward(P, toks, calibrate=False):
    """toks: [B, T] -> logits [B, V] (int64). With calibrate, fills the
    requantization parameters from these prompts as it goes."""
    B = toks.shape[0]
    x = np.clip(P['emb'][toks] + P['pos'][None, :, :], -128, 127)
    for li in range(L):
        Q = P['layers'][li]
        h = layernorm(x, Q['ln1_g'], Q['ln1_b'])
        acc = h @ Q['wqkv'] + Q['bqkv']
        if calibrate:
            Q['rq_qkv'] = calib(acc)
        qkv = rq(acc, Q['rq_qkv'])
        if calibrate:
            # softmax scale: the spread of the scores (their std) -> 48/16 = 3 nats
            sc = np.concatenate([(qkv[:, :, hh * DH:(hh + 1) * DH] @
                                  np.swapaxes(qkv[:, :, D + hh * DH:D + (hh + 1) * DH], 1, 2)).ravel()
                                 for hh in range(H)])
            Q['smax'] = requant_params(48.0 / max(1.0, float(sc.std())))
        ctx = np.zeros((B, T, D), dtype=np.int64)
        pv_acc = []
        for hh in range(H):
            q = qkv[:, :, hh * DH:(hh + 1) * DH]
            k = qkv[:, :, D + hh * DH:D + (hh + 1) * DH]
            v = qkv[:, :, 2 * D + hh * DH:2 * D + (hh + 1) * DH]
            s = q @ np.swapaxes(k, 1, 2)
            pr = np.stack([softmax_rows(s[b], Q['smax'][0], Q['smax'][1], P['lut']) for b in range(B)])
            pv_acc.append(pr @ v)
        if calibrate:
            Q['rq_pv'] = calib(np.stack(pv_acc))
        for hh in range(H):
            ctx[:, :, hh * DH:(hh + 1) * DH] = rq(pv_acc[hh], Q['rq_pv'])
        acc = ctx @ Q['wo'] + Q['bo']
        if calibrate:
            Q['rq_o'] = calib(acc)
        x = np.clip(x + rq(acc, Q['rq_o']), -128, 127)
        h = layernorm(x, Q['ln2_g'], Q['ln2_b'])
        acc = h @ Q['w1'] + Q['b1']
        if calibrate:
            Q['rq_1'] = calib(acc)
        f = rq(acc, Q['rq_1'], lo=0)
        acc = f @ Q['w2'] + Q['b2']
        if calibrate:
            Q['rq_2'] = calib(acc)
        x = np.clip(x + rq(acc, Q['rq_2']), -128, 127)
    h = layernorm(x[:, T - 1, :], P['lnf_g'], P['lnf_b'])
    return h @ P['wout'] + P['bout']


def make_params(rng):
    def w8(*shape, s=40):
        return np.clip(np.round(rng.normal(0, s, shape)), -127, 127).astype(np.int64)

    def bias(n, s=200):
        return np.round(rng.normal(0, s, n)).astype(np.int64)

    def gain():
        return rng.integers(24, 41, D).astype(np.int64)

    def beta():
        return rng.integers(-8, 9, D).astype(np.int64)

    P = {'emb': w8(V, D, s=50), 'pos': w8(T, D, s=20),
         'lut': np.array([int(round(65535 * math.exp(-i / 16.0))) for i in range(256)], dtype=np.int64),
         'layers': []}
    for _ in range(L):
        P['layers'].append({
            'ln1_g': gain(), 'ln1_b': beta(), 'wqkv': w8(D, 3 * D), 'bqkv': bias(3 * D),
            'wo': w8(D, D), 'bo': bias(D),
            'ln2_g': gain(), 'ln2_b': beta(), 'w1': w8(D, F), 'b1': bias(F),
            'w2': w8(F, D), 'b2': bias(D)})
    P['lnf_g'], P['lnf_b'] = gain(), beta()
    P['wout'], P['bout'] = w8(D, V), bias(V, s=400)
    return P


def row(f, v):
    f.write(' '.join(str(int(a)) for a in np.ravel(v)) + '\n')


def mat(f, name, m):
    m = np.atleast_2d(m)
    f.write('%s %d %d\n' % (name, m.shape[0], m.shape[1]))
    for r in m:
        row(f, r)


def write_model(path, P):
    with open(path, 'w') as f:
        f.write('axlm 1\n')
        f.write('model tinylm seed %d\n' % SEED)
        f.write('dims vocab %d ctx %d d %d heads %d ffn %d layers %d\n' % (V, T, D, H, F, L))
        mat(f, 'lut', P['lut'])
        mat(f, 'emb', P['emb'])
        mat(f, 'pos', P['pos'])
        for li, Q in enumerate(P['layers']):
            f.write('block %d\n' % li)
            mat(f, 'ln1_g', Q['ln1_g']); mat(f, 'ln1_b', Q['ln1_b'])
            mat(f, 'wqkv', Q['wqkv']); mat(f, 'bqkv', Q['bqkv'])
            f.write('rq qkv %d %d\n' % Q['rq_qkv'])
            f.write('rq softmax %d %d\n' % Q['smax'])
            f.write('rq pv %d %d\n' % Q['rq_pv'])
            mat(f, 'wo', Q['wo']); mat(f, 'bo', Q['bo'])
            f.write('rq o %d %d\n' % Q['rq_o'])
            mat(f, 'ln2_g', Q['ln2_g']); mat(f, 'ln2_b', Q['ln2_b'])
            mat(f, 'w1', Q['w1']); mat(f, 'b1', Q['b1'])
            f.write('rq ffn1 %d %d\n' % Q['rq_1'])
            mat(f, 'w2', Q['w2']); mat(f, 'b2', Q['b2'])
            f.write('rq ffn2 %d %d\n' % Q['rq_2'])
        mat(f, 'lnf_g', P['lnf_g']); mat(f, 'lnf_b', P['lnf_b'])
        mat(f, 'wout', P['wout']); mat(f, 'bout', P['bout'])
        f.write('end\n')


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(SEED)
    P = make_params(rng)
    toks = rng.integers(0, V, (NPROMPTS, T)).astype(np.int64)
    forward(P, toks, calibrate=True)
    logits = forward(P, toks)
    nxt = logits.argmax(axis=1)
    write_model(os.path.join(out, 'tinylm.axlm'), P)
    with open(os.path.join(out, 'tinylm-prompts.txt'), 'w') as f:
        f.write('axlmp 1\nprompts %d ctx %d vocab %d\n' % (NPROMPTS, T, V))
        f.write('# next_token | %d prompt tokens | %d logits\n' % (T, V))
        for b in range(NPROMPTS):
            row(f, np.concatenate([[nxt[b]], toks[b], logits[b]]))
    counts = np.bincount(nxt, minlength=V)
    top2 = np.sort(logits, axis=1)
    print('distinct next tokens %d of %d; most frequent %d times; median top1-top2 margin %d' %
          ((counts > 0).sum(), V, counts.max(), int(np.median(top2[:, -1] - top2[:, -2]))))


if __name__ == '__main__':
    main()

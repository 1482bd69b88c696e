#!/usr/bin/env python3
"""The FIMA training step of `fima bench step`, written in plain PyTorch: the yardstick for the
Java step's time. Same architectures (as FIMA-J builds them), same step (momentum update, 4 key
passes per view without gradient, 2 query passes, the batched motion decoder, projection heads,
the same stand-in loss, backward, SGD with momentum 0.9 and weight decay 1e-4), same inputs size.

    python3 bench/pytorch_step.py --threads 2 --case r3d-tiny:8:56:16 --case i3d:16:112:2

Prints one markdown row per case: median / min / max wall milliseconds per step, and the process
CPU milliseconds per step (all threads), which a busy shared machine inflates less.
"""
import argparse
import copy
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------------
# Backbones: the layouts of dev.fima.djl.backbone (VideoResNet, InceptionI3d)

def scaled(c, width):
    return max(1, int(round(c * width)))


class ConvUnit(nn.Sequential):
    def __init__(self, cin, cout, k, stride, pad, bn=True, relu=True):
        same_pad = None
        if isinstance(pad, tuple) and len(pad) == 6:  # explicit (wL, wR, hL, hR, tL, tR)
            same_pad, pad = pad, 0
        layers = []
        if same_pad is not None and any(same_pad):
            if same_pad[0::2] == same_pad[1::2]:
                pad = (same_pad[4], same_pad[2], same_pad[0])
            else:
                layers.append(nn.ConstantPad3d(same_pad, 0.0))
        layers.append(nn.Conv3d(cin, cout, k, stride=stride, padding=pad, bias=False))
        if bn:
            layers.append(nn.BatchNorm3d(cout))
        if relu:
            layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


def tf_same(k, s):
    out = []
    for kk, ss in zip(reversed(k), reversed(s)):  # W, H, T order for F.pad
        total = max(kk - ss, 0)
        out += [total // 2, total - total // 2]
    return tuple(out)


class SamePool(nn.Module):
    def __init__(self, k, s):
        super().__init__()
        self.pad = tf_same(k, s)
        self.pool = nn.MaxPool3d(k, s, ceil_mode=True)

    def forward(self, x):
        return self.pool(F.pad(x, self.pad))


def residual_conv(split, cin, mid, cout, st, ss, relu):
    if not split:
        return ConvUnit(cin, cout, 3, (st, ss, ss), 1, relu=relu)
    return nn.Sequential(
        ConvUnit(cin, mid, (1, 3, 3), (1, ss, ss), (0, 1, 1)),
        ConvUnit(mid, cout, (3, 1, 1), (st, 1, 1), (1, 0, 0), relu=relu))


class Block(nn.Module):
    def __init__(self, split, cin, cout, st, ss):
        super().__init__()
        mid = max(1, cin * cout * 27 // (cin * 9 + 3 * cout))
        self.conv1 = residual_conv(split, cin, mid, cout, st, ss, True)
        self.conv2 = residual_conv(split, cout, mid, cout, 1, 1, False)
        self.down = None
        if st != 1 or ss != 1 or cin != cout:
            self.down = ConvUnit(cin, cout, 1, (st, ss, ss), 0, relu=False)

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        out += x if self.down is None else self.down(x)
        return F.relu(out)


class VideoResNet(nn.Module):
    def __init__(self, split, widths, blocks, ts, ss):
        super().__init__()
        if split:
            mid = max(1, int(round(widths[0] * 45 / 64)))
            stem = [ConvUnit(3, mid, (1, 7, 7), (1, 2, 2), (0, 3, 3)),
                    ConvUnit(mid, widths[0], (3, 1, 1), 1, (1, 0, 0))]
        else:
            stem = [ConvUnit(3, widths[0], (3, 7, 7), (1, 2, 2), (1, 3, 3))]
        layers = stem
        cin, time_left, space_left = widths[0], ts, ss // 2
        for stage in range(4):
            st = 2 if stage > 0 and time_left > 1 else 1
            sp = 2 if stage > 0 and space_left > 1 else 1
            time_left //= st
            space_left //= sp
            for b in range(blocks[stage]):
                layers.append(Block(split, cin, widths[stage], st if b == 0 else 1,
                                    sp if b == 0 else 1))
                cin = widths[stage]
        self.body = nn.Sequential(*layers)
        self.channels = widths[3]
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def forward(self, x):
        m = self.body(x)
        return m, m.flatten(2).mean(2)


I3D_MODULES = [
    [[64, 96, 128, 16, 32, 32], [128, 128, 192, 32, 96, 64]],
    [[192, 96, 208, 16, 48, 64], [160, 112, 224, 24, 64, 64], [128, 128, 256, 24, 64, 64],
     [112, 144, 288, 32, 64, 64], [256, 160, 320, 32, 128, 128]],
    [[256, 160, 320, 32, 128, 128], [384, 192, 384, 48, 128, 128]],
]


def same_unit(cin, cout, k, s=(1, 1, 1)):
    return ConvUnit(cin, cout, k, s, tf_same(k, s))


class Mixed(nn.Module):
    def __init__(self, cin, w):
        super().__init__()
        self.b0 = same_unit(cin, w[0], (1, 1, 1))
        self.b1 = nn.Sequential(same_unit(cin, w[1], (1, 1, 1)), same_unit(w[1], w[2], (3, 3, 3)))
        self.b2 = nn.Sequential(same_unit(cin, w[3], (1, 1, 1)), same_unit(w[3], w[4], (3, 3, 3)))
        self.b3 = nn.Sequential(SamePool((3, 3, 3), (1, 1, 1)), same_unit(cin, w[5], (1, 1, 1)))
        self.out = w[0] + w[2] + w[4] + w[5]

    def forward(self, x):
        return torch.cat([self.b0(x), self.b1(x), self.b2(x), self.b3(x)], 1)


class I3D(nn.Module):
    def __init__(self, width, modules, ts):
        super().__init__()
        t1, t4, t5 = (2 if ts >= 2 else 1), (2 if ts >= 4 else 1), (2 if ts >= 8 else 1)
        c64, c192 = scaled(64, width), scaled(192, width)
        layers = [same_unit(3, c64, (7, 7, 7), (t1, 2, 2)), SamePool((1, 3, 3), (1, 2, 2)),
                  same_unit(c64, c64, (1, 1, 1)), same_unit(c64, c192, (3, 3, 3)),
                  SamePool((1, 3, 3), (1, 2, 2))]
        cin = c192
        pools = [None, SamePool((3, 3, 3), (t4, 2, 2)), SamePool((2, 2, 2), (t5, 2, 2))]
        for stage in range(3):
            if pools[stage] is not None:
                layers.append(pools[stage])
            specs = I3D_MODULES[stage]
            for w in specs[len(specs) - modules[stage]:]:
                mod = Mixed(cin, [scaled(v, width) for v in w])
                layers.append(mod)
                cin = mod.out
        self.body = nn.Sequential(*layers)
        self.channels = cin

    def forward(self, x):
        m = self.body(x)
        return m, m.flatten(2).mean(2)


REGISTRY = {
    'r3d-18': lambda: VideoResNet(False, [64, 128, 256, 512], [2, 2, 2, 2], 8, 16),
    'r2plus1d-18': lambda: VideoResNet(True, [64, 128, 256, 512], [2, 2, 2, 2], 8, 16),
    'i3d': lambda: I3D(1.0, [2, 5, 2], 8),
    'r3d-tiny': lambda: VideoResNet(False, [8, 16, 32, 64], [1, 1, 1, 1], 4, 8),
    'r2plus1d-tiny': lambda: VideoResNet(True, [8, 16, 32, 64], [1, 1, 1, 1], 4, 8),
    'i3d-tiny': lambda: I3D(0.125, [1, 2, 1], 4),
}


# ----------------------------------------------------------------------------------------------
# The FIMA model around the backbone (dev.fima.djl.model)

class Head(nn.Sequential):
    def __init__(self, c, hidden, e):
        super().__init__(nn.Linear(c, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, e))


class Layer(nn.Module):
    def __init__(self, d, heads, ff, p):
        super().__init__()
        self.n2, self.n3 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=p, batch_first=True)
        self.l1, self.l2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.p = p

    def forward(self, x, mem):
        h = self.n2(x)
        x = x + F.dropout(self.attn(h, mem, mem, need_weights=False)[0], self.p, self.training)
        h = self.l2(F.dropout(F.relu(self.l1(self.n3(x))), self.p, self.training))
        return x + F.dropout(h, self.p, self.training)


def sine_table(n, d):
    pos = torch.arange(n, dtype=torch.float32).reshape(-1, 1)
    x = pos / torch.pow(10000, torch.arange(0, d, 2, dtype=torch.float32) / d)
    p = torch.zeros(n, d)
    p[:, 0::2], p[:, 1::2] = torch.sin(x), torch.cos(x)
    return p


class Fima(nn.Module):
    def __init__(self, name, hidden=1024, e=128, d=512, layers=2, heads=4, ff=512, p=0.1, m=0.999):
        super().__init__()
        self.q = REGISTRY[name]()
        self.k = copy.deepcopy(self.q)
        c = self.q.channels
        self.hq, self.hk = Head(c, hidden, e), None
        self.hk = copy.deepcopy(self.hq)
        for prm in list(self.k.parameters()) + list(self.hk.parameters()):
            prm.requires_grad = False
        self.embed_in, self.embed_out = nn.Linear(c, d), nn.Linear(d, c)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.layers = nn.ModuleList([Layer(d, heads, ff, p) for _ in range(layers)])
        self.d, self.m = d, m

    @torch.no_grad()
    def momentum_update(self):
        for q, k in zip(list(self.q.parameters()) + list(self.hq.parameters()),
                        list(self.k.parameters()) + list(self.hk.parameters())):
            k.mul_(self.m).add_(q, alpha=1 - self.m)

    def tokens(self, fmap):
        b, c, t, h, w = fmap.shape
        x = self.embed_in(fmap.permute(2, 0, 3, 4, 1).reshape(t * b, h * w, c))
        return x + sine_table(h * w, self.d)

    @torch.no_grad()
    def key_view(self, rgb, diff, locals_):
        fk, pk = self.k(rgb)
        key = F.normalize(self.hk(pk), dim=-1)
        fd, _ = self.k(diff)
        dense = F.normalize(self.hk(fd.permute(0, 2, 3, 4, 1)), dim=-1).permute(1, 0, 4, 2, 3)
        loc = [F.normalize(self.hk(self.k(l)[1]), dim=-1) for l in locals_]
        a = fk.mean(1).mean(1) + fd.mean(1).mean(1)
        flat = a.flatten(1)
        mask = (flat > flat.median(1, keepdim=True)[0]).float().view_as(a)
        return key, list(dense), loc, mask

    def forward(self, rgb_m, rgb_n, diff_m, diff_n, loc_m, loc_n):
        self.momentum_update()
        km = self.key_view(rgb_m, diff_m, loc_m)
        kn = self.key_view(rgb_n, diff_n, loc_n)
        fm, pm = self.q(rgb_m)
        fn, pn = self.q(rgb_n)
        qm, qn = F.normalize(self.hq(pm), dim=-1), F.normalize(self.hq(pn), dim=-1)
        b, c, t, h, w = fm.shape
        tm, tn = self.tokens(fm), self.tokens(fn)
        queries, memory = torch.cat([tm, tn]), torch.cat([tn, tm])
        x = torch.cat([self.cls.expand(queries.shape[0], 1, self.d), queries], 1)
        for layer in self.layers:
            x = layer(x, memory)
        pred = F.normalize(self.hq(self.embed_out(x)), dim=-1).reshape(2, t, b, 1 + h * w, -1)
        cls = pred[:, :, :, 0]
        dense = pred[:, :, :, 1:].reshape(2, t, b, h, w, -1).permute(0, 1, 2, 5, 3, 4)
        loss = (qm * kn[0]).sum() + (qn * km[0]).sum()
        for s in range(t):
            loss = loss + (cls[0, s] * kn[2][s]).sum() + (cls[1, s] * km[2][s]).sum()
            loss = loss + (dense[0, s] * kn[1][s]).sum() + (dense[1, s] * km[1][s]).sum()
        return -loss


def diff(clip):
    return (clip - torch.roll(clip, 1, 2) + 1) / 2


def run_case(spec, warmup, steps):
    name, frames, crop, batch = spec.split(':')
    frames, crop, batch = int(frames), int(crop), int(batch)
    model = Fima(name).train()
    with torch.no_grad():
        t_slices = model.q(torch.zeros(1, 3, frames, crop, crop))[0].shape[2]
    local_frames = frames * 2 // t_slices
    rgb_m, rgb_n = (torch.rand(batch, 3, frames, crop, crop) for _ in range(2))
    loc = [[diff(torch.rand(batch, 3, local_frames, crop, crop)) for _ in range(t_slices)]
           for _ in range(2)]
    inputs = (rgb_m, rgb_n, diff(rgb_m), diff(rgb_n), loc[0], loc[1])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-4)
    times = []
    cpu0 = 0.0
    for i in range(warmup + steps):
        if i == warmup:
            cpu0 = time.process_time()
        t0 = time.perf_counter()
        loss = model(*inputs)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / steps
    trained = sum(p.numel() for p in params)
    return (f"| {name} | {frames} | {crop} | {batch} | {trained / 1e6:.2f}M | "
            f"{statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} | {cpu_ms:.0f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--case', action='append', default=[])
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    cases = args.case or ['r3d-tiny:8:56:16', 'r3d-18:16:112:2', 'i3d:16:112:2']
    print(f"# pytorch_step.py: torch {torch.__version__}, {torch.get_num_threads()} intra-op threads,"
          f" {args.warmup} warm-up + {args.steps} timed steps")
    print("| backbone | frames | crop | batch | trained params | ms/step (median) | min | max |"
          " CPU ms/step |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c in cases:
        print(run_case(c, args.warmup, args.steps), flush=True)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""The pretraining step of `fima bench step`, written in plain PyTorch: the yardstick for the Java
step's time. Same work per step as FIMA-J's training loop runs it on a fixed batch:

  * the device augmentation (frame differences of the cropped clips, then grayscale, jitter,
    blur and normalisation of every tensor, each with its own draws: the same 3x3 channel
    matrices and banded blur matrices, and the same random draws, ported from Java's
    SplittableRandom, so that both sides apply the same operations);
  * the momentum update, the key passes (per view: RGB, global frame difference, one local frame
    difference per temporal slice) and foreground masks, the query passes, the motion decoder;
  * the instance, local and dense terms with their queues and statistics (accuracies, chance
    values, collapse cosines, foreground share), the values read to the host in one transfer;
  * backward, the global gradient norm (clipped when optim.gradClip > 0), SGD with momentum 0.9
    and weight decay 1e-4, and the enqueue of the step's keys; the batch-norm statistics copied
    each step, as the Java loop copies them to undo a non-finite step.

Our own code after the method notes; architectures as FIMA-J builds them.

    python3 bench/pytorch_step.py --threads 2 --case r3d-tiny:8:32:16 --method fima --demo

Prints the same `#step`, `#phase` and `#check` lines as `fima bench step`, and a table row.
"""
import argparse
import copy
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------------------------
# Random draws: Java's Seeds and SplittableRandom, so that both sides augment alike.

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def scramble(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def derive(seed, *values):
    h = scramble((seed & M64) ^ GOLDEN)
    for v in values:
        h = scramble(h ^ scramble((v + 0x632BE59BD9B4E019) & M64))
    return h


def mix(seed, *path):
    h = scramble((seed & M64) ^ GOLDEN)
    for p in path:
        h = scramble((h + GOLDEN + scramble(p & M64)) & M64)
    return h


def to_int32(x):
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= 1 << 31 else x


class SplittableRandom:
    def __init__(self, seed):
        self.seed = seed & M64

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN) & M64
        return self.seed

    def next_long(self):
        return scramble(self._next_seed())

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53

    def next_int(self):
        z = self._next_seed()
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        return to_int32((((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32)

    def next_int_bound(self, bound):
        r = self.next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if to_int32(u + m - r) >= 0:
                return r
            u = (self.next_int() & 0xFFFFFFFF) >> 1


# ----------------------------------------------------------------------------------------------
# Settings: the reference's (PretrainConfig.defaults) or the demo's (DemoConfig.defaults).

REFERENCE = dict(queue=2240, dense_queue=0, momentum=0.999, lr=0.01, reference_batch=64,
                 weight_decay=1e-4, sgd_momentum=0.9, grad_clip=0.0, temperature=0.1,
                 dense_temperature=0.1, pos_ratio=0.7, hidden=1024, embedding=128, decoder_dim=512,
                 decoder_layers=2, decoder_heads=4, decoder_ff=512, dropout=0.1, seed=42,
                 min_scale=0.2, max_scale=1.0, flip=0.5, gray_p=0.2, jitter_p=0.8, brightness=0.4,
                 contrast=0.4, saturation=0.4, hue=0.1, blur_p=0.5, sigma_min=0.1, sigma_max=2.0,
                 weights=(1.0, 1.0, 1.0))
DEMO = dict(REFERENCE, queue=64, momentum=0.99, lr=0.03, reference_batch=16, min_scale=0.5)
DIFF_AUGMENT = {  # jitter, grayscale, blur, normalize, share the RGB view's draw
    'reference': (True, True, True, True, False), 'no_jitter': (False, True, True, True, False),
    'shared_jitter': (True, True, True, True, True), 'none': (False, False, False, True, False)}
SEED_AUGMENT = 12

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
        pad = tf_same(k, s)
        if pad[0::2] == pad[1::2]:  # symmetric: the pool's own padding, as FIMA-J does
            self.pad, self.pool = None, nn.MaxPool3d(k, s, padding=(pad[4], pad[2], pad[0]),
                                                     ceil_mode=True)
        else:
            self.pad, self.pool = pad, nn.MaxPool3d(k, s, ceil_mode=True)

    def forward(self, x):
        return self.pool(x if self.pad is None else F.pad(x, self.pad))


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
# The device augmentation (dev.fima.datasets.augment: DevicePretrainAugmenter, ColorAugmentation)

GREY = torch.tensor([0.299, 0.587, 0.114])
MEAN = torch.tensor([0.43216, 0.394666, 0.37645]).reshape(3, 1, 1, 1)
STD = torch.tensor([0.22803, 0.22145, 0.216989]).reshape(3, 1, 1, 1)


def frame_difference(clip):
    later = (clip[:, :, 1:] - clip[:, :, :-1] + 1) / 2
    first = (clip[:, :, 0:1] - clip[:, :, -1:] + 1) / 2
    return torch.cat([first, later], 2)


def draw(s, b, rnd):
    """ColorAugmentation.draw: per sample grayscale, jitter, four factors, blur, sigma; then the
    batch's order of the four jitter operations."""
    def factor(strength):
        low = max(0.0, 1 - strength)
        return low + (1 + strength - low) * rnd.next_double()
    p = dict(gray=[], bright=[], contrast=[], sat=[], hue=[], sigma=[])
    for _ in range(b):
        p['gray'].append(1.0 if rnd.next_double() < s['gray_p'] else 0.0)
        jitter = rnd.next_double() < s['jitter_p']
        f = (factor(s['brightness']), factor(s['contrast']), factor(s['saturation']))
        h = (2 * rnd.next_double() - 1) * s['hue']
        p['bright'].append(f[0] if jitter else 1.0)
        p['contrast'].append(f[1] if jitter else 1.0)
        p['sat'].append(f[2] if jitter else 1.0)
        p['hue'].append(h if jitter else 0.0)
        blurred = rnd.next_double() < s['blur_p']
        sg = s['sigma_min'] + (s['sigma_max'] - s['sigma_min']) * rnd.next_double()
        p['sigma'].append(sg if blurred else 0.0)
    order = [0, 1, 2, 3]
    for i in range(3, 0, -1):
        j = rnd.next_int_bound(i + 1)
        order[i], order[j] = order[j], order[i]
    p['order'] = order
    return p


def keeping(p, jitter, gray, blur):
    b = len(p['gray'])
    return dict(gray=p['gray'] if gray else [0.0] * b,
                bright=p['bright'] if jitter else [1.0] * b,
                contrast=p['contrast'] if jitter else [1.0] * b,
                sat=p['sat'] if jitter else [1.0] * b, hue=p['hue'] if jitter else [0.0] * b,
                sigma=p['sigma'] if blur else [0.0] * b, order=p['order'])


def mix_channels(x, matrices):
    b = x.shape[0]
    return torch.bmm(matrices, x.reshape(b, 3, -1)).reshape(x.shape)


def grey_matrices(values):
    g = torch.tensor(values).reshape(-1, 1, 1)
    return (1 - g) * torch.eye(3) + g * GREY.reshape(1, 1, 3).expand(1, 3, 3)


def saturation_matrices(values):
    f = torch.tensor(values).reshape(-1, 1, 1)
    return f * torch.eye(3) + (1 - f) * GREY.reshape(1, 1, 3).expand(1, 3, 3)


def hue_matrices(values):
    out = []
    k = 1 / math.sqrt(3)
    for shift in values:
        t = 2 * math.pi * shift
        cos, sin, common = math.cos(t), math.sin(t) * k, (1 - math.cos(t)) / 3
        out.append([[cos + common, common - sin, common + sin],
                    [common + sin, cos + common, common - sin],
                    [common - sin, common + sin, cos + common]])
    return torch.tensor(out)


def per_sample(values):
    return torch.tensor(values).reshape(-1, 1, 1, 1, 1)


def blur_matrices(sigma, size, n, transposed):
    """Per-sample n x n matrices of the reflect-padded Gaussian taps, built on the host."""
    radius = size // 2
    out = []
    for sg in sigma:
        if sg <= 0:
            taps = [0.0] * size
            taps[radius] = 1.0
        else:
            w = [math.exp(-(d * d) / (2.0 * sg * sg)) for d in range(-radius, radius + 1)]
            taps = [v / sum(w) for v in w]
        m = [0.0] * (n * n)
        for i in range(n):
            for d in range(-radius, radius + 1):
                j = i + d
                j = -j if j < 0 else (2 * (n - 1) - j if j > n - 1 else j)
                m[j * n + i if transposed else i * n + j] += taps[d + radius]
        out.append(m)
    return torch.tensor(out).reshape(len(sigma), n, n)


def colour(x, p):
    """ColorAugmentation.apply with grayscale before jitter, then the per-sample blur."""
    if any(v != 0 for v in p['gray']):
        x = mix_channels(x, grey_matrices(p['gray']))
    for op in p['order']:
        if op == 0 and any(v != 1 for v in p['bright']):
            x = (x * per_sample(p['bright'])).clamp(0, 1)
        elif op == 1 and any(v != 1 for v in p['contrast']):
            f = per_sample(p['contrast'])
            b, _, t = x.shape[:3]
            grey = (x.reshape(b, 3, t, -1).mean(3) * GREY.reshape(1, 3, 1)).sum(1, keepdim=True)
            x = (x * f + grey.reshape(b, 1, t, 1, 1) * (1 - f)).clamp(0, 1)
        elif op == 2 and any(v != 1 for v in p['sat']):
            x = mix_channels(x, saturation_matrices(p['sat'])).clamp(0, 1)
        elif op == 3 and any(v != 0 for v in p['hue']):
            x = mix_channels(x, hue_matrices(p['hue'])).clamp(0, 1)
    if any(v != 0 for v in p['sigma']):
        b, c, t, h, w = x.shape
        size = int(0.1 * h) // 2 * 2 + 1
        if size >= 3 and h > size // 2 and w > size // 2:
            rows = blur_matrices(p['sigma'], size, w, True).reshape(b, 1, w, w)
            cols = blur_matrices(p['sigma'], size, h, False).reshape(b, 1, h, h)
            x = torch.matmul(cols, torch.matmul(x.reshape(b, c * t, h, w), rows)).reshape(x.shape)
    return x


def normalize(x):
    return (x - MEAN) / STD


def augment(s, batch, seed, motion):
    """DevicePretrainAugmenter.augment: stream v for view v's RGB, 2 + v for its difference,
    4 + v * locals + i for its i-th local difference."""
    b = batch['m']['global'].shape[0]
    locals_ = len(batch['m']['locals'])
    jit, gray, blur, norm, share = DIFF_AUGMENT[s['diff_augment']]
    views = []
    for v, clips in enumerate((batch['m'], batch['n'])):
        drawn = draw(s, b, SplittableRandom(mix(seed, v)))
        view = dict(rgb=normalize(colour(clips['global'], drawn)), crop=clips['crop'].clone())
        if motion:
            def diff(x, stream):
                d = frame_difference(x)
                if jit or gray or blur:
                    p = drawn if share else draw(s, b, SplittableRandom(mix(seed, stream)))
                    d = colour(d, keeping(p, jit, gray, blur))
                return normalize(d) if norm else d
            view['diff'] = diff(clips['global'], 2 + v)
            view['local_diffs'] = [diff(x, 4 + v * locals_ + i)
                                   for i, x in enumerate(clips['locals'])]
        views.append(view)
    return views

# ----------------------------------------------------------------------------------------------
# The model around the backbone (dev.fima.djl.model)


class Head(nn.Sequential):
    def __init__(self, c, hidden, e):
        super().__init__(nn.Linear(c, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, e))


class Layer(nn.Module):
    """Pre-norm cross-attention layer without self-attention (CrossAttentionLayer)."""
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
    pos = torch.arange(n, dtype=torch.float64).reshape(-1, 1)
    x = pos / torch.pow(10000, torch.arange(0, d, 2, dtype=torch.float64) / d)
    p = torch.zeros(n, d, dtype=torch.float64)
    p[:, 0::2], p[:, 1::2] = torch.sin(x), torch.cos(x)
    return p.float()


def l2(x):
    return F.normalize(x, dim=-1)


class Pretrain(nn.Module):
    """FimaPretrainModel (motion=True) or MocoModel (motion=False)."""
    def __init__(self, name, s, motion):
        super().__init__()
        self.q = REGISTRY[name]()
        self.k = copy.deepcopy(self.q)
        c = self.q.channels
        self.hq = Head(c, s['hidden'], s['embedding'])
        self.hk = copy.deepcopy(self.hq)
        for prm in list(self.k.parameters()) + list(self.hk.parameters()):
            prm.requires_grad = False
        self.motion, self.m, self.d = motion, s['momentum'], s['decoder_dim']
        if motion:
            d = self.d
            self.embed_in, self.embed_out = nn.Linear(c, d), nn.Linear(d, c)
            self.cls = nn.Parameter(torch.zeros(1, 1, d))
            self.layers = nn.ModuleList(
                [Layer(d, s['decoder_heads'], s['decoder_ff'], s['dropout'])
                 for _ in range(s['decoder_layers'])])
        self.pe = {}
        self.pairs = [(q, k) for q, k in zip(list(self.q.parameters()) + list(self.hq.parameters()),
                                             list(self.k.parameters()) + list(self.hk.parameters()))]

    @torch.no_grad()
    def momentum_update(self):
        for q, k in self.pairs:
            k.mul_(self.m).add_(q.detach(), alpha=1 - self.m)

    @torch.no_grad()
    def key_view(self, view):
        fk, pk = self.k(view['rgb'])
        key = l2(self.hk(pk))
        if not self.motion:
            return dict(key=key)
        fd, _ = self.k(view['diff'])
        dense = l2(self.hk(fd.permute(0, 2, 3, 4, 1))).permute(1, 0, 4, 2, 3)
        locals_ = [l2(self.hk(self.k(x)[1])) for x in view['local_diffs']]
        a = fk.mean(1).mean(1) + fd.mean(1).mean(1)
        flat = a.flatten(1)
        mask = (flat > flat.median(1, keepdim=True)[0]).float().view_as(a)
        return dict(key=key, dense=list(dense), locals=locals_, mask=mask)

    def tokens(self, fmap):
        b, c, t, h, w = fmap.shape
        x = self.embed_in(fmap.permute(2, 0, 3, 4, 1).reshape(t * b, h * w, c))
        if h * w not in self.pe:
            self.pe[h * w] = sine_table(h * w, self.d)
        return x + self.pe[h * w]

    def decode(self, fm, fn):
        b, c, t, h, w = fm.shape
        tm, tn = self.tokens(fm), self.tokens(fn)
        queries, memory = torch.cat([tm, tn]), torch.cat([tn, tm])
        x = torch.cat([self.cls.expand(queries.shape[0], 1, self.d), queries], 1)
        for layer in self.layers:
            x = layer(x, memory)
        pred = l2(self.hq(self.embed_out(x).reshape(2, t, b, 1 + h * w, c)))
        cls = pred[:, :, :, 0]
        dense = pred[:, :, :, 1:].reshape(2, t, b, h, w, -1).permute(0, 1, 2, 5, 3, 4)
        return cls, dense

# ----------------------------------------------------------------------------------------------
# The losses (dev.fima.djl.loss)


def ce_at_zero(logits):
    return -logits.log_softmax(1)[:, 0].mean()


def top1_at_zero(logits):
    return (logits.detach().argmax(1) == 0).float().mean()


def instance_loss(qm, qn, km, kn, queue, t):
    first = torch.cat([(qm * kn).sum(1, keepdim=True), qm @ queue.t()], 1) / t
    second = torch.cat([(qn * km).sum(1, keepdim=True), qn @ queue.t()], 1) / t
    return (ce_at_zero(first) + ce_at_zero(second)) / 2, top1_at_zero(first + second), first.shape


def local_loss(pred_n, pred_m, keys_n, keys_m, queue, t):
    """Reference negatives: every row of every other key set."""
    sets = keys_n + keys_m
    slices = len(keys_n)
    loss = acc = 0
    for s in range(2 * slices):
        p = pred_n[s] if s < slices else pred_m[s - slices]
        cols = [(p * sets[s]).sum(1, keepdim=True)]
        cols += [p @ sets[j].t() for j in range(len(sets)) if j != s]
        cols.append(p @ queue.t())
        logits = torch.cat(cols, 1) / t
        loss = loss + ce_at_zero(logits)
        acc = acc + top1_at_zero(logits)
    return loss / (2 * slices), acc / (2 * slices), logits.shape


def centres(coord, h, w):
    n = coord.shape[0]
    x1, y1 = coord[:, 0].reshape(n, 1, 1), coord[:, 1].reshape(n, 1, 1)
    bw = (coord[:, 2].reshape(n, 1, 1) - x1) / w
    bh = (coord[:, 3].reshape(n, 1, 1) - y1) / h
    cols = (torch.arange(w, dtype=torch.float32) + 0.5).reshape(1, 1, w)
    rows = (torch.arange(h, dtype=torch.float32) + 0.5).reshape(1, h, 1)
    x = (x1 + cols * bw).expand(n, h, w).reshape(n, -1)
    y = (y1 + rows * bh).expand(n, h, w).reshape(n, -1)
    return x, y, (bw.square() + bh.square()).sqrt().reshape(n)


def positives(cq, ck, h, w, ratio):
    qx, qy, qd = centres(cq, h, w)
    kx, ky, kd = centres(ck, h, w)
    n = cq.shape[0]
    dist = ((qx.reshape(n, -1, 1) - kx.reshape(n, 1, -1)).square()
            + (qy.reshape(n, -1, 1) - ky.reshape(n, 1, -1)).square()).sqrt()
    return (dist / torch.maximum(qd, kd).reshape(n, 1, 1) < ratio).float()


def log_sum_exp(x, axis):
    mx = x.detach().amax(axis, keepdim=True)
    return (x - mx).exp().sum(axis).log() + mx.squeeze(axis)


def dense_loss(pred, key_slices, slice_, cq, ck, mq, mk, queue, t, ratio):
    n, d, h, w = pred.shape
    a = h * w
    queries = pred.reshape(n, d, a).transpose(1, 2)
    sim = torch.bmm(queries, key_slices[slice_].reshape(n, d, a)) / t
    keys = [k.reshape(n, d, a).transpose(1, 2).reshape(n * a, d) for k in key_slices]
    if queue is not None:
        keys.append(queue)
    all_keys = torch.cat(keys, 0)
    log_den = log_sum_exp((queries.reshape(n * a, d) @ all_keys.t()) / t, 1).reshape(n, a)
    pairs = positives(cq, ck, h, w, ratio) * mq.reshape(n, a, 1) * mk.reshape(n, 1, a)
    is_pair = pairs > 0
    effective = is_pair.sum(2) > 0
    eff = effective.float()
    masked = torch.where(is_pair, sim, torch.zeros_like(sim) - float('inf'))
    row_max = masked.detach().amax(2, keepdim=True)
    row_max = torch.where(effective.unsqueeze(2), row_max, torch.zeros_like(row_max))
    pos_sum = (masked - row_max).exp().sum(2)
    log_num = torch.where(effective, pos_sum, torch.ones_like(pos_sum)).log() + row_max.squeeze(2)
    cells = eff.sum(1)
    kept = (cells > 0).float()
    kept_count = kept.sum()
    loss = (((log_den - log_num) * eff).sum(1) / cells.clamp_min(1) * kept).sum() / \
        kept_count.clamp_min(1)
    npos = is_pair.float().sum(2).clamp_min(1)
    chance = (((-npos.log() + math.log(all_keys.shape[0])) * eff).sum(1) / cells.clamp_min(1)
              * kept).sum() / kept_count.clamp_min(1)
    return loss, kept_count.detach(), chance.detach(), (n * a, all_keys.shape[0])


def pairwise_cosine(rows):
    b = rows.shape[0]
    unit = F.normalize(rows.detach().float(), dim=1, eps=1e-12)
    s = unit.sum(0)
    return ((s * s).sum() - (unit * unit).sum()) / (b * (b - 1))

# ----------------------------------------------------------------------------------------------
# One run: the fixed batch, the steps, the phases


class Phases:
    def __init__(self):
        self.ms = {}

    def add(self, name, t0):
        self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000
        return time.perf_counter()


class Queue:
    def __init__(self, size, dim, gen):
        self.features = F.normalize(torch.randn(size, dim, generator=gen), dim=1)
        self.ptr = 0

    def enqueue(self, keys):
        keys = keys.detach()
        n, size = keys.shape[0], self.features.shape[0]
        if n > size:
            keys, self.ptr, n = keys[n - size:], (self.ptr + n - size) % size, size
        first = min(n, size - self.ptr)
        self.features[self.ptr:self.ptr + first] = keys[:first]
        if first < n:
            self.features[:n - first] = keys[first:]
        self.ptr = (self.ptr + n) % size


def fixed_batch(s, b, frames, crop, slices, gen):
    local_frames = frames * 2 // slices
    def crops():
        out = []
        for _ in range(b):
            area = s['min_scale'] + (s['max_scale'] - s['min_scale']) * torch.rand(1, generator=gen).item()
            side_w = min(1.0, math.sqrt(area)) * 319
            side_h = min(1.0, math.sqrt(area)) * 239
            x1 = torch.rand(1, generator=gen).item() * (319 - side_w) / 319
            y1 = torch.rand(1, generator=gen).item() * (239 - side_h) / 239
            box = [x1, y1, x1 + side_w / 319, y1 + side_h / 239]
            if torch.rand(1, generator=gen).item() < s['flip']:
                box[0], box[2] = box[2], box[0]
            out.append(box)
        return torch.tensor(out)
    def view():
        return {'global': torch.rand(b, 3, frames, crop, crop, generator=gen),
                'locals': [torch.rand(b, 3, local_frames, crop, crop, generator=gen)
                           for _ in range(slices)],
                'crop': crops()}
    return dict(m=view(), n=view())


def run_case(spec, method, s, warmup, steps):
    name, frames, crop, batch = spec.split(':')
    frames, crop, b = int(frames), int(crop), int(batch)
    motion = method == 'fima'
    torch.manual_seed(s['seed'])
    model = Pretrain(name, s, motion).train()
    with torch.no_grad():
        fshape = model.q(torch.zeros(1, 3, frames, crop, crop))[0].shape
    slices = fshape[2]
    gen = torch.Generator().manual_seed(s['seed'])
    data = fixed_batch(s, b, frames, crop, slices, gen)
    e = s['embedding']
    qinst = Queue(s['queue'], e, gen)
    qmot = Queue(s['queue'], e, gen) if motion else None
    qdense = Queue(s['dense_queue'], e, gen) if motion and s['dense_queue'] > 0 else None
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=s['lr'] * b / s['reference_batch'],
                          momentum=s['sgd_momentum'], weight_decay=s['weight_decay'])
    bn_stats = [buf for mod in model.modules() if isinstance(mod, nn.BatchNorm3d)
                for buf in (mod.running_mean, mod.running_var)]
    wi, wl, wd = s['weights']
    t, td, ratio = s['temperature'], s['dense_temperature'], s['pos_ratio']
    shapes = {}
    times, samples = [], []
    cpu0 = 0.0
    for i in range(warmup + steps):
        if i == warmup:
            cpu0 = time.process_time()
        ph = Phases()
        t0 = start = time.perf_counter()
        torch.manual_seed(i)
        before = [x.clone() for x in bn_stats]  # the undo copy of a non-finite step
        t0 = ph.add('bookkeeping', t0)
        views = augment(s, data, derive(s['seed'], SEED_AUGMENT, 0, i), motion)
        t0 = ph.add('augmentation', t0)
        model.momentum_update()
        t0 = ph.add('momentum update', t0)
        keys = [model.key_view(v) for v in views]
        t0 = ph.add('key passes', t0)
        (fm, pm), (fn, pn) = model.q(views[0]['rgb']), model.q(views[1]['rgb'])
        qm, qn = l2(model.hq(pm)), l2(model.hq(pn))
        t0 = ph.add('query passes', t0)
        values = {}
        if motion:
            cls, dense = model.decode(fm, fn)
            t0 = ph.add('decoder', t0)
        inst, inst_acc, shapes['instance_logits'] = instance_loss(
            qm, qn, keys[0]['key'], keys[1]['key'], qinst.features, t)
        total = inst * wi
        values['instance'] = inst
        t0 = ph.add('instance loss', t0)
        if motion:
            km, kn = keys
            # Index 0 predicts n's motion (queries from m), index 1 m's.
            pred_n = [cls[0, j] for j in range(slices)]
            pred_m = [cls[1, j] for j in range(slices)]
            loc, loc_acc, shapes['local_logits'] = local_loss(
                pred_n, pred_m, kn['locals'], km['locals'], qmot.features, t)
            values['local'] = loc
            values['local_chance'] = torch.tensor(math.log(shapes['local_logits'][1]))
            total = total + loc * wl
            t0 = ph.add('local loss', t0)
            dsum = dkept = dchance = 0
            crops = (views[0]['crop'], views[1]['crop'])
            for j in range(slices):
                # n's motion on m's grid, then m's on n's.
                for tgt, grid, p in ((1, 0, dense[0, j]), (0, 1, dense[1, j])):
                    l, kc, ch, shapes['dense_logits'] = dense_loss(
                        p, keys[tgt]['dense'], j, crops[grid], crops[tgt], keys[grid]['mask'],
                        keys[tgt]['mask'], None if qdense is None else qdense.features, td, ratio)
                    dsum, dkept, dchance = dsum + l, dkept + kc, dchance + ch
            dval = dsum / (2 * slices)
            values['dense'] = dval
            values['dense_chance'] = dchance / (2 * slices)
            total = total + dval * wd
            t0 = ph.add('dense loss', t0)
        values['instance_acc'] = inst_acc
        if motion:
            values['local_acc'] = loc_acc
            values['dense_kept'] = dkept / (2 * slices * b)
            values['cls_pred_cos'] = sum(pairwise_cosine(x) for x in pred_n + pred_m) / (2 * slices)
            values['local_key_cos'] = sum(
                pairwise_cosine(x) for x in kn['locals'] + km['locals']) / (2 * slices)
            values['foreground'] = (km['mask'].mean() + kn['mask'].mean()) / 2
        t0 = ph.add('loss statistics', t0)
        total.backward()
        t0 = ph.add('backward', t0)
        grads = [p.grad for p in params]
        if s['grad_clip'] > 0:
            norm = torch.nn.utils.clip_grad_norm_(params, s['grad_clip'])
        else:
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        t0 = ph.add('optimizer', t0)
        read = torch.stack([total.detach()] + [v.detach().float() for v in values.values()]
                           + [norm.detach()]).double().tolist()
        t0 = ph.add('read values', t0)
        if all(math.isfinite(v) for v in read):
            opt.step()
        else:
            for x, y in zip(bn_stats, before):
                x.copy_(y)
        opt.zero_grad()
        t0 = ph.add('optimizer', t0)
        if all(math.isfinite(v) for v in read):
            qinst.enqueue(torch.cat([keys[1]['key'], keys[0]['key']]))
            if motion:
                qmot.enqueue(torch.cat(kn['locals'] + km['locals']))
                if qdense is not None:
                    qdense.enqueue(torch.cat([z.reshape(b, e, -1).transpose(1, 2).reshape(-1, e)
                                              for k in (kn, km) for z in k['dense']]))
        t0 = ph.add('enqueue', t0)
        del total, values, keys, views, grads, norm
        if motion:
            del cls, dense, pred_n, pred_m, km, kn
        t0 = ph.add('release', t0)
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
            samples.append(ph.ms)
    cpu_ms = (time.process_time() - cpu0) * 1000 / steps
    trained = sum(p.numel() for p in params)
    key = sum(p.numel() for p in list(model.k.parameters()) + list(model.hk.parameters()))
    check = dict(trained=trained, key=key, clip='x'.join(map(str, data['m']['global'].shape)),
                 map='x'.join(map(str, (b,) + tuple(fshape[1:]))),
                 instance_logits='x'.join(map(str, shapes['instance_logits'])))
    if motion:
        check['local_clips'] = f"{slices}x" + 'x'.join(map(str, data['m']['locals'][0].shape))
        check['local_logits'] = 'x'.join(map(str, shapes['local_logits']))
        check['dense_logits'] = 'x'.join(map(str, shapes['dense_logits']))
    means = {}
    for sm in samples:
        for k, v in sm.items():
            means[k] = means.get(k, 0.0) + v / len(samples)
    return times, cpu_ms, means, check


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--case', action='append', default=[])
    ap.add_argument('--method', action='append', default=[], choices=['fima', 'moco'])
    ap.add_argument('--demo', action='store_true', help="the demo's settings (queue 64, ...)")
    ap.add_argument('--diff-augment', default='reference', choices=sorted(DIFF_AUGMENT))
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    s = dict(DEMO if args.demo else REFERENCE, diff_augment=args.diff_augment)
    cases = args.case or ['r3d-tiny:8:32:16', 'r3d-18:16:112:2', 'i3d:16:112:2']
    methods = args.method or ['fima', 'moco']
    print(f"# pytorch_step.py: torch {torch.__version__}, {torch.get_num_threads()} intra-op"
          f" threads, {'the demo' if args.demo else 'the reference'}'s settings,"
          f" {args.warmup} warm-up + {args.steps} timed steps")
    print("| method | case | trained params | ms/step (median) | min | max | CPU ms/step |")
    print("|---|---|---|---|---|---|---|")
    lines = []
    for c in cases:
        for m in methods:
            times, cpu_ms, means, check = run_case(c, m, s, args.warmup, args.steps)
            print(f"| {m} | {c} | {check['trained'] / 1e6:.2f}M | {statistics.median(times):.1f} |"
                  f" {min(times):.1f} | {max(times):.1f} | {cpu_ms:.0f} |", flush=True)
            lines.append(f"#step torch {m} {c} median={statistics.median(times):.2f}"
                         f" min={min(times):.2f} max={max(times):.2f} cpu={cpu_ms:.2f} outside=nan")
            lines.append(f"#phase torch {m} {c} " + ' '.join(
                f"{k.replace(' ', '_')}={v:.3f}" for k, v in means.items()))
            lines.append(f"#check {m} {c} " + ' '.join(f"{k}={v}" for k, v in check.items()))
    for line in lines:
        print(line)
    sys.stdout.flush()


if __name__ == '__main__':
    main()

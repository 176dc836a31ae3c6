#!/usr/bin/python3
"""Would a coarse first pass (4-bit or 2-bit codes per row) keep the gallery's top-1 certificate?

The int8 scan certifies its top-1 (docs/PERFORMANCE.md, "Gallery index"): every row outside the candidates scores at
most T + B, T the candidates' threshold on the approximate scores and B the Cauchy-Schwarz bound on the quantisation
error (max row residual + query residual x max code norm). A coarse first pass keeps that only if its own B stays below
the gap between the exact top-1 and the C-th best coarse score. This script draws the same kind of gallery as
gallery-bench (uniform or Gaussian components, 512 dimensions, queries with no mate), quantises every row with b-bit
symmetric per-row codes (the int8 layout's rule: scale = max|v| / (2^(b-1) - 1)) and reports per query and code width:
the bound B, the margin top1 - T_C - B for C candidates in all, and whether the exact top-1 is among the C best coarse
scores at all (recall without the certificate). numpy only; about 1 minute and 1 GB for 1,000,000 rows.

  /usr/bin/python3 loadtest/bench/coarse_code_margin.py --rows 1000000 [--gaussian] [--queries 64]
"""
import argparse

import numpy as np


def quantise(v, bits):
    top = (1 << (bits - 1)) - 1
    scale = np.abs(v).max(axis=1, keepdims=True) / top
    codes = np.clip(np.rint(v / scale), -top, top)
    approx = codes * scale
    return approx.astype(np.float32), np.linalg.norm(v - approx, axis=1), np.linalg.norm(approx, axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=64)
    ap.add_argument("--gaussian", action="store_true")
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--candidates", default="128,1024,8192")
    args = ap.parse_args()
    dim, keep = 512, 8192
    cands = [int(c) for c in args.candidates.split(",")]
    rng = np.random.default_rng(1)
    draw = (lambda n: rng.standard_normal((n, dim), dtype=np.float32)) if args.gaussian else \
        (lambda n: rng.random((n, dim), dtype=np.float32) - 0.5)
    q = draw(args.queries)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    widths = [8, 4, 2]
    # Query side as the scan quantises it: 7-bit codes, residual for the bound.
    q7, q7res, _ = quantise(q, 8)
    best = np.full(args.queries, -np.inf, dtype=np.float32)
    best_row = np.zeros(args.queries, dtype=np.int64)
    top = {b: (np.full((args.queries, 0), -np.inf, np.float32), np.zeros((args.queries, 0), np.int64)) for b in widths}
    max_res = {b: 0.0 for b in widths}
    max_code = {b: 0.0 for b in widths}
    for start in range(0, args.rows, args.chunk):
        g = draw(min(args.chunk, args.rows - start))
        g /= np.linalg.norm(g, axis=1, keepdims=True)
        exact = q @ g.T
        j = exact.argmax(axis=1)
        v = exact[np.arange(args.queries), j]
        better = v > best
        best[better], best_row[better] = v[better], start + j[better]
        for b in widths:
            approx, res, cn = quantise(g, b)
            max_res[b], max_code[b] = max(max_res[b], res.max()), max(max_code[b], cn.max())
            s = q7 @ approx.T
            scores, rows = top[b]
            scores = np.concatenate([scores, s], axis=1)
            rows = np.concatenate([rows, np.broadcast_to(np.arange(start, start + len(g)), s.shape)], axis=1)
            idx = np.argpartition(-scores, keep - 1, axis=1)[:, :keep] if scores.shape[1] > keep else np.argsort(-scores, axis=1)
            top[b] = (np.take_along_axis(scores, idx, 1), np.take_along_axis(rows, idx, 1))
    print(f"{args.rows:,} rows x {dim}, {'Gaussian' if args.gaussian else 'uniform'} components, {args.queries} queries "
          f"with no mate; exact top-1 score: min {best.min():.3f}, median {np.median(best):.3f}")
    for b in widths:
        scores, rows = top[b]
        order = np.argsort(-scores, axis=1)
        scores, rows = np.take_along_axis(scores, order, 1), np.take_along_axis(rows, order, 1)
        bound = max_res[b] + q7res * max_code[b] + 1e-4
        print(f"{b}-bit codes ({dim * b // 8} bytes per row): max row residual {max_res[b]:.4f}, bound B median {np.median(bound):.4f}")
        for c in cands:
            t = scores[:, c - 1]
            margin = best - t - bound
            recall = np.mean([best_row[i] in rows[i, :c] for i in range(args.queries)])
            print(f"  C = {c:5d} candidates: threshold T median {np.median(t):.4f}; margin top1 - T - B min {margin.min():+.4f} "
                  f"median {np.median(margin):+.4f}; certified {int((margin >= 0).sum())}/{args.queries}; "
                  f"exact top-1 among the C best coarse scores {recall * 100:.0f} %")


if __name__ == "__main__":
    main()

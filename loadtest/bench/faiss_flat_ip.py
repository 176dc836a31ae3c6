#!/usr/bin/python3
"""Reference for the 1:N gallery: FAISS IndexFlatIP (exact inner product) on the vectors gallery-bench exported.

Reads DIR/gallery.f32 and DIR/queries.f32 (raw little-endian float32, 512 per row, as generated) and DIR/top1.tsv
(query, exact top-1 row, its score, quantised top-1 row, its score, from the gallery's own exact and int8 searches),
L2-normalises them as the gallery does, and reports:
  - the time to add the rows to an IndexFlatIP,
  - all queries in one search call (nq >= 20: FAISS computes them as one BLAS sgemm),
  - the queries one call each (FAISS's own SIMD scan), latency p50 / p99,
  - whether FAISS's top-1 is the gallery's top-1 for every query (a different row only on a float tie).
Prints one JSON object.

Usage (Debian's python3-faiss, its BLAS OpenBLAS; scripts/bench-gallery.sh sets this up):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 loadtest/bench/faiss_flat_ip.py DIR --threads 2
"""
import argparse
import json
import sys
import time

import faiss
import numpy as np

DIM = 512


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    faiss.omp_set_num_threads(a.threads)
    with open("/proc/self/maps") as f:
        maps = f.read()
    blas = "OpenBLAS" if "openblas" in maps else ("reference BLAS" if "libblas" in maps else "unknown")

    xb = np.fromfile(f"{a.dir}/gallery.f32", dtype=np.float32).reshape(-1, DIM)
    xq = np.fromfile(f"{a.dir}/queries.f32", dtype=np.float32).reshape(-1, DIM)
    faiss.normalize_L2(xb)
    faiss.normalize_L2(xq)
    t = time.perf_counter()
    index = faiss.IndexFlatIP(DIM)
    index.add(xb)
    add_s = time.perf_counter() - t
    del xb

    index.search(xq[:1], 10)  # warm
    batch = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        scores, rows = index.search(xq, 10)
        batch.append(time.perf_counter() - t)
    single = []
    for _ in range(a.repeat):
        for j in range(len(xq)):
            t = time.perf_counter()
            index.search(xq[j:j + 1], 10)
            single.append(time.perf_counter() - t)
    single.sort()

    same, ties, differ = 0, 0, []
    with open(f"{a.dir}/top1.tsv") as f:
        for line in f:
            j, exact_row, exact_score, quant_row, quant_score = line.rstrip("\n").split("\t")
            j = int(j)
            top = int(rows[j][0])
            if top == int(exact_row) and top == int(quant_row):
                same += 1
            elif abs(float(scores[j][0]) - float(scores[j][1])) < 1e-6 and int(exact_row) in (int(rows[j][0]), int(rows[j][1])):
                ties += 1
            else:
                differ.append({"query": j, "faiss": [top, float(scores[j][0])], "exact": [int(exact_row), float(exact_score)],
                               "quantised": [int(quant_row), float(quant_score)]})

    batch.sort()
    out = {
        "faiss": faiss.__version__, "blas": blas, "threads": a.threads, "rows": index.ntotal, "queries": len(xq),
        "add_s": round(add_s, 2),
        "batch_ms": round(batch[len(batch) // 2] * 1000, 1),
        "batch_queries_per_s": round(len(xq) / batch[len(batch) // 2], 1),
        "single_p50_ms": round(single[len(single) // 2] * 1000, 2),
        "single_p99_ms": round(single[min(len(single) - 1, int(len(single) * 0.99))] * 1000, 2),
        "single_queries_per_s": round(len(single) / sum(single), 1),
        "top1_same_as_gallery": same, "top1_float_ties": ties, "top1_differ": differ,
    }
    print(json.dumps(out))
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())

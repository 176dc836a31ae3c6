#!/usr/bin/python3
"""Exact 1:N reference search with faiss IndexFlatIP (inner product = cosine on normalised vectors).

usage: faiss_reference.py GALLERY.f32 QUERIES.f32 DIM K
Both files are raw little-endian float32, row-major. Prints one line per query:
    idx1<TAB>score1<TAB>idx2<TAB>score2 ...
Exits 3 with a clear message when faiss or numpy is missing (install Debian's python3-faiss; scripts/setup.sh does).
"""
import sys

try:
    import numpy as np
    import faiss
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"faiss reference unavailable: {e}; install Debian python3-faiss (scripts/setup.sh)\n")
    sys.exit(3)


def main() -> int:
    gallery_path, queries_path, dim, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    gallery = np.fromfile(gallery_path, dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(queries_path, dtype="<f4").reshape(-1, dim)
    faiss.normalize_L2(gallery)
    faiss.normalize_L2(queries)
    index = faiss.IndexFlatIP(dim)
    index.add(gallery)
    scores, ids = index.search(queries, k)
    out = []
    for row_ids, row_scores in zip(ids, scores):
        out.append("\t".join(f"{int(i)}\t{float(s):.7f}" for i, s in zip(row_ids, row_scores)))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

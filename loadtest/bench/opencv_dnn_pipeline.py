#!/usr/bin/python3
"""Reference timing of the face pipeline through OpenCV's DNN module (cv2.dnn.readNetFromONNX).

Same models, same images and the same preprocessing as core/Biometrics.Vision/Face (DESIGN.md section 4):
  detect    fr_detect   whole frame -> 320x240, RGB, (v-127)/128, CHW; threshold 0.7 + NMS 0.3
  landmarks fr_landmark crop of the clamped box, grey, 64x64, v/256
  align     5 points from the 68, least-squares similarity onto the 112x112 template, bilinear warp
  embed     fr_feature  aligned face, RGB, (v-127)/128, CHW; L2-normalise
Prints one JSON object: mean milliseconds per face for each stage (decode is per image), plus counts.

Usage: /usr/bin/python3 loadtest/bench/opencv_dnn_pipeline.py --models .deps/models --iterations 5 IMG...
Run with Debian's python (/usr/bin/python3), which has python3-opencv.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

REFERENCE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                      [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float64)


def detect(net, img, threshold=0.7, iou=0.3):
    h, w = img.shape[:2]
    blob = cv2.dnn.blobFromImage(img, 1.0 / 128, (320, 240), (127, 127, 127), swapRB=True)
    net.setInput(blob)
    scores, boxes = net.forward(["scores", "boxes"])
    scores = scores[0, :, 1]
    keep = scores >= threshold
    boxes = boxes[0][keep] * np.array([w, h, w, h], dtype=np.float32)
    scores = scores[keep]
    rects = [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes]
    idx = cv2.dnn.NMSBoxes(rects, scores.tolist(), threshold, iou) if rects else []
    result = [boxes[i] for i in np.array(idx).reshape(-1)]
    result.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return result


def landmarks(net, img, box):
    h, w = img.shape[:2]
    x1, y1 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x2, y2 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    crop = img[y1:y2, x1:x2]
    gray = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY), (64, 64))
    net.setInput(gray.astype(np.float32)[None, None] / 256.0)
    out = net.forward().reshape(68, 2)
    return out * np.array([x2 - x1, y2 - y1]) + np.array([x1, y1])


def five_points(l):
    return np.array([l[[37, 38, 40, 41]].mean(0), l[[43, 44, 46, 47]].mean(0), l[30],
                     (l[48] + l[60]) / 2, (l[54] + l[64]) / 2])


def similarity(src, dst):
    ms, md = src.mean(0), dst.mean(0)
    p, q = src - ms, dst - md
    norm = (p ** 2).sum()
    a = (p[:, 0] * q[:, 0] + p[:, 1] * q[:, 1]).sum() / norm
    b = (p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0]).sum() / norm
    return np.array([[a, -b, md[0] - (a * ms[0] - b * ms[1])], [b, a, md[1] - (b * ms[0] + a * ms[1])]])


def align(img, five):
    return cv2.warpAffine(img, similarity(five, REFERENCE), (112, 112), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def embed(net, face):
    net.setInput(cv2.dnn.blobFromImage(face, 1.0 / 128, (112, 112), (127, 127, 127), swapRB=True))
    v = net.forward().reshape(-1)
    return v / np.linalg.norm(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=".deps/models")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall = time.perf_counter; cpu = time.thread_time (CPU time of the calling thread, robust on a loaded machine)")
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    cv2.setNumThreads(args.threads)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    nets = {name: cv2.dnn.readNetFromONNX(os.path.join(args.models, f"fr_{name}.onnx"))
            for name in ("detect", "landmark", "feature")}
    totals = {"decode": 0.0, "detect": 0.0, "landmarks": 0.0, "align": 0.0, "embed": 0.0}
    images = faces = 0
    first = True
    for it in range(args.iterations + 1):  # first pass is warm-up, not counted
        for path in args.images:
            data = np.fromfile(path, dtype=np.uint8)
            t0 = clock()
            img = cv2.imdecode(data, cv2.IMREAD_COLOR)
            t1 = clock()
            boxes = detect(nets["detect"], img)
            t2 = clock()
            stage = {"landmarks": 0.0, "align": 0.0, "embed": 0.0}
            for box in boxes:
                a = clock()
                l = landmarks(nets["landmark"], img, box)
                b = clock()
                face = align(img, five_points(l))
                c = clock()
                embed(nets["feature"], face)
                d = clock()
                stage["landmarks"] += b - a
                stage["align"] += c - b
                stage["embed"] += d - c
            if not first:
                images += 1
                faces += len(boxes)
                totals["decode"] += t1 - t0
                totals["detect"] += t2 - t1
                for k, v in stage.items():
                    totals[k] += v
        first = False
    result = {
        "runtime": f"opencv-dnn {cv2.__version__}",
        "clock": args.clock,
        "images": images,
        "faces": faces,
        "ms_per_image": {k: 1000 * totals[k] / max(1, images) for k in ("decode", "detect")},
        "ms_per_face": {k: 1000 * totals[k] / max(1, faces) for k in ("landmarks", "align", "embed")},
    }
    result["ms_per_face"]["detect"] = 1000 * totals["detect"] / max(1, faces)
    result["ms_per_face"]["total"] = sum(result["ms_per_face"][k] for k in ("detect", "landmarks", "align", "embed"))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()

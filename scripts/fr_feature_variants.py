#!/usr/bin/python3
"""Derived copies of fr_feature.onnx, with the `onnx` package only (Debian's python3-onnx); docs/VISION.md, "Embedder
model copies".

  fr_feature_variants.py rewrite  FP32.onnx OUT.onnx            PRelu as Mul, Relu, Mul, Add (same function, float)
  fr_feature_variants.py quantize FP32.onnx RANGES.json OUT.onnx static int8 (QDQ) copy
  fr_feature_variants.py expose   FP32.onnx OUT.onnx            every activation tensor also an output (calibration)

scripts/setup.sh runs `rewrite` and `quantize`; both are deterministic, so setup checks their output by SHA-256.
`expose` feeds `Biometrics.Benchmarks.dll int8-calibrate`, which wrote the committed activation ranges
(scripts/fr_feature_int8_ranges.json).

PRelu: ONNX Runtime 1.32's PRelu kernel costs most of fr_feature's time (about 6 of 10 ms per face on the x86-64
development machine), and it cuts the NCHWc layout of the convolutions. `rewrite` writes PRelu(x) = slope*x +
(1-slope)*Relu(x), which is the same function (x >= 0: slope*x + (1-slope)*x = x; x < 0: slope*x).

int8 scheme (`quantize`):
  - PRelu(x) = x + (slope-1)*Min(x, 0) (Min, Mul, Add; the same function), left in float;
  - activations: uint8, per tensor, affine over [min(lo, 0), max(hi, 0)] of the calibration run; only the tensors
    in the ranges file (the model's input and the outputs of its Conv, PRelu and Add nodes) are quantized;
  - Conv weights: int8, symmetric (zero point 0), one scale per output channel (axis 0), in [-127, 127], the scale at
    least 1e-8 (the model has pruned channels whose weights are 1e-20 and below);
  - Conv biases: int32 at scale input_scale * weight_scale[c] (zero point 0);
  - QuantizeLinear -> DequantizeLinear after every quantized tensor (the QDQ format): ONNX Runtime fuses
    DQ -> Conv -> Q into QLinearConv and DQ, DQ -> Add -> Q into QLinearAdd;
  - the last Conv (the 512-value embedding) keeps a float output: DQ -> Conv -> Reshape.
QuantizeLinear: y = saturate(round_half_even(x / scale) + zero_point); DequantizeLinear: x = (y - zero_point) * scale
(ONNX operator specification; per-axis scales need opset 13, and the model's opset-9 ops are unchanged up to 13).
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def expose(src, dst):
    model = onnx.shape_inference.infer_shapes(onnx.load(src))
    graph = model.graph
    known = {o.name for o in graph.output}
    infos = {v.name: v for v in graph.value_info}
    for node in graph.node:
        for name in node.output:
            if name not in known:
                graph.output.append(infos[name])
                known.add(name)
    onnx.save(model, dst)


def replace_prelu(model, expand):
    """Replaces every PRelu(x, slope) by the nodes expand(x, slope, y, constant) returns; constant(name, f) adds
    (once) the initializer f(slope) under slope + name."""
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}

    def constant(suffix, values):
        def make(slope):
            name = slope + suffix
            if name not in inits:
                a = numpy_helper.to_array(inits[slope]).astype(np.float32)
                inits[name] = numpy_helper.from_array(values(a).astype(np.float32), name)
                graph.initializer.append(inits[name])
            return name
        return make

    nodes = []
    for node in graph.node:
        if node.op_type == "PRelu":
            nodes += expand(node.input[0], node.input[1], node.output[0], constant)
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)


def prelu_as_relu(x, slope, y, constant):
    one_minus = constant("_one_minus", lambda a: np.float32(1) - a)(slope)
    return [helper.make_node("Mul", [x, slope], [y + "_linear"], name=y + "_Mul_linear"),
            helper.make_node("Relu", [x], [y + "_relu"], name=y + "_Relu"),
            helper.make_node("Mul", [y + "_relu", one_minus], [y + "_positive"], name=y + "_Mul_positive"),
            helper.make_node("Add", [y + "_linear", y + "_positive"], [y], name=y + "_Add")]


def prelu_as_min(x, slope, y, constant):
    minus_one = constant("_minus_one", lambda a: a - np.float32(1))(slope)
    zero = constant("_zero", lambda a: np.zeros((), dtype=np.float32))(slope)
    return [helper.make_node("Min", [x, zero], [y + "_negative"], name=y + "_Min"),
            helper.make_node("Mul", [y + "_negative", minus_one], [y + "_scaled"], name=y + "_Mul"),
            helper.make_node("Add", [x, y + "_scaled"], [y], name=y + "_Add")]


def rewrite(src, dst):
    model = onnx.load(src)
    replace_prelu(model, prelu_as_relu)
    model.producer_name = "biometrics scripts/fr_feature_variants.py rewrite"
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def activation_params(lo, hi):
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    if scale == 0:
        scale = np.float32(1.0)
    zero = int(np.clip(np.round(-lo / np.float64(scale)), 0, 255))
    return scale, np.uint8(zero)


def quantize(src, ranges_path, dst):
    model = onnx.load(src)
    with open(ranges_path, encoding="utf-8") as f:
        ranges = json.load(f)["tensors"]
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    final_output = graph.output[0].name
    producers = {o: n for n in graph.node for o in n.output}
    # The embedding Conv is the node whose output reaches the graph output through the Reshape.
    float_outputs = {producers[final_output].input[0], final_output}
    replace_prelu(model, prelu_as_min)

    new_inits = []
    act = {}  # tensor -> scale of its Q/DQ pair

    def add_init(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(tensor):
        scale, zero = activation_params(*ranges[tensor])
        act[tensor] = scale
        s = add_init(tensor + "_scale", np.array(scale, dtype=np.float32))
        z = add_init(tensor + "_zero_point", np.array(zero, dtype=np.uint8))
        return [helper.make_node("QuantizeLinear", [tensor, s, z], [tensor + "_quantized"], name=tensor + "_Q"),
                helper.make_node("DequantizeLinear", [tensor + "_quantized", s, z], [tensor + "_dequantized"], name=tensor + "_DQ")]

    def dq_initializer(name, values, scale, zero):
        s = add_init(name + "_scale", scale)
        add_init(name + "_quantized", values)
        add_init(name + "_zero_point", zero)
        return helper.make_node("DequantizeLinear", [name + "_quantized", s, name + "_zero_point"], [name + "_dequantized"], name=name + "_DQ", axis=0)

    nodes = qdq(graph.input[0].name)
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in act:
                node.input[i] = name + "_dequantized"
        if node.op_type == "Conv":
            x_scale = act[node.input[0][: -len("_dequantized")]]
            w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
            channels = w.shape[0]
            w_scale = np.maximum(np.abs(w).reshape(channels, -1).max(axis=1) / np.float32(127), np.float32(1e-8)).astype(np.float32)
            wq = np.clip(np.round(w / w_scale.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
            nodes.append(dq_initializer(node.input[1], wq, w_scale, np.zeros(channels, dtype=np.int8)))
            node.input[1] += "_dequantized"
            if len(node.input) > 2:
                b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
                b_scale = (np.float32(x_scale) * w_scale).astype(np.float32)
                bq = np.clip(np.round(b / b_scale.astype(np.float64)), -2**31, 2**31 - 1).astype(np.int32)
                nodes.append(dq_initializer(node.input[2], bq, b_scale, np.zeros(channels, dtype=np.int32)))
                node.input[2] += "_dequantized"
        nodes.append(node)
        for out in node.output:
            if out not in float_outputs and out in ranges:
                nodes.extend(qdq(out))

    # Keep the initializers still read (PRelu constants, the Reshape shape, the quantized weights).
    used = {i for n in nodes for i in n.input}
    kept = [i for i in graph.initializer if i.name in used] + [i for i in new_inits if i.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.value_info[:]
    for op in model.opset_import:
        if op.domain in ("", "ai.onnx"):
            op.version = 13
    model.producer_name = "biometrics scripts/fr_feature_variants.py quantize"
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def main(argv):
    if len(argv) == 3 and argv[0] == "expose":
        expose(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "rewrite":
        rewrite(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "quantize":
        quantize(argv[1], argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

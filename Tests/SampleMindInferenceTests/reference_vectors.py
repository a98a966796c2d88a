"""Reference vectors for SampleMindInferenceTests, from fixed seeds: random weights and inputs,
the outputs of training/reference.py (numpy, float64), and model files written by
training/export.py, including damaged ones. Run by the tests with /usr/bin/python3:

    reference_vectors.py CASE DIRECTORY

writes DIRECTORY/CASE.json (and, for `model` and `corrupt`, model files) and prints nothing.
"""

import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "training"))
import export  # noqa: E402
import reference  # noqa: E402

rng = np.random.default_rng(20240611)


def uniform(shape, bound):
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def floats(array):
    return np.asarray(array, dtype=np.float64).ravel().tolist()


def case(layer, inputs, expected, tensors, sizes, parameter=0.0):
    return {"activation": layer.activation, "sizes": sizes, "parameter": parameter,
            "tensors": {name: floats(value) for name, value in tensors.items()},
            "inputs": [floats(x) for x in inputs], "expected": [floats(y) for y in expected]}


def dense_layer(in_size, out_size, activation):
    bound = 1 / np.sqrt(in_size)
    return export.Dense(uniform((out_size, in_size), 2 * bound), uniform(out_size, bound), activation)


def gru_layer(in_size, hidden):
    bound = 1 / np.sqrt(hidden)
    return export.GRU(uniform((3 * hidden, in_size), 2 * bound), uniform((3 * hidden, hidden), 2 * bound),
                      uniform(3 * hidden, bound), uniform(3 * hidden, bound))


def conv_layer(in_channels, out_channels, kernel_size, dilation, activation):
    bound = 1 / np.sqrt(in_channels * kernel_size)
    return export.CausalConv1D(uniform((out_channels, in_channels, kernel_size), 2 * bound),
                               uniform(out_channels, bound), dilation, activation)


def activations():
    x = np.concatenate([uniform(33, 6), np.float32([-100, -20, 0, 20, 100])])
    return {"cases": [{"activation": name, "input": floats(x), "expected": floats(reference.activate(x.astype(np.float64), name))}
                      for name in export.ACTIVATIONS]}


def dense():
    cases = []
    # 29 inputs: one SIMD16 step, one SIMD8 step and a scalar tail of 5.
    for name in export.ACTIVATIONS:
        layer = dense_layer(29, 21, name)
        inputs = uniform((4, 29), 1)
        cases.append(case(layer, inputs, reference.dense(layer, inputs), {"weight": layer.weight, "bias": layer.bias},
                          {"input": 29, "output": 21}))
    return {"cases": cases}


def gru():
    layer = gru_layer(29, 24)
    inputs = uniform((50, 29), 1)
    tensors = {"weight_ih": layer.weight_ih, "weight_hh": layer.weight_hh, "bias_ih": layer.bias_ih, "bias_hh": layer.bias_hh}
    return {"cases": [case(layer, inputs, reference.gru(layer, inputs), tensors, {"input": 29, "hidden": 24})]}


def causal_conv1d():
    cases = []
    for kernel_size, dilation in [(3, 2), (1, 1), (4, 5)]:
        layer = conv_layer(5, 7, kernel_size, dilation, "elu")
        inputs = uniform((40, 5), 1)
        cases.append(case(layer, inputs, reference.causal_conv1d(layer, inputs), {"weight": layer.weight, "bias": layer.bias},
                          {"input": 5, "output": 7, "kernel": kernel_size, "dilation": dilation}))
    return {"cases": cases}


def batch_norm():
    size = 19
    gamma, beta, mean = uniform(size, 2), uniform(size, 1), uniform(size, 1)
    var = rng.uniform(0.1, 3, size).astype(np.float32)
    layer = export.BatchNorm.folded(gamma, beta, mean, var, eps=1e-5, activation="relu")
    inputs = uniform((6, size), 3)
    statistics = tuple(np.float64(v) for v in (gamma, beta, mean, var, 1e-5))
    expected = reference.batch_norm(layer, inputs.astype(np.float64), statistics)
    return {"cases": [case(layer, inputs, expected, {"scale": layer.scale, "shift": layer.shift}, {"size": size})]}


def layer_norm():
    size = 37
    layer = export.LayerNorm(uniform(size, 2), uniform(size, 1), eps=1e-3, activation="tanh")
    inputs = uniform((6, size), 3) + np.float32(5)
    expected = reference.layer_norm(layer, inputs.astype(np.float64))
    return {"cases": [case(layer, inputs, expected, {"gamma": layer.gamma, "beta": layer.beta}, {"size": size}, layer.eps)]}


def model_layers():
    """Every kind of layer, in the order a beat network might use them."""
    return [conv_layer(24, 32, 3, 1, "elu"),
            export.BatchNorm.folded(uniform(32, 2), uniform(32, 1), uniform(32, 1), rng.uniform(0.1, 3, 32), 1e-5, "relu"),
            conv_layer(32, 32, 3, 2, "elu"),
            gru_layer(32, 40),
            export.LayerNorm(uniform(40, 2), uniform(40, 1)),
            dense_layer(40, 20, "tanh"),
            dense_layer(20, 5, "softmax")]


def model(directory):
    layers = model_layers()
    path = os.path.join(directory, "model.smnn")
    export.write(path, layers)
    inputs = uniform((80, 24), 1)
    with open(path, "rb") as file:
        sha256 = hashlib.sha256(file.read()[:-32]).hexdigest()
    return {"file": path, "sha256": sha256, "inputs": [floats(x) for x in inputs],
            "expected": [floats(y) for y in reference.run(layers, inputs)]}


def corrupt(directory):
    """Damaged files, each wrong in one way; a valid one beside them."""
    layers = [dense_layer(4, 3, "relu"), gru_layer(3, 5), dense_layer(5, 2, "sigmoid")]
    valid = export.encode(layers)
    records = [export.record(export.KINDS[layer.kind], export.ACTIVATIONS[layer.activation], layer.sizes()) for layer in layers]
    tensors = [t for layer in layers for t in layer.tensors()]
    dense_kind, relu = export.KINDS["dense"], export.ACTIVATIONS["relu"]
    small = [uniform((3, 4), 1), uniform(3, 1)]

    def with_record(n, replacement):
        return export.pack(records[:n] + [replacement] + records[n + 1:], tensors)

    nan_tensors = [t.copy() for t in tensors]
    nan_tensors[2][7, 1] = np.nan
    inf_tensors = [t.copy() for t in tensors]
    inf_tensors[5][0] = np.inf
    flipped = bytearray(valid)
    flipped[len(valid) // 2] ^= 0x10
    files = {
        "valid.smnn": valid,
        "empty.smnn": b"",
        "truncated.smnn": valid[:-40],
        "short-magic.smnn": valid[:5],
        "bad-magic.smnn": b"PK\x03\x04" + valid[4:],
        "version-2.smnn": export.pack(records, tensors, version=2),
        "checksum.smnn": bytes(flipped),
        "trailing.smnn": valid + bytes(8),
        "chain.smnn": export.pack([export.record(dense_kind, relu, [4, 3]), export.record(dense_kind, relu, [5, 2])],
                                  small + [uniform((2, 5), 1), uniform(2, 1)]),
        "absurd-width.smnn": export.pack([export.record(dense_kind, relu, [4, 100000])], small),
        "zero-width.smnn": export.pack([export.record(dense_kind, relu, [0, 3])], small),
        "absurd-kernel.smnn": export.pack([export.record(export.KINDS["causal_conv1d"], relu, [4, 3, 1000, 1])], small),
        "too-many-parameters.smnn": export.pack([export.record(dense_kind, relu, [4096, 4096])], small),
        "nan.smnn": export.pack(records, nan_tensors),
        "inf.smnn": export.pack(records, inf_tensors),
        "unknown-kind.smnn": with_record(0, export.record(9, relu, [4, 3])),
        "unknown-activation.smnn": with_record(0, export.record(dense_kind, 9, [4, 3])),
        "gru-activation.smnn": with_record(1, export.record(export.KINDS["gru"], relu, [3, 5])),
        "unused-field.smnn": with_record(0, export.record(dense_kind, relu, [4, 3, 7])),
        "no-layers.smnn": export.pack([], []),
        "short-body.smnn": export.pack(records, tensors[:-1] + [tensors[-1][:-1]]),
        "name\nwith\x1b[31mcontrol.smnn": valid[:-1],
    }
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as file:
            file.write(data)
    with open(os.path.join(directory, "huge.smnn"), "wb") as file:
        file.truncate(40 << 20)
    return {"files": sorted(files) + ["huge.smnn"]}


def main():
    name, directory = sys.argv[1], sys.argv[2]
    makers = {"activations": activations, "dense": dense, "gru": gru, "causal_conv1d": causal_conv1d,
              "batch_norm": batch_norm, "layer_norm": layer_norm,
              "model": lambda: model(directory), "corrupt": lambda: corrupt(directory)}
    with open(os.path.join(directory, f"{name}.json"), "w") as file:
        json.dump(makers[name](), file)


if __name__ == "__main__":
    main()

"""Writes SampleMind model files (docs/model-format.md) from numpy arrays.

numpy only: tensors are numpy arrays, or PyTorch tensors turned into arrays without importing
PyTorch here, so neither this module nor the tests that use it need PyTorch. Every layer takes its tensors in PyTorch's
own layout and gate order, and `write` refuses anything the Swift loader would refuse.

    import export
    layers = [export.CausalConv1D(conv.weight, conv.bias, dilation=2, activation="elu"),
              export.GRU(gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0),
              export.Dense(head.weight, head.bias, activation="sigmoid")]
    export.write("beats.smnn", layers)
"""

import hashlib
import struct

import numpy as np

MAGIC = b"\x89SMNN\r\n\x1a"
VERSION = 1
ACTIVATIONS = {"identity": 0, "relu": 1, "tanh": 2, "sigmoid": 3, "elu": 4, "softmax": 5}
KINDS = {"dense": 1, "gru": 2, "causal_conv1d": 3, "batch_norm": 4, "layer_norm": 5}
# The Swift loader's bounds (LayerLimits, ModelFileReader).
MAXIMUM_WIDTH = 4096
MAXIMUM_KERNEL_SIZE = 64
MAXIMUM_DILATION = 1024
MAXIMUM_PARAMETERS = 1 << 23
MAXIMUM_HISTORY_VALUES = 1 << 22
MAXIMUM_LAYERS = 64


def _tensor(values, shape, name):
    if hasattr(values, "detach"):  # a PyTorch tensor, perhaps with gradients or on a GPU
        values = values.detach().cpu().numpy()
    array = np.asarray(values, dtype=np.float32)
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return array


def _width(value, name):
    if not 1 <= value <= MAXIMUM_WIDTH:
        raise ValueError(f"{name} must be 1…{MAXIMUM_WIDTH}, got {value}")
    return value


class Dense:
    """torch.nn.Linear (weight: out × in) followed by an activation."""

    kind = "dense"

    def __init__(self, weight, bias, activation="identity"):
        out_size, in_size = np.shape(weight)
        self.input_size, self.output_size = _width(in_size, "dense input size"), _width(out_size, "dense output size")
        self.weight = _tensor(weight, (out_size, in_size), "dense weight")
        self.bias = _tensor(bias, (out_size,), "dense bias")
        self.activation = activation

    def sizes(self):
        return [self.input_size, self.output_size]

    def tensors(self):
        return [self.weight, self.bias]


class GRU:
    """One layer of a unidirectional torch.nn.GRU: weight_ih_l0 (3·hidden × in), weight_hh_l0
    (3·hidden × hidden), bias_ih_l0 and bias_hh_l0 (3·hidden), gates in PyTorch's order r, z, n."""

    kind = "gru"
    activation = "identity"

    def __init__(self, weight_ih, weight_hh, bias_ih, bias_hh):
        gates, in_size = np.shape(weight_ih)
        if gates % 3:
            raise ValueError(f"GRU weight_ih has {gates} rows, not 3 × hidden size")
        hidden = gates // 3
        self.input_size, self.output_size = _width(in_size, "GRU input size"), _width(hidden, "GRU hidden size")
        self.weight_ih = _tensor(weight_ih, (gates, in_size), "GRU weight_ih")
        self.weight_hh = _tensor(weight_hh, (gates, hidden), "GRU weight_hh")
        self.bias_ih = _tensor(bias_ih, (gates,), "GRU bias_ih")
        self.bias_hh = _tensor(bias_hh, (gates,), "GRU bias_hh")

    def sizes(self):
        return [self.input_size, self.output_size]

    def tensors(self):
        return [self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh]


class CausalConv1D:
    """torch.nn.Conv1d (weight: out × in × k) with `dilation`, padded (k − 1)·dilation frames on
    the left only, followed by an activation."""

    kind = "causal_conv1d"

    def __init__(self, weight, bias, dilation=1, activation="identity"):
        out_channels, in_channels, kernel_size = np.shape(weight)
        self.input_size = _width(in_channels, "causal conv1d input channels")
        self.output_size = _width(out_channels, "causal conv1d output channels")
        if not 1 <= kernel_size <= MAXIMUM_KERNEL_SIZE:
            raise ValueError(f"causal conv1d kernel size must be 1…{MAXIMUM_KERNEL_SIZE}, got {kernel_size}")
        if not 1 <= dilation <= MAXIMUM_DILATION:
            raise ValueError(f"causal conv1d dilation must be 1…{MAXIMUM_DILATION}, got {dilation}")
        if ((kernel_size - 1) * dilation + 1) * in_channels > MAXIMUM_HISTORY_VALUES:
            raise ValueError("causal conv1d history ((kernel size − 1) · dilation + 1 frames × input channels) is too long")
        self.kernel_size, self.dilation = kernel_size, dilation
        self.weight = _tensor(weight, (out_channels, in_channels, kernel_size), "causal conv1d weight")
        self.bias = _tensor(bias, (out_channels,), "causal conv1d bias")
        self.activation = activation

    def sizes(self):
        return [self.input_size, self.output_size, self.kernel_size, self.dilation]

    def tensors(self):
        return [self.weight, self.bias]


class BatchNorm:
    """Batch normalisation folded for inference: y = x · scale + shift per feature."""

    kind = "batch_norm"

    def __init__(self, scale, shift, activation="identity"):
        size = np.shape(scale)[0]
        self.input_size = self.output_size = _width(size, "batch norm size")
        self.scale = _tensor(scale, (size,), "batch norm scale")
        self.shift = _tensor(shift, (size,), "batch norm shift")
        self.activation = activation

    @classmethod
    def folded(cls, gamma, beta, running_mean, running_var, eps=1e-5, activation="identity"):
        """From torch.nn.BatchNorm1d's weight, bias, running_mean, running_var and eps."""
        scale = np.asarray(gamma, np.float64) / np.sqrt(np.asarray(running_var, np.float64) + eps)
        shift = np.asarray(beta, np.float64) - np.asarray(running_mean, np.float64) * scale
        return cls(scale, shift, activation)

    def sizes(self):
        return [self.input_size]

    def tensors(self):
        return [self.scale, self.shift]


class LayerNorm:
    """torch.nn.LayerNorm over the last dimension (weight γ, bias β, eps)."""

    kind = "layer_norm"

    def __init__(self, gamma, beta, eps=1e-5, activation="identity"):
        size = np.shape(gamma)[0]
        self.input_size = self.output_size = _width(size, "layer norm size")
        if not 0 < eps < 1:
            raise ValueError(f"layer norm eps must be above 0 and below 1, got {eps}")
        self.gamma = _tensor(gamma, (size,), "layer norm gamma")
        self.beta = _tensor(beta, (size,), "layer norm beta")
        self.eps = float(np.float32(eps))
        self.activation = activation

    def sizes(self):
        return [self.input_size]

    def tensors(self):
        return [self.gamma, self.beta]


def record(kind, activation, sizes, parameter=0.0):
    """One 24-byte layer record: kind, activation, a reserved zero, four sizes, one Float32."""
    padded = list(sizes) + [0] * (4 - len(sizes))
    return struct.pack("<BBH4If", kind, activation, 0, *padded, parameter)


def pack(records, tensors, version=VERSION):
    """The file's bytes from raw records and tensors, unchecked: `encode` checks, tests use this
    directly to build damaged files."""
    body = struct.pack("<I", len(records)) + b"".join(records)
    body += b"".join(np.ascontiguousarray(t, dtype="<f4").tobytes() for t in tensors)
    head = MAGIC + struct.pack("<II", version, len(body)) + body
    return head + hashlib.sha256(head).digest()


def encode(layers):
    """The model file's bytes for `layers`, in order; raises ValueError on anything the Swift
    loader would refuse."""
    if not 1 <= len(layers) <= MAXIMUM_LAYERS:
        raise ValueError(f"a model has 1…{MAXIMUM_LAYERS} layers, got {len(layers)}")
    for n, (layer, following) in enumerate(zip(layers, layers[1:]), start=1):
        if layer.output_size != following.input_size:
            raise ValueError(f"layer {n} outputs {layer.output_size} values but layer {n + 1} takes {following.input_size}")
    tensors = [t for layer in layers for t in layer.tensors()]
    if sum(t.size for t in tensors) > MAXIMUM_PARAMETERS:
        raise ValueError(f"the model has more than {MAXIMUM_PARAMETERS} parameters")
    if any(layer.activation not in ACTIVATIONS for layer in layers):
        raise ValueError(f"activations are {', '.join(ACTIVATIONS)}")
    records = [record(KINDS[layer.kind], ACTIVATIONS[layer.activation], layer.sizes(), getattr(layer, "eps", 0.0))
               for layer in layers]
    return pack(records, tensors)


def write(path, layers):
    """Writes `layers` as a model file at `path`."""
    data = encode(layers)
    with open(path, "wb") as file:
        file.write(data)

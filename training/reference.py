"""A numpy forward pass for the layers of export.py, in float64, written from PyTorch's
documented equations independently of the Swift code; the Swift tests compare against it, and
training code can compare it with PyTorch before exporting."""

import numpy as np


def activate(x, name):
    if name == "identity":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))
    if name == "softmax":
        e = np.exp(x - np.max(x))
        return e / np.sum(e)
    raise ValueError(name)


def _f64(array):
    return np.asarray(array, dtype=np.float64)


def dense(layer, frames):
    return np.stack([activate(_f64(layer.weight) @ x + _f64(layer.bias), layer.activation) for x in frames])


def gru(layer, frames):
    """torch.nn.GRU: r, z, n gates, with b_hn inside the reset product; h starts at zero."""
    w_ih, w_hh, b_ih, b_hh = map(_f64, (layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh))
    hidden = layer.output_size
    h = np.zeros(hidden)
    outputs = []
    for x in frames:
        gi, gh = w_ih @ x + b_ih, w_hh @ h + b_hh
        r = activate(gi[:hidden] + gh[:hidden], "sigmoid")
        z = activate(gi[hidden:2 * hidden] + gh[hidden:2 * hidden], "sigmoid")
        n = np.tanh(gi[2 * hidden:] + r * gh[2 * hidden:])
        h = (1 - z) * n + z * h
        outputs.append(h)
    return np.stack(outputs)


def causal_conv1d(layer, frames):
    """torch.nn.Conv1d over the whole sequence after (k − 1)·d zero frames on the left."""
    weight, bias = _f64(layer.weight), _f64(layer.bias)
    k, d = layer.kernel_size, layer.dilation
    padded = np.concatenate([np.zeros(((k - 1) * d, frames.shape[1])), frames])
    outputs = []
    for t in range(len(frames)):
        y = bias + sum(weight[:, :, i] @ padded[t + i * d] for i in range(k))
        outputs.append(activate(y, layer.activation))
    return np.stack(outputs)


def batch_norm(layer, frames, statistics=None):
    """With `statistics` (gamma, beta, mean, var, eps) the unfolded formula of torch.nn.BatchNorm1d."""
    if statistics is None:
        y = frames * _f64(layer.scale) + _f64(layer.shift)
    else:
        gamma, beta, mean, var, eps = statistics
        y = (frames - mean) / np.sqrt(var + eps) * gamma + beta
    return np.stack([activate(row, layer.activation) for row in y])


def layer_norm(layer, frames):
    mean = frames.mean(axis=1, keepdims=True)
    var = ((frames - mean) ** 2).mean(axis=1, keepdims=True)
    y = (frames - mean) / np.sqrt(var + layer.eps) * _f64(layer.gamma) + _f64(layer.beta)
    return np.stack([activate(row, layer.activation) for row in y])


FORWARD = {"dense": dense, "gru": gru, "causal_conv1d": causal_conv1d, "batch_norm": batch_norm, "layer_norm": layer_norm}


def run(layers, frames):
    """Every layer over the whole sequence of `frames` (time × features), in order."""
    values = _f64(frames)
    for layer in layers:
        values = FORWARD[layer.kind](layer, values)
    return values

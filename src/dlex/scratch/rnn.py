"""Recurrent layers (SimpleRNN with BPTT, LSTM, GRU, bidirectional) in NumPy (Lab 7).

Shapes: inputs ``x (N, T, D)``; weights exactly as the Keras layer's ``get_weights()``
returns them: ``kernel (D, units·gates)``, ``recurrent_kernel (units, units·gates)``
and ``bias (units·gates,)`` (GRU with ``reset_after=True``: ``(2, 3·units)``, input and
recurrent bias). Gates are concatenated in Keras's order: LSTM ``i, f, c, o``; GRU
``z, r, h``. Activations are Keras's defaults: ``tanh`` and ``sigmoid`` gates.

Every ``*_forward`` returns ``(hidden_states, final_state)`` with ``hidden_states
(N, T, units)``; ``final_state`` is ``h_T (N, units)``, or the pair ``(h_T, c_T)`` for
the LSTM (what ``return_state=True`` gives in Keras). Loops run over time steps only;
the input projection of all steps is one matrix product. ``initial_state`` (optional)
is ``h_0``, or ``(h_0, c_0)`` for the LSTM; zeros otherwise.

Notation as in Lab 7's equations: ``U`` is the input kernel (Keras's ``kernel``), ``W``
the recurrent one (``recurrent_kernel``).

- SimpleRNN: ``h_t = tanh(x_t U + h_{t-1} W + b)``. ``simple_rnn_backward(d_hidden, x,
  hidden, kernel, recurrent_kernel)`` takes the loss gradient for every hidden state
  ``(N, T, units)`` (zeros where a step's output is unused), the states the forward pass
  returned, and optionally ``d_final``, an extra gradient on ``h_T``.
- LSTM: ``z = x_t U + h W + b`` split into ``i, f, c̃, o``;
  ``c = σ(f) c + σ(i) tanh(c̃)``, ``h = σ(o) tanh(c)``.
- GRU: ``z, r = σ(...)``; candidate ``h̃ = tanh(x U_h + r ⊙ (h W_h + b′_h) + b_h)`` with
  ``reset_after=True`` (Keras's default), ``tanh(x U_h + (r ⊙ h) W_h + b_h)`` otherwise;
  ``h = z h_prev + (1 - z) h̃``.
- Bidirectional: ``bidirectional_forward(x, forward_weights, backward_weights,
  cell="lstm", merge_mode="concat", **cell_kwargs)``; each weight set is
  ``[kernel, recurrent_kernel, bias]`` (a Keras ``Bidirectional`` layer's
  ``get_weights()`` is the two sets one after the other), ``cell`` is ``"simple_rnn"``,
  ``"lstm"`` or ``"gru"``, ``cell_kwargs`` go to the cell (e.g. ``reset_after``). The
  backward states are flipped back to input order before merging, so step ``t`` sees
  the whole sequence; ``hs`` is ``(N, T, 2·units)`` for ``"concat"``.
"""

import numpy as np

from dlex.scratch.activations import sigmoid

__all__ = [
    "simple_rnn_forward",
    "simple_rnn_backward",
    "lstm_forward",
    "gru_forward",
    "bidirectional_forward",
]


def simple_rnn_forward(x, kernel, recurrent_kernel, bias=None, initial_state=None):
    """Elman RNN ``h_t = tanh(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``; returns ``(hs, h_T)``."""
    x, units = _check(x, kernel, recurrent_kernel, bias, gates=1)
    projected = _project(x, kernel, bias)
    h = _initial(initial_state, x, units)
    hs = np.empty(projected.shape, dtype=projected.dtype)
    for t in range(x.shape[1]):
        h = np.tanh(projected[:, t] + h @ recurrent_kernel)
        hs[:, t] = h
    return hs, h


def simple_rnn_backward(d_hidden, x, hidden, kernel, recurrent_kernel, initial_state=None, d_final=None):
    """Backpropagation through time for ``simple_rnn_forward``: ``(dx, dkernel, drecurrent, dbias)``."""
    x, units = _check(x, kernel, recurrent_kernel, None, gates=1)
    n, steps, _ = x.shape
    for name, value in (("d_hidden", d_hidden), ("hidden", hidden)):
        if np.shape(value) != (n, steps, units):
            raise ValueError(
                f"{name} must have shape (N, T, units) = {(n, steps, units)}, got {np.shape(value)}"
            )
    h_prev = np.concatenate([_initial(initial_state, x, hidden.shape[2])[:, None], hidden[:, :-1]], axis=1)
    d_pre = np.empty_like(hidden)  # gradient before the tanh, per step
    carry = np.zeros_like(hidden[:, 0]) if d_final is None else np.array(d_final, dtype=hidden.dtype)
    for t in reversed(range(steps)):
        dh = d_hidden[:, t] + carry
        d_pre[:, t] = dh * (1.0 - hidden[:, t] ** 2)
        carry = d_pre[:, t] @ recurrent_kernel.T
    flat_pre = d_pre.reshape(n * steps, -1)
    dx = d_pre @ kernel.T
    dkernel = x.reshape(n * steps, -1).T @ flat_pre
    drecurrent = h_prev.reshape(n * steps, -1).T @ flat_pre
    return dx, dkernel, drecurrent, flat_pre.sum(axis=0)


def lstm_forward(x, kernel, recurrent_kernel, bias=None, initial_state=None):
    """Long short-term memory (Keras ``LSTM``); returns ``(hs, (h_T, c_T))``."""
    x, units = _check(x, kernel, recurrent_kernel, bias, gates=4)
    h0, c0 = (None, None) if initial_state is None else initial_state
    h, c = _initial(h0, x, units), _initial(c0, x, units)
    # All four gates in one tanh: sigmoid(z) = tanh(z / 2) / 2 + 1 / 2 for i, f and o,
    # and plain tanh(z) for the candidate c̃ (scale 1, shift 0). The scale is folded into
    # the weights once, so each step is one matmul, one tanh and a few products.
    dtype = np.result_type(x, kernel, recurrent_kernel, np.float32)
    scale = np.full(4 * units, 0.5, dtype=dtype)
    scale[2 * units : 3 * units] = 1.0
    shift = np.where(scale == 0.5, 0.5, 0.0).astype(dtype)
    projected = _project(x, kernel, bias) * scale
    recurrent = recurrent_kernel * scale
    i, f, candidate, o = (slice(k * units, (k + 1) * units) for k in range(4))
    hs = np.empty((*x.shape[:2], units), dtype=projected.dtype)
    for t in range(x.shape[1]):
        gates = np.tanh(projected[:, t] + h @ recurrent)
        gates *= scale
        gates += shift
        c = gates[:, f] * c + gates[:, i] * gates[:, candidate]
        h = gates[:, o] * np.tanh(c)
        hs[:, t] = h
    return hs, (h, c)


def gru_forward(x, kernel, recurrent_kernel, bias=None, reset_after=True, initial_state=None):
    """Gated recurrent unit (Keras ``GRU``, ``reset_after=True`` by default); returns ``(hs, h_T)``."""
    x, units = _check(x, kernel, recurrent_kernel, None, gates=3)
    input_bias, recurrent_bias = _gru_biases(bias, units, reset_after)
    projected = _project(x, kernel, input_bias)
    h = _initial(initial_state, x, units)
    hs = np.empty((*x.shape[:2], units), dtype=projected.dtype)
    for t in range(x.shape[1]):
        xz, xr, xh = np.split(projected[:, t], 3, axis=1)
        if reset_after:
            inner = h @ recurrent_kernel
            if recurrent_bias is not None:
                inner += recurrent_bias
            z = sigmoid(xz + inner[:, :units])
            r = sigmoid(xr + inner[:, units : 2 * units])
            candidate = np.tanh(xh + r * inner[:, 2 * units :])
        else:
            inner = h @ recurrent_kernel[:, : 2 * units]
            z = sigmoid(xz + inner[:, :units])
            r = sigmoid(xr + inner[:, units:])
            candidate = np.tanh(xh + (r * h) @ recurrent_kernel[:, 2 * units :])
        h = z * h + (1.0 - z) * candidate
        hs[:, t] = h
    return hs, h


_CELLS = {"simple_rnn": simple_rnn_forward, "lstm": lstm_forward, "gru": gru_forward}
_MERGES = {
    "concat": lambda a, b: np.concatenate([a, b], axis=-1),
    "sum": lambda a, b: a + b,
    "ave": lambda a, b: (a + b) / 2.0,
    "mul": lambda a, b: a * b,
}


def bidirectional_forward(
    x, forward_weights, backward_weights, cell="lstm", merge_mode="concat", **cell_kwargs
):
    """Keras ``Bidirectional``: one cell reads forwards, one backwards; ``(hs, (final_fwd, final_bwd))``."""
    if cell not in _CELLS:
        raise ValueError(f"cell must be one of {sorted(_CELLS)}, got {cell!r}")
    if merge_mode not in _MERGES:
        raise ValueError(f"merge_mode must be one of {sorted(_MERGES)}, got {merge_mode!r}")
    forward = _CELLS[cell]
    x = np.asarray(x)
    hs_f, final_f = forward(x, *forward_weights, **cell_kwargs)
    hs_b, final_b = forward(x[:, ::-1], *backward_weights, **cell_kwargs)
    return _MERGES[merge_mode](hs_f, hs_b[:, ::-1]), (final_f, final_b)


def _check(x, kernel, recurrent_kernel, bias, gates):
    """Validate shapes; return ``x`` as an array and the number of units."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (N, T, D) (batch, time steps, features), got ndim={x.ndim} shape {x.shape}"
        )
    if x.shape[1] < 1:
        raise ValueError("x needs at least one time step")
    kernel, recurrent_kernel = np.asarray(kernel), np.asarray(recurrent_kernel)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != gates * recurrent_kernel.shape[0]:
        raise ValueError(
            f"recurrent_kernel must have shape (units, {gates}·units), got {recurrent_kernel.shape}"
        )
    units = recurrent_kernel.shape[0]
    if kernel.shape != (x.shape[2], gates * units):
        raise ValueError(
            f"kernel must have shape (D, {gates}·units) = ({x.shape[2]}, {gates * units}) for x with "
            f"D={x.shape[2]} features, got {kernel.shape}"
        )
    if bias is not None and np.shape(bias) != (gates * units,):
        raise ValueError(f"bias must have shape ({gates * units},), got {np.shape(bias)}")
    return x, units


def _gru_biases(bias, units, reset_after):
    """Split a GRU bias into (input bias, recurrent bias) following ``reset_after``."""
    if bias is None:
        return None, None
    bias = np.asarray(bias)
    if reset_after:
        if bias.shape != (2, 3 * units):
            raise ValueError(
                f"with reset_after=True the GRU bias has shape (2, {3 * units}) (input and recurrent "
                f"bias), got {bias.shape}; pass reset_after=False for a ({3 * units},) bias"
            )
        return bias[0], bias[1]
    if bias.shape != (3 * units,):
        raise ValueError(f"with reset_after=False the GRU bias has shape ({3 * units},), got {bias.shape}")
    return bias, None


def _project(x, kernel, bias):
    """``x @ kernel + bias`` for every time step at once: ``(N, T, units·gates)``."""
    n, steps, features = x.shape
    projected = (x.reshape(n * steps, features) @ kernel).reshape(n, steps, -1)
    return projected if bias is None else projected + bias


def _initial(state, x, units):
    """The given initial state, or zeros ``(N, units)``."""
    if state is None:
        return np.zeros((x.shape[0], units), dtype=np.result_type(x.dtype, np.float32))
    state = np.asarray(state)
    if state.shape != (x.shape[0], units):
        raise ValueError(f"initial state must have shape {(x.shape[0], units)}, got {state.shape}")
    return state

"""lstm: the loss of a multi-layer LSTM predicting a character sequence, and
its gradient with respect to the main and extra parameters (reverse mode).

Rows 2i and 2i+1 of ``main_params`` are layer i's weights and biases (four
gates of ``b`` each), rows 2i and 2i+1 of ``state`` its hidden and cell state.
"""

import numpy as np

import s2sad


def prepare(input):
    return (np.array(input["main_params"], dtype=np.float64),
            np.array(input["extra_params"], dtype=np.float64),
            np.array(input["state"], dtype=np.float64),
            np.array(input["sequence"], dtype=np.float64))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm(weight, bias, hidden, cell, _input):
    gates = np.concatenate((_input, hidden, _input, hidden)) * weight + bias
    hsize = hidden.shape[0]
    forget = sigmoid(gates[0:hsize])
    ingate = sigmoid(gates[hsize:2 * hsize])
    outgate = sigmoid(gates[2 * hsize:3 * hsize])
    change = np.tanh(gates[3 * hsize:])
    cell = cell * forget + ingate * change
    hidden = outgate * np.tanh(cell)
    return (hidden, cell)


def predict(w, w2, s, x):
    s2 = s.copy()
    x = x * w2[0]
    for i in range(0, len(s), 2):
        (s2[i], s2[i + 1]) = lstm(w[i], w[i + 1], s[i], s[i + 1], x)
        x = s2[i]
    return (x * w2[1] + w2[2], s2)


def objective(main_params, extra_params, state, sequence):
    total = 0.0
    count = 0
    _input = sequence[0]
    all_states = [state]
    for t in range(len(sequence) - 1):
        ypred, new_state = predict(main_params, extra_params, all_states[t], _input)
        all_states.append(new_state)
        ynorm = ypred - np.log(np.sum(np.exp(ypred)) + 2.0)
        ygold = sequence[t + 1]
        total += np.sum(ygold * ynorm)
        count += ygold.shape[0]
        _input = ygold
    return -total / count


def jacobian(main_params, extra_params, state, sequence):
    g_main, g_extra = s2sad.grad(objective, wrt=(0, 1))(main_params, extra_params, state, sequence)
    return np.concatenate((g_main.ravel(), g_extra.ravel()))


FUNCTIONS = {
    "objective": (objective, float),
    "jacobian": (jacobian, lambda g: g.tolist()),
}

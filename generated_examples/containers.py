"""Parameters held in containers (issue 12).

``mlp_loss``: a multilayer perceptron whose layers are a list of ``(W, b)`` tuples.
``adam_loss``: the loss after a few Adam steps, the optimizer state (first and second
moments) in dicts updated in a loop; differentiated with respect to the starting point.
"""

import numpy as np


def mlp_loss(layers, X, y):
    """layers: [(W1, b1), (W2, b2), ...] with W_k: (d_k, d_k+1), b_k: (d_k+1,);
    X: (n, d_1) inputs, y: (n, d_last) targets.  Mean squared error."""
    h = X
    for W, b in layers[:-1]:
        h = np.tanh(np.dot(h, W) + b)
    W, b = layers[-1]
    prediction = np.dot(h, W) + b
    return np.mean((prediction - y) ** 2)


def adam_loss(params, X, y, steps):
    """params: {"w": (d,), "b": float}; the least-squares loss after ``steps`` Adam steps
    from ``params`` (learning rate 0.05), the moments kept in dicts keyed like params."""
    beta1, beta2, lr, eps = 0.9, 0.999, 0.05, 1e-8
    p = {"w": params["w"], "b": params["b"]}
    m = {"w": 0.0 * params["w"], "b": 0.0}
    v = {"w": 0.0 * params["w"], "b": 0.0}
    for t in range(1, steps + 1):
        residual = np.dot(X, p["w"]) + p["b"] - y
        g = {"w": np.dot(residual, X) / len(y), "b": np.mean(residual)}
        for k in p:
            m[k] = beta1 * m[k] + (1.0 - beta1) * g[k]
            v[k] = beta2 * v[k] + (1.0 - beta2) * g[k] ** 2
            m_hat = m[k] / (1.0 - beta1 ** t)
            v_hat = v[k] / (1.0 - beta2 ** t)
            p[k] = p[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
    residual = np.dot(X, p["w"]) + p["b"] - y
    return np.mean(residual ** 2)

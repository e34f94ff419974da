"""kmeans: the k-means cost, and one Newton step's direction (gradient divided
by the Hessian's diagonal) for the centroids.

The cost's Hessian is diagonal (each centroid's block is twice the number of
points closest to it times the identity), so a Hessian-vector product with a
vector of ones is its diagonal.
"""

import numpy as np

import s2sad


def prepare(input):
    points = np.array(input["points"], dtype=np.float64)
    centroids = np.array(input["centroids"], dtype=np.float64)
    return points, centroids


def cost(points, centroids):
    k = centroids.shape[0]
    closest = np.full(points.shape[0], np.inf)
    for j in range(k):
        d = points - centroids[j]
        closest = np.minimum(closest, np.sum(d * d, axis=1))
    return np.sum(closest)


def direction(points, centroids):
    # the Hessian is diagonal: its product with ones is the diagonal, and the sweep that
    # computes it hands back the gradient too
    g, h = s2sad.hvp(cost, wrt=1, with_grad=True)(points, centroids, np.ones_like(centroids))
    return g / h


FUNCTIONS = {
    "cost": (cost, float),
    "dir": (direction, lambda d: d.tolist()),
}

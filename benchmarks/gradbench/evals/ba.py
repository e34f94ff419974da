"""ba: bundle adjustment's reprojection and weight errors, and their sparse
Jacobian (one dense block per observation, as the reference builds it).

The eval sends one camera, point, weight and feature with counts n, m, p; the
input is that data repeated, and observation i sees camera i % n and point
i % m. Every observation is computed; the duplication is not exploited.
"""

import numpy as np

import s2sad

N_CAM_PARAMS = 11
ROT_IDX = 0
C_IDX = 3
F_IDX = 6
X0_IDX = 7
RAD_IDX = 9


def prepare(input):
    n, m, p = int(input["n"]), int(input["m"]), int(input["p"])
    cams = np.tile(np.array(input["cam"], dtype=np.float64), (n, 1))
    X = np.tile(np.array(input["x"], dtype=np.float64), (m, 1))
    w = np.full(p, float(input["w"]))
    feats = np.tile(np.array(input["feat"], dtype=np.float64), (p, 1))
    obs = np.zeros((p, 2), dtype=np.int64)
    camIdx = 0
    ptIdx = 0
    for i in range(p):
        obs[i, 0] = camIdx
        obs[i, 1] = ptIdx
        camIdx = (camIdx + 1) % n
        ptIdx = (ptIdx + 1) % m
    return cams, X, w, obs, feats


def rodrigues_rotate_point(rot, X):
    sqtheta = np.sum(rot ** 2)
    if sqtheta != 0.0:
        theta = np.sqrt(sqtheta)
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        theta_inverse = 1.0 / theta
        w = theta_inverse * rot
        w_cross_X = np.cross(w, X)
        tmp = np.dot(w, X) * (1.0 - costheta)
        return X * costheta + w_cross_X * sintheta + w * tmp
    else:
        return X + np.cross(rot, X)


def radial_distort(rad_params, proj):
    rsq = np.sum(proj ** 2)
    L = 1.0 + rad_params[0] * rsq + rad_params[1] * rsq * rsq
    return proj * L


def project(cam, X):
    Xcam = rodrigues_rotate_point(cam[ROT_IDX:ROT_IDX + 3], X - cam[C_IDX:C_IDX + 3])
    distorted = radial_distort(cam[RAD_IDX:RAD_IDX + 2], Xcam[0:2] / Xcam[2])
    return distorted * cam[F_IDX] + cam[X0_IDX:X0_IDX + 2]


def compute_reproj_err(cam, X, w, feat):
    return w * (project(cam, X) - feat)


def compute_w_err(w):
    return 1.0 - w ** 2


def objective(cams, X, w, obs, feats):
    p = obs.shape[0]
    reproj_err = np.zeros((p, 2))
    w_err = np.zeros(p)
    for i in range(p):
        reproj_err[i] = compute_reproj_err(cams[obs[i, 0]], X[obs[i, 1]], w[i], feats[i])
    for i in range(p):
        w_err[i] = compute_w_err(w[i])
    return reproj_err, w_err


def objective_output(result):
    reproj_err, w_err = result
    return {
        "reproj_error": {"elements": reproj_err[0].tolist(), "repeated": len(reproj_err)},
        "w_err": {"element": float(w_err[0]), "repeated": len(w_err)},
    }


def jacobian(cams, X, w, obs, feats):
    """The Jacobian in compressed sparse rows: each observation's 2 x 15 block
    (camera, point, weight), then each weight error's derivative."""
    n, m, p = cams.shape[0], X.shape[0], obs.shape[0]
    block = N_CAM_PARAMS + 3 + 1
    rows = np.zeros(3 * p + 1, dtype=np.int64)
    cols = np.zeros(2 * block * p + p, dtype=np.int64)
    vals = np.zeros(2 * block * p + p)
    reproj_jacobian = s2sad.jacobian(compute_reproj_err, wrt=(0, 1, 2))
    w_err_grad = s2sad.grad(compute_w_err)
    for i in range(p):
        camIdx, ptIdx = obs[i]
        J_cam, J_X, J_w = reproj_jacobian(cams[camIdx], X[ptIdx], w[i], feats[i])
        J = np.hstack((J_cam, J_X, J_w[:, None]))
        start = 2 * block * i
        vals[start:start + 2 * block] = J.ravel()
        cols_i = np.concatenate((N_CAM_PARAMS * camIdx + np.arange(N_CAM_PARAMS),
                                 N_CAM_PARAMS * n + 3 * ptIdx + np.arange(3),
                                 [N_CAM_PARAMS * n + 3 * m + i]))
        cols[start:start + block] = cols_i
        cols[start + block:start + 2 * block] = cols_i
        rows[2 * i + 1] = start + block
        rows[2 * i + 2] = start + 2 * block
    offset = 2 * block * p
    for i in range(p):
        vals[offset + i] = w_err_grad(w[i])
        cols[offset + i] = N_CAM_PARAMS * n + 3 * m + i
        rows[2 * p + i + 1] = offset + i + 1
    return rows, cols, vals


def jacobian_output(result):
    """The first 30 entries and the last one of each list, as the eval asks."""
    rows, cols, vals = result
    keep = lambda a: a[:30].tolist() + [a[-1].item()]
    return {"rows": keep(rows), "cols": keep(cols), "vals": keep(vals)}


FUNCTIONS = {
    "objective": (objective, objective_output),
    "jacobian": (jacobian, jacobian_output),
}

"""ht: hand tracking: the fitting error of a skinned hand model to observed
points, and its Jacobian with respect to the pose (and, in the "complicated"
variant, each point's position on its triangle: ``us``).
"""

import numpy as np

import s2sad


def prepare(input):
    model = input["data"]["model"]
    us = np.array(input["us"], dtype=np.float64)
    theta = np.array(input["theta"], dtype=np.float64)
    params = np.concatenate((us.ravel(), theta)) if us.size else theta
    return (params, int(model["bone_count"]),
            np.array(model["parents"], dtype=np.int64),
            np.array(model["base_relatives"], dtype=np.float64),
            np.array(model["inverse_base_absolutes"], dtype=np.float64),
            np.array(model["base_positions"], dtype=np.float64),
            np.array(model["weights"], dtype=np.float64),
            np.array(input["data"]["points"], dtype=np.float64),
            np.array(input["data"]["correspondences"], dtype=np.int64),
            np.array(model["triangles"], dtype=np.int64) if us.size else None)


def to_pose_params(theta, nbones):
    pose_params = np.zeros((nbones + 3, 3))
    pose_params[0, :] = theta[0:3]
    pose_params[1, :] = np.ones(3)
    pose_params[2, :] = theta[3:6]
    i_theta = 6
    i_pose_params = 5
    n_fingers = 5
    for i_finger in range(n_fingers):
        for i in [1, 2, 3]:
            pose_params[i_pose_params, 0] = theta[i_theta]
            i_theta += 1
            if i == 1:
                pose_params[i_pose_params, 1] = theta[i_theta]
                i_theta += 1
            i_pose_params += 1
        i_pose_params += 1
    return pose_params


def euler_angles_to_rotation_matrix(xzy):
    tx = xzy[0]
    ty = xzy[2]
    tz = xzy[1]
    Rx = np.eye(3)
    Rx[1, 1] = np.cos(tx)
    Rx[2, 1] = np.sin(tx)
    Rx[1, 2] = -Rx[2, 1]
    Rx[2, 2] = Rx[1, 1]
    Ry = np.eye(3)
    Ry[0, 0] = np.cos(ty)
    Ry[2, 0] = np.sin(ty)
    Ry[0, 2] = -Ry[2, 0]
    Ry[2, 2] = Ry[0, 0]
    Rz = np.eye(3)
    Rz[0, 0] = np.cos(tz)
    Rz[1, 0] = np.sin(tz)
    Rz[0, 1] = -Rz[1, 0]
    Rz[1, 1] = Rz[0, 0]
    return (Rz @ Ry) @ Rx


def get_posed_relatives(pose_params, base_relatives):
    relatives = []
    for i in range(base_relatives.shape[0]):
        tr = np.eye(4)
        tr[:3, :3] = euler_angles_to_rotation_matrix(pose_params[3 + i])
        relatives.append(base_relatives[i] @ tr)
    return np.stack(relatives)


def relatives_to_absolutes(relatives, parents):
    absolutes = []
    for i in range(relatives.shape[0]):
        if parents[i] == -1:
            absolutes.append(relatives[i])
        else:
            absolutes.append(absolutes[parents[i]] @ relatives[i])
    return np.stack(absolutes)


def angle_axis_to_rotation_matrix(angle_axis):
    n = np.sqrt(np.sum(angle_axis ** 2))
    if n < 0.0001:
        return np.eye(3)
    x = angle_axis[0] / n
    y = angle_axis[1] / n
    z = angle_axis[2] / n
    s, c = np.sin(n), np.cos(n)
    R = np.zeros((3, 3))
    R[0, 0] = x * x + (1 - x * x) * c
    R[0, 1] = x * y * (1 - c) - z * s
    R[0, 2] = x * z * (1 - c) + y * s
    R[1, 0] = x * y * (1 - c) + z * s
    R[1, 1] = y * y + (1 - y * y) * c
    R[1, 2] = y * z * (1 - c) - x * s
    R[2, 0] = x * z * (1 - c) - y * s
    R[2, 1] = z * y * (1 - c) + x * s
    R[2, 2] = z * z + (1 - z * z) * c
    return R


def apply_global_transform(pose_params, positions):
    R = angle_axis_to_rotation_matrix(pose_params[0])
    R = R * pose_params[1]
    return (R @ positions.T).T + pose_params[2]


def get_skinned_vertex_positions(pose_params, base_relatives, parents,
                                 inverse_base_absolutes, base_positions, weights):
    relatives = get_posed_relatives(pose_params, base_relatives)
    absolutes = relatives_to_absolutes(relatives, parents)
    transforms = absolutes @ inverse_base_absolutes
    # positions[v, b, :] is vertex v moved by bone b
    positions = np.transpose(transforms @ base_positions.T, (2, 0, 1))
    positions2 = np.sum(positions * weights.reshape((*weights.shape, 1)), axis=1)[:, :3]
    return apply_global_transform(pose_params, positions2)


def objective(params, nbones, parents, base_relatives, inverse_base_absolutes,
              base_positions, weights, points, correspondences, triangles):
    """The error of each point, (npts, 3); with triangles, params holds each
    point's two barycentric coordinates first, then the pose."""
    npts = points.shape[0]
    if triangles is None:
        theta = params
    else:
        us = params[:2 * npts].reshape((npts, 2))
        theta = params[2 * npts:]
    pose_params = to_pose_params(theta, nbones)
    vertex_positions = get_skinned_vertex_positions(
        pose_params, base_relatives, parents, inverse_base_absolutes,
        base_positions, weights)
    if triangles is None:
        return points - vertex_positions[correspondences]
    verts = triangles[correspondences]
    hand_points = (us[:, 0:1] * vertex_positions[verts[:, 0]]
                   + us[:, 1:2] * vertex_positions[verts[:, 1]]
                   + (1.0 - us[:, 0:1] - us[:, 1:2]) * vertex_positions[verts[:, 2]])
    return points - hand_points


def jacobian(params, nbones, parents, base_relatives, inverse_base_absolutes,
             base_positions, weights, points, correspondences, triangles):
    """d err / d params, (3 npts, columns), one forward sweep per column. In
    the complicated variant point i's error depends on its own us only, so one
    sweep seeded on every point's first (then second) coordinate gives the two
    nonzero columns of the block-diagonal us part, kept as (3 npts, 2)."""
    err_jvp = s2sad.jvp(objective)
    rest = (nbones, parents, base_relatives, inverse_base_absolutes, base_positions,
            weights, points, correspondences, triangles)
    npts = points.shape[0]
    first = 0 if triangles is None else 2 * npts
    seeds = []
    if triangles is not None:
        for k in range(2):
            seed = np.zeros_like(params)
            seed[k:2 * npts:2] = 1.0
            seeds.append(seed)
    for j in range(first, params.shape[0]):
        seed = np.zeros_like(params)
        seed[j] = 1.0
        seeds.append(seed)
    columns = [err_jvp(params, *rest, seed)[1].ravel() for seed in seeds]
    return np.stack(columns, axis=1)


FUNCTIONS = {
    "objective": (objective, lambda err: err.ravel().tolist()),
    "jacobian": (jacobian, lambda J: J.tolist()),
}

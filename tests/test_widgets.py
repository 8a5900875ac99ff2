"""The slider explorers, driven headlessly: move the slider, check what is shown against
a direct labkit call (the same function a notebook cell would call)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import labkit as lk
from labkit import widgets


def _picture(box) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(box.picture.value)).convert("RGB"))


def _right_part(picture: np.ndarray, width: int) -> np.ndarray:
    return picture[:, picture.shape[1] - width:]


def test_preview_shrinks_the_long_side_and_never_enlarges(tiny_photo):
    assert widgets.preview_image(tiny_photo, preview=30).shape == (20, 30, 3)
    assert widgets.preview_image(tiny_photo, preview=500) is not None
    np.testing.assert_array_equal(widgets.preview_image(tiny_photo, preview=500), tiny_photo)


def test_compress_explorer_follows_the_k_slider(tiny_photo):
    box = widgets.compress_explorer(tiny_photo, k=4, seed=1)
    first_caption, first_picture = box.caption.value, box.picture.value
    expected4 = lk.compress(tiny_photo, 4, seed=1)
    assert f"MSE {expected4.mse:.1f}" in first_caption and "k = 4" in first_caption
    np.testing.assert_array_equal(_right_part(_picture(box), tiny_photo.shape[1]), expected4.image)

    box.slider.value = 9
    expected9 = lk.compress(tiny_photo, 9, seed=1)
    assert box.caption.value != first_caption and box.picture.value != first_picture
    assert f"MSE {expected9.mse:.1f}" in box.caption.value and "k = 9" in box.caption.value
    assert f"{len(expected9.png_bytes()) / 1024:.1f} KB" in box.caption.value
    np.testing.assert_array_equal(_right_part(_picture(box), tiny_photo.shape[1]), expected9.image)


def test_compress_explorer_serves_a_revisited_k_from_its_cache(tiny_photo, monkeypatch):
    drawn = []
    real_png = widgets._png
    monkeypatch.setattr(widgets, "_png", lambda *images: drawn.append(1) or real_png(*images))
    box = widgets.compress_explorer(tiny_photo, k=3)
    picture3 = bytes(box.picture.value)
    box.slider.value = 5
    box.slider.value = 3
    assert box.result(3) is box.result(3)
    assert box.result.cache_info().misses == 2
    assert len(drawn) == 2  # k = 3 and k = 5 drawn once each: the PNG is cached too
    assert bytes(box.picture.value) == picture3


def test_compress_explorer_works_on_a_preview_of_a_large_photo():
    img = lk.load_image("coffee")
    box = widgets.compress_explorer(img, k=5, preview=120)
    assert box.result(5).image.shape == (80, 120, 3)


def test_compress_explorer_refuses_a_k_above_its_range(tiny_photo):
    with pytest.raises(ValueError, match="k_max"):
        widgets.compress_explorer(tiny_photo, k=40, k_max=32)


def test_elbow_explorer_starts_at_the_knee_and_follows_the_slider(tiny_photo):
    box = widgets.elbow_explorer(tiny_photo, ks=range(1, 9), seed=0)
    curve = lk.elbow(tiny_photo, range(1, 9), seed=0)
    assert box.knee == lk.find_elbow(curve) == box.slider.value
    np.testing.assert_allclose(box.curve.sse, curve.sse)
    before = box.caption.value, box.picture.value
    box.slider.value = 8 if box.knee != 8 else 2
    k = box.slider.value
    assert (box.caption.value, box.picture.value) != before
    assert f"k = {k} · SSE {float(curve.sse[curve.k == k].iloc[0]):,.0f}" in box.caption.value
    q = lk.compress(tiny_photo, k, seed=0)
    np.testing.assert_array_equal(_right_part(_picture(box), tiny_photo.shape[1]), q.image)


def test_elbow_explorer_draws_each_k_once(tiny_photo, monkeypatch):
    drawn = []
    real_figure_array = widgets._figure_array
    monkeypatch.setattr(widgets, "_figure_array",
                        lambda *args: drawn.append(1) or real_figure_array(*args))
    box = widgets.elbow_explorer(tiny_photo, ks=range(1, 6), seed=0)
    first = box.slider.value
    other = 5 if first != 5 else 1
    box.slider.value = other
    box.slider.value = first
    box.slider.value = other
    assert len(drawn) == 2


def test_knn_explorer_follows_the_patch_slider(tiny_photo):
    box = widgets.knn_explorer(tiny_photo, patches=(1, 3, 5), k=4)
    assert box.slider.value == 3
    direct = lk.colorize(tiny_photo, agent="knn", seed=0, k=4, patch=3)
    assert f"test RMSE {direct.metrics.test['rmse']:.1f}" in box.caption.value
    before = box.picture.value
    box.slider.value = 5
    direct5 = lk.colorize(tiny_photo, agent="knn", seed=0, k=4, patch=5)
    assert "patch 5×5" in box.caption.value
    assert f"test RMSE {direct5.metrics.test['rmse']:.1f}" in box.caption.value
    np.testing.assert_array_equal(_right_part(_picture(box), tiny_photo.shape[1]), direct5.image)
    if not np.array_equal(direct.image, direct5.image):
        assert box.picture.value != before


def test_knn_explorer_computes_every_patch_size_up_front(tiny_photo):
    box = widgets.knn_explorer(tiny_photo, patches=(1, 3, 5), k=4)
    assert box.result.cache_info().currsize == 3
    box.slider.value = 5
    assert box.result.cache_info().misses == 3  # the move was served from the cache
    lazy = widgets.knn_explorer(tiny_photo, patches=(1, 3, 5), k=4, precompute=False)
    assert lazy.result.cache_info().currsize == 1


def test_knn_explorer_refuses_an_even_patch(tiny_photo):
    with pytest.raises(ValueError, match="patch"):
        widgets.knn_explorer(tiny_photo, patches=(3, 4))


def test_training_explorer_retrains_when_the_learning_rate_moves(tiny_photo):
    box = widgets.training_explorer(tiny_photo, learning_rate=0.01, epochs=3)
    direct = lk.colorize(tiny_photo, agent="neural", seed=0, optimizer="adam",
                         learning_rate=0.01, epochs=3)
    assert f"final loss {direct.agent.loss_history_[-1]:.3f}" in box.caption.value
    before = box.caption.value, box.picture.value
    box.slider.value = 0.1
    direct = lk.colorize(tiny_photo, agent="neural", seed=0, optimizer="adam",
                         learning_rate=box.slider.value, epochs=3)
    assert (box.caption.value, box.picture.value) != before
    assert f"test RMSE {direct.metrics.test['rmse']:.1f}" in box.caption.value
    np.testing.assert_array_equal(_right_part(_picture(box), tiny_photo.shape[1]), direct.image)


def test_training_explorer_shows_divergence_instead_of_failing(tiny_photo):
    box = widgets.training_explorer(tiny_photo, learning_rate=0.01, epochs=4)
    box.slider.value = 10.0  # Adam with steps this large blows the loss up in one epoch
    assert "diverged" in box.caption.value and "learning_rate" in box.caption.value

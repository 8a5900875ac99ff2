"""The slider explorers, driven headlessly: move the slider, check what is shown against
a direct labkit call (the same function a notebook cell would call), resized by Pillow
to the panel it is shown in."""

from __future__ import annotations

import base64
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

import labkit as lk
from labkit import explorer, widgets

RUN_ME_YELLOW = (255, 244, 196)


def _decode(data) -> np.ndarray:
    raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))


def _picture(box) -> np.ndarray:
    return _decode(box.picture.value)


def _panel(box, i: int, aspects) -> np.ndarray:
    """Panel i of the picture the explorer shows now."""
    left, top, right, bottom = explorer.panel_boxes(aspects)[i]
    return _picture(box)[top:bottom, left:right]


def _as_shown(image: np.ndarray, panel: np.ndarray) -> np.ndarray:
    """``image`` enlarged by Pillow to the panel's size, nearest pixel (as the explorer)."""
    size = (panel.shape[1], panel.shape[0])
    return np.asarray(Image.fromarray(image).convert("RGB").resize(size, Image.Resampling.NEAREST))


def _ink_height(area: np.ndarray) -> int:
    """Rows from the first to the last that hold a dark pixel."""
    rows = np.flatnonzero((area.min(axis=2) < 128).any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def _aspect(img) -> float:
    return img.shape[1] / img.shape[0]


# ------------------------------------------------------------------ the picture itself
def test_preview_shrinks_the_long_side_and_never_enlarges(tiny_photo):
    assert widgets.preview_image(tiny_photo, preview=30).shape == (20, 30, 3)
    np.testing.assert_array_equal(widgets.preview_image(tiny_photo, preview=500), tiny_photo)


def test_compose_places_each_panel_in_its_box_at_the_full_width():
    a = np.full((10, 15, 3), (200, 0, 0), np.uint8)
    b = np.full((10, 10), 90, np.uint8)
    picture = explorer.compose([a, b], ["red", "gray"])
    assert picture.shape[1] == explorer.WIDTH == 960
    boxes = explorer.panel_boxes([1.5, 1.0])
    (l0, t0, r0, b0), (l1, t1, r1, b1) = boxes
    assert r0 <= l1 and b0 == b1 == picture.shape[0]
    assert (r0 - l0) / (b0 - t0) == pytest.approx(1.5, abs=0.01)
    assert (picture[t0:b0, l0:r0] == (200, 0, 0)).all()
    assert (picture[t1:b1, l1:r1] == 90).all()


def test_titles_are_written_in_letters_at_least_18_pixels_tall():
    picture = explorer.compose([np.full((10, 10, 3), 255, np.uint8)], ["Hk"])
    top = explorer.panel_boxes([1.0])[0][1]
    assert _ink_height(picture[:top]) >= 18


def test_chart_text_is_at_least_18_pixels_tall():
    def draw(ax):
        ax.set_axis_off()
        ax.text(0.5, 0.5, "H", ha="center", va="center", transform=ax.transAxes)

    picture = explorer.chart_beside(draw, np.full((20, 30, 3), 255, np.uint8), ["", ""])
    left, top, right, bottom = explorer.panel_boxes([explorer.CHART_ASPECT, 1.5])[0]
    assert _ink_height(picture[top:bottom, left:right]) >= 18


def test_an_explorer_draws_each_value_once_and_serves_revisits_from_its_cache():
    calls = []

    def render(value):
        calls.append(value)
        return np.full((4, 6, 3), 10 * value, np.uint8), f"value {value}"

    slider = ipywidgets.IntSlider(value=1, min=1, max=5)
    box = explorer.Explorer(slider, render, result=lambda v: v, name="demo")
    first = bytes(box.picture.value)
    for value in (3, 1, 3, 1):
        slider.value = value
    assert calls == [1, 3]
    assert bytes(box.picture.value) == first and "value 1" in box.caption.value


def test_a_stored_explorer_holds_a_still_picture_and_a_line_saying_run_this_cell(tiny_photo):
    box = widgets.compress_explorer(tiny_photo, k=4)
    still, shown = box.still(), _picture(box)
    band = still.shape[0] - shown.shape[0]
    assert still.shape[1] == 960 and band >= 40
    np.testing.assert_array_equal(still[band:], shown)
    assert (still[2, :20] == RUN_ME_YELLOW).all()
    assert _ink_height(still[:band]) >= 18  # the "run this cell" line is readable too

    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "run this cell" in bundle["text/plain"] and "k = 4" in bundle["text/plain"]
    (mime,) = set(bundle) & {"image/png", "image/jpeg"}
    stored = _decode(bundle[mime]).astype(int)
    assert stored.shape == still.shape and np.abs(stored - still).mean() < 3


def test_a_still_photo_is_stored_as_jpeg_and_a_flat_picture_as_png():
    photo = widgets.compress_explorer(lk.load_image("chelsea"), k=4, preview=200)
    chart = widgets.training_explorer(np.full((40, 60, 3), 200, np.uint8), epochs=2)
    assert "image/jpeg" in photo._repr_mimebundle_()
    assert "image/png" in chart._repr_mimebundle_()


# ---------------------------------------------------------------------- the explorers
@pytest.fixture
def every_explorer(tiny_photo):
    return [
        widgets.compress_explorer(tiny_photo, k=3),
        widgets.elbow_explorer(tiny_photo, ks=range(1, 6)),
        widgets.knn_explorer(tiny_photo, patches=(1, 3), k=3),
        widgets.training_explorer(tiny_photo, learning_rate=0.01, epochs=2),
    ]


def test_every_explorer_picture_is_960_pixels_wide(every_explorer):
    for box in every_explorer:
        assert _picture(box).shape[1] == 960, box.name


def test_compress_explorer_follows_the_k_slider(tiny_photo):
    box = widgets.compress_explorer(tiny_photo, k=4, seed=1)
    aspects = [_aspect(tiny_photo)] * 2
    expected4 = lk.compress(tiny_photo, 4, seed=1)
    assert f"MSE {expected4.mse:.1f}" in box.caption.value and "k = 4" in box.caption.value
    panel = _panel(box, 1, aspects)
    np.testing.assert_array_equal(panel, _as_shown(expected4.image, panel))
    np.testing.assert_array_equal(_panel(box, 0, aspects), _as_shown(tiny_photo, panel))

    first = box.caption.value, box.picture.value
    box.slider.value = 9
    expected9 = lk.compress(tiny_photo, 9, seed=1)
    assert (box.caption.value, box.picture.value) != first
    assert f"MSE {expected9.mse:.1f}" in box.caption.value and "k = 9" in box.caption.value
    assert f"{len(expected9.png_bytes()) / 1024:.1f} KB" in box.caption.value
    panel = _panel(box, 1, aspects)
    np.testing.assert_array_equal(panel, _as_shown(expected9.image, panel))
    assert len(np.unique(panel.reshape(-1, 3), axis=0)) == expected9.n_colors  # no blending


def test_compress_explorer_serves_a_revisited_k_from_its_cache(tiny_photo):
    box = widgets.compress_explorer(tiny_photo, k=3)
    picture3 = bytes(box.picture.value)
    box.slider.value = 5
    box.slider.value = 3
    assert box.result(3) is box.result(3)
    assert box.result.cache_info().misses == 2
    assert box.render.cache_info().misses == 2  # k = 3 and k = 5 drawn once each
    assert bytes(box.picture.value) == picture3


def test_compress_explorer_works_on_a_preview_of_a_large_photo():
    img = lk.load_image("coffee")
    box = widgets.compress_explorer(img, k=5, preview=120)
    assert box.result(5).image.shape == (80, 120, 3)


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
    panel = _panel(box, 1, [explorer.CHART_ASPECT, _aspect(tiny_photo)])
    np.testing.assert_array_equal(panel, _as_shown(lk.compress(tiny_photo, k, seed=0).image,
                                                   panel))


def test_elbow_explorer_draws_each_k_once(tiny_photo):
    box = widgets.elbow_explorer(tiny_photo, ks=range(1, 6), seed=0)
    first = box.slider.value
    other = 5 if first != 5 else 1
    for value in (other, first, other):
        box.slider.value = value
    assert box.render.cache_info().misses == 2


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
    aspects = [_aspect(tiny_photo)] * 3
    panel = _panel(box, 2, aspects)
    np.testing.assert_array_equal(panel, _as_shown(direct5.image, panel))
    np.testing.assert_array_equal(_panel(box, 1, aspects), _as_shown(lk.to_gray(tiny_photo), panel))
    if not np.array_equal(direct.image, direct5.image):
        assert box.picture.value != before


def test_knn_explorer_computes_every_patch_size_up_front(tiny_photo):
    box = widgets.knn_explorer(tiny_photo, patches=(1, 3, 5), k=4)
    assert box.result.cache_info().currsize == 3
    box.slider.value = 5
    assert box.result.cache_info().misses == 3  # the move was served from the cache
    lazy = widgets.knn_explorer(tiny_photo, patches=(1, 3, 5), k=4, precompute=False)
    assert lazy.result.cache_info().currsize == 1


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
    panel = _panel(box, 1, [explorer.CHART_ASPECT, _aspect(tiny_photo)])
    np.testing.assert_array_equal(panel, _as_shown(direct.image, panel))


def test_training_explorer_shows_divergence_in_caption_and_picture(tiny_photo):
    box = widgets.training_explorer(tiny_photo, learning_rate=0.01, epochs=4)
    before = box.picture.value
    box.slider.value = 10.0  # Adam with steps this large blows the loss up in one epoch
    assert "diverged" in box.caption.value and "learning_rate" in box.caption.value
    assert box.picture.value != before  # no stale picture of another rate
    panel = _panel(box, 1, [explorer.CHART_ASPECT, _aspect(tiny_photo)])
    assert (panel.max(axis=2) == panel.min(axis=2)).all()  # the photo in gray: no colors


# --------------------------------------------------------------- checked at the door
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda img: widgets.knn_explorer(img, patches=()), ValueError,
         "patches must hold at least one"),
        (lambda img: widgets.knn_explorer(img, patches=(3, 4)), ValueError, r"patches\[1\]"),
        (lambda img: widgets.knn_explorer(img, patches=(3, 3)), ValueError, "must not repeat"),
        (lambda img: widgets.knn_explorer(img, patches=5), TypeError, "patches must be a sequence"),
        (lambda img: widgets.knn_explorer(img, patches=(3, 41)), ValueError, "must fit in half"),
        (lambda img: widgets.knn_explorer(img, k=0), ValueError, "k must be"),
        (lambda img: widgets.elbow_explorer(img, ks=[]), ValueError, "ks must hold at least one"),
        (lambda img: widgets.elbow_explorer(img, ks=[2, 3]), ValueError, "at least 3"),
        (lambda img: widgets.elbow_explorer(img, ks=[4, 2, 3]), ValueError, "increasing"),
        (lambda img: widgets.elbow_explorer(img, ks=[1, 2.5, 3]), TypeError, r"ks\[1\]"),
        (lambda img: widgets.compress_explorer(img, k=40, k_max=32), ValueError, "k_max"),
        (lambda img: widgets.compress_explorer(img, k=0), ValueError, "k must be"),
        (lambda img: widgets.compress_explorer(img, seed=-1), ValueError, "seed"),
        (lambda img: widgets.compress_explorer(img, seed=np.random.default_rng(0)), TypeError,
         "seed"),
        (lambda img: widgets.compress_explorer(img, preview=2), ValueError, "preview"),
        (lambda img: widgets.compress_explorer(img.astype(float)), TypeError, "img"),
        (lambda img: widgets.training_explorer(img, optimizer="adma"), ValueError,
         "optimizer must be one of .*'adam'"),
        (lambda img: widgets.training_explorer(img, learning_rate=100), ValueError,
         r"learning_rate must lie in 0.0001..10"),
        (lambda img: widgets.training_explorer(img, learning_rate=0), ValueError,
         "learning_rate"),
        (lambda img: widgets.training_explorer(img, epochs=0), ValueError, "epochs"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(tiny_photo, make, error, message):
    with pytest.raises(error, match=message):
        make(tiny_photo)


# ------------------------------------------------------------------ presentation view
def test_each_presentation_notebook_calls_its_lessons_explorer_without_other_code():
    from labkit.present import EXPLORERS, presentation_notebook

    calls = {"01": "compress_explorer", "02": "color_space_figure", "03": "elbow_explorer",
             "04": "knn_explorer", "05": "training_explorer"}
    assert set(EXPLORERS) == set(calls)
    for lesson, call in calls.items():
        nb = presentation_notebook(lesson)
        assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
        assert f"lk.widgets.{call}(" in nb.cells[1].source or f"lk.{call}(" in nb.cells[1].source
        assert nb.cells[0].source.count("\n# ") == 1  # one title


def test_a_presentation_notebook_runs_and_ends_with_its_explorer():
    from labkit.present import presentation_notebook

    namespace: dict = {}
    code = presentation_notebook("01").cells[1].source.replace("k=8)", "k=3, preview=40)")
    *setup, last = code.strip().split("\n")
    exec("\n".join(setup), namespace)
    box = eval(last, namespace)
    assert isinstance(box, explorer.Explorer) and box.slider.value == 3


def test_presentation_refuses_a_lesson_without_explorer():
    from labkit.present import main, presentation_notebook

    with pytest.raises(ValueError, match="lesson must be one of"):
        presentation_notebook("00")
    with pytest.raises(SystemExit) as stop:
        main(["00", "--no-browser"])
    assert stop.value.code == 2

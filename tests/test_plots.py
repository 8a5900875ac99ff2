"""Matplotlib views: each returns a Figure that shows exactly the data it was given."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from labkit import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def img():
    """A 6×8 RGB image with every pixel different (deterministic)."""
    return np.random.default_rng(1).integers(0, 256, (6, 8, 3), dtype=np.uint8)


def _fake_compressed(img, palette):
    """Stand-in for labkit.compress.Compressed: nearest-palette recoloring, by brute force."""
    palette = np.asarray(palette, dtype=np.uint8)
    d = ((img[:, :, None, :].astype(int) - palette[None, None].astype(int)) ** 2).sum(-1)
    labels = d.argmin(-1).astype(np.uint8)
    image = palette[labels]
    mse = float(((image.astype(float) - img) ** 2).mean())
    return SimpleNamespace(palette=palette, labels=labels, image=image, k=len(palette),
                           n_colors=len(palette), mse=mse, bits_per_pixel=2.0,
                           compression_ratio=12.0)


def _images(ax):
    return [im.get_array() for im in ax.get_images()]


# ----------------------------------------------------------------------- side_by_side
def test_side_by_side_shows_each_image_unchanged_in_its_own_axes(img):
    gray = img[..., 0]
    fig = plots.side_by_side([img, gray], ["color", "gray"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(_images(fig.axes[0])[0], img)
    np.testing.assert_array_equal(_images(fig.axes[1])[0], gray)
    assert [ax.get_title() for ax in fig.axes] == ["color", "gray"]


def test_side_by_side_draws_gray_on_a_fixed_0_255_gray_scale(img):
    fig = plots.side_by_side([np.full((3, 3), 100, np.uint8)])
    image = fig.axes[0].get_images()[0]
    assert image.get_cmap().name == "gray"
    assert image.get_clim() == (0, 255)


def test_side_by_side_refuses_titles_of_the_wrong_length(img):
    with pytest.raises(ValueError, match="one entry per image"):
        plots.side_by_side([img, img], ["only one"])


def test_side_by_side_refuses_float_images():
    with pytest.raises(TypeError, match="uint8"):
        plots.side_by_side([np.zeros((2, 2, 3))])


# ----------------------------------------------------------------------------- k_grid
def test_k_grid_shows_original_then_each_recolored_image_with_k_and_mse(img):
    results = [_fake_compressed(img, img.reshape(-1, 3)[:k]) for k in (2, 3, 4)]
    fig = plots.k_grid(img, results)
    assert len(fig.axes) == 4
    np.testing.assert_array_equal(_images(fig.axes[0])[0], img)
    for ax, res in zip(fig.axes[1:], results):
        np.testing.assert_array_equal(_images(ax)[0], res.image)
        assert f"k = {res.k}" in ax.get_title()
        assert f"MSE {res.mse:.1f}" in ax.get_title()


def test_k_grid_for_k_2_to_10_has_ten_panels_in_two_rows(img):
    results = [_fake_compressed(img, img.reshape(-1, 3)[:k]) for k in range(2, 11)]
    fig = plots.k_grid(img, results)
    assert len(fig.axes) == 10
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 2


def test_k_grid_mentions_fewer_colors_than_requested(img):
    res = SimpleNamespace(k=8, n_colors=3, image=img, mse=1.0)
    fig = plots.k_grid(img, [res])
    assert "(3 colors)" in fig.axes[1].get_title()


def test_k_grid_refuses_a_result_of_another_shape(img):
    res = SimpleNamespace(k=2, image=img[:3], mse=1.0)
    with pytest.raises(ValueError, match="shape"):
        plots.k_grid(img, [res])


def test_k_grid_refuses_objects_without_image(img):
    with pytest.raises(TypeError, match=r"\.image"):
        plots.k_grid(img, [SimpleNamespace(k=2, mse=1.0)])


# --------------------------------------------------------------------------- swatches
def test_swatches_draw_one_rectangle_per_color_in_that_color():
    palette = np.array([[255, 0, 0], [0, 128, 0], [10, 20, 30]], np.uint8)
    fig = plots.swatches(palette)
    patches = fig.axes[0].patches
    assert len(patches) == 3
    for patch, color in zip(patches, palette):
        np.testing.assert_allclose(patch.get_facecolor()[:3], color / 255)
    np.testing.assert_allclose([p.get_width() for p in patches], [1 / 3] * 3)


def test_swatch_widths_are_the_shares_of_the_counts():
    fig = plots.swatches([[0, 0, 0], [255, 255, 255], [9, 9, 9]], counts=[6, 3, 1])
    patches = fig.axes[0].patches
    np.testing.assert_allclose([p.get_width() for p in patches], [0.6, 0.3, 0.1])
    np.testing.assert_allclose([p.get_x() for p in patches], [0.0, 0.6, 0.9])


def test_swatches_are_labelled_with_hex_codes():
    palette = [[255, 0, 0], [0, 128, 255]]
    fig = plots.swatches(palette)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [to_hex(np.array(c) / 255) for c in palette]


def test_swatches_draw_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plots.swatches([[1, 2, 3]], ax=ax) is fig
    assert len(ax.patches) == 1


def test_swatches_refuse_counts_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"counts must have shape \(2,\)"):
        plots.swatches([[0, 0, 0], [1, 1, 1]], counts=[1, 2, 3])


def test_swatches_refuse_a_palette_that_is_not_m_by_3():
    with pytest.raises(ValueError, match=r"\(m, 3\)"):
        plots.swatches([[0, 0], [1, 1]])


# ------------------------------------------------------------------------- elbow_plot
def test_elbow_plot_draws_sse_against_k_and_marks_the_knee():
    df = pd.DataFrame({"k": [1, 2, 3, 4, 5], "sse": [100.0, 40.0, 20.0, 18.0, 17.0]})
    fig = plots.elbow_plot(df, knee=3)
    lines = {line.get_label(): line for line in fig.axes[0].lines}
    np.testing.assert_array_equal(lines["sse"].get_xdata(), df["k"])
    np.testing.assert_array_equal(lines["sse"].get_ydata(), df["sse"])
    np.testing.assert_array_equal(lines["knee"].get_xdata(), [3])
    np.testing.assert_array_equal(lines["knee"].get_ydata(), [20.0])
    assert any("k = 3" in t.get_text() for t in fig.axes[0].texts)


def test_elbow_plot_without_knee_has_only_the_curve():
    fig = plots.elbow_plot({"k": [1, 2], "sse": [2.0, 1.0]})
    assert [line.get_label() for line in fig.axes[0].lines] == ["sse"]


def test_elbow_plot_refuses_a_knee_that_is_not_a_k():
    with pytest.raises(ValueError, match="knee must be one of"):
        plots.elbow_plot({"k": [1, 2, 3], "sse": [3.0, 2.0, 1.0]}, knee=7)


def test_elbow_plot_names_a_missing_column():
    with pytest.raises(KeyError, match="sse"):
        plots.elbow_plot(pd.DataFrame({"k": [1, 2]}))


# --------------------------------------------------------------------- confusion_plot
def test_confusion_plot_shows_the_matrix_and_a_count_per_cell():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    fig = plots.confusion_plot(cm)
    ax = fig.axes[0]
    np.testing.assert_array_equal(_images(ax)[0], cm)
    assert [t.get_text() for t in ax.texts] == [str(v) for v in cm.ravel()]
    positions = [tuple(np.round(t.get_position()).astype(int)) for t in ax.texts]
    assert positions == [(j, i) for i in range(3) for j in range(3)]


def test_confusion_plot_takes_tick_names_and_axis_labels_from_a_dataframe():
    cm = pd.DataFrame([[3, 1], [0, 4]], index=pd.Index(["sky", "sea"], name="true"),
                      columns=pd.Index(["sky", "sea"], name="predicted"))
    ax = plots.confusion_plot(cm).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sky", "sea"]
    assert ax.get_ylabel() == "true"
    assert ax.get_xlabel() == "predicted"


def test_confusion_plot_tick_labels_sit_on_swatches_of_the_palette():
    palette = np.array([[200, 30, 30], [30, 30, 200]])
    ax = plots.confusion_plot([[1, 0], [0, 1]], palette=palette).axes[0]
    for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
        faces = [to_rgb(label.get_bbox_patch().get_facecolor()) for label in labels]
        np.testing.assert_allclose(faces, palette / 255, atol=1 / 255)


def test_confusion_plot_normalized_rows_sum_to_one():
    cm = np.array([[3, 1], [0, 0]])
    ax = plots.confusion_plot(cm, normalize=True).axes[0]
    np.testing.assert_allclose(_images(ax)[0], [[0.75, 0.25], [0.0, 0.0]])


def test_confusion_plot_refuses_a_non_square_matrix():
    with pytest.raises(ValueError, match="square"):
        plots.confusion_plot(np.ones((2, 3)))


def test_confusion_plot_refuses_a_palette_of_another_size():
    with pytest.raises(ValueError, match="one color per row"):
        plots.confusion_plot(np.eye(3), palette=[[0, 0, 0]])


# -------------------------------------------------------------------------- loss_plot
def test_loss_plot_draws_one_curve_per_optimiser_on_one_axes():
    histories = {"gd": [3.0, 2.0, 1.5, 1.2], "adam": [3.0, 1.0]}
    fig = plots.loss_plot(histories)
    assert len(fig.axes) == 1
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["gd", "adam"]
    for line, values in zip(lines, histories.values()):
        np.testing.assert_array_equal(line.get_ydata(), values)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(values) + 1))


def test_loss_plot_takes_a_single_history_and_a_log_axis():
    fig = plots.loss_plot(np.array([1.0, 0.1, 0.01]), logy=True)
    assert fig.axes[0].get_yscale() == "log"
    assert len(fig.axes[0].lines) == 1


def test_loss_plot_refuses_non_positive_losses_on_a_log_axis():
    with pytest.raises(ValueError, match="positive"):
        plots.loss_plot([1.0, 0.0], logy=True)


def test_loss_plot_refuses_nan_with_a_hint():
    with pytest.raises(ValueError, match="diverge"):
        plots.loss_plot({"sgd": [1.0, float("nan")]})


# ---------------------------------------------------------------- colorization_figure
def test_colorization_figure_shows_original_gray_and_left_plus_predicted_right(img):
    from labkit.images import to_gray

    half = img.shape[1] // 2
    predicted = 255 - img[:, half:]
    result = SimpleNamespace(left=255 - img[:, :half], right=predicted, agent="knn")
    fig = plots.colorization_figure(img, result)
    assert len(fig.axes) == 3
    np.testing.assert_array_equal(_images(fig.axes[0])[0], img)
    np.testing.assert_array_equal(_images(fig.axes[1])[0], to_gray(img))
    np.testing.assert_array_equal(_images(fig.axes[2])[0],
                                  np.concatenate([img[:, :half], predicted], axis=1))
    split = [line.get_xdata()[0] for line in fig.axes[2].lines]
    assert split == [half - 0.5]


def test_colorization_figure_refuses_a_right_half_that_does_not_fit(img):
    result = SimpleNamespace(right=img[:, 2:])
    with pytest.raises(ValueError, match="right half"):
        plots.colorization_figure(img, result)


# ----------------------------------------------------------------- compression_figure
def test_compression_figure_shows_palette_labels_and_palette_of_labels(img):
    q = _fake_compressed(img, [[0, 0, 0], [255, 255, 255], [255, 0, 0]])
    fig = plots.compression_figure(q)
    axes = {ax.get_label(): ax for ax in fig.axes}
    assert set(axes) == {"palette", "labels", "image", "<colorbar>"}
    np.testing.assert_array_equal(_images(axes["labels"])[0], q.labels)
    np.testing.assert_array_equal(_images(axes["image"])[0], q.palette[q.labels])
    counts = np.bincount(q.labels.ravel(), minlength=3)
    widths = [p.get_width() for p in axes["palette"].patches]
    np.testing.assert_allclose(widths, counts / counts.sum())
    assert "2 bits per pixel" in fig.get_suptitle()


def test_compression_figure_refuses_labels_outside_the_palette(img):
    q = _fake_compressed(img, [[0, 0, 0], [255, 255, 255]])
    bad = SimpleNamespace(palette=q.palette[:1], labels=q.labels, image=q.image)
    with pytest.raises(ValueError, match=r"compressed.labels must be in 0\.\.0"):
        plots.compression_figure(bad)


# ------------------------------------------------------------------------ the split
def test_plots_still_offers_every_figure_of_the_lab():
    from labkit import charts, palettes

    assert plots.swatches is palettes.swatches
    assert plots.compression_figure is palettes.compression_figure
    assert (plots.elbow_plot, plots.confusion_plot, plots.loss_plot) == (
        charts.elbow_plot, charts.confusion_plot, charts.loss_plot)
    assert set(plots.__all__) == {"colorization_figure", "compression_figure", "confusion_plot",
                                  "elbow_plot", "k_grid", "loss_plot", "side_by_side",
                                  "swatches"}


def test_elbow_plot_refuses_a_column_of_words():
    with pytest.raises(TypeError, match="df\\['sse'\\] must hold real numbers"):
        plots.elbow_plot({"k": [1, 2], "sse": ["a", "b"]})


def test_confusion_plot_refuses_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        plots.confusion_plot([[1, -1], [0, 2]])

"""Plotly color-space views: the right points, in the right colors, small and reproducible."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from labkit.colorspace import centroid_path_figure, color_space_figure, static_image

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def photo():
    """The bundled cat photo (300×451 = 135,300 pixels)."""
    return np.asarray(Image.open(DATA / "chelsea.png").convert("RGB"))


@pytest.fixture
def img():
    return np.random.default_rng(3).integers(0, 256, (30, 40, 3), dtype=np.uint8)


def _rgb(text: str) -> list[int]:
    return [int(v) for v in re.fullmatch(r"rgb\((\d+),(\d+),(\d+)\)", text).groups()]


def _points(trace) -> np.ndarray:
    return np.column_stack([trace.x, trace.y, trace.z])


def _shown_colors(trace) -> np.ndarray:
    """The color plotly gives each point of a numeric-color trace: the colorscale at its value."""
    values = np.asarray(trace.marker.color, dtype=float)
    stops = trace.marker.colorscale
    positions = np.array([s[0] for s in stops])
    colors = np.array([_rgb(s[1]) for s in stops])
    where = (values - trace.marker.cmin) / (trace.marker.cmax - trace.marker.cmin)
    hit = np.abs(where[:, None] - positions[None]).argmin(1)
    assert np.allclose(positions[hit], where)  # every value sits exactly on a stop
    return colors[hit]


def _palette_labels(img, palette):
    """Nearest-palette labels by brute force (a stand-in for k-means)."""
    d = ((img[:, :, None, :].astype(int) - np.asarray(palette)[None, None]) ** 2).sum(-1)
    return d.argmin(-1)


# ------------------------------------------------------------------- own colors
def test_without_labels_one_trace_holds_every_pixel_once(img):
    fig = color_space_figure(img)
    assert isinstance(fig, go.Figure) and not isinstance(fig, go.FigureWidget)
    assert len(fig.data) == 1
    pts = _points(fig.data[0])
    assert pts.shape == (img.shape[0] * img.shape[1], 3)
    # every pixel exactly once
    np.testing.assert_array_equal(np.unique(pts, axis=0), np.unique(img.reshape(-1, 3), axis=0))


def test_noise_with_more_than_256_colors_still_gets_at_most_256_nearby_colors(img):
    trace = color_space_figure(img).data[0]  # 1,200 random colors
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 256
    assert len(trace.marker.colorscale) <= 256
    assert np.asarray(trace.marker.color).max() == len(trace.marker.colorscale) - 1
    error = np.abs(_shown_colors(trace) - _points(trace).astype(int))
    assert error.max() < 64  # at worst boxes of 64 levels per channel


def test_own_colors_are_exact_when_there_are_at_most_256(img):
    few = img // 64 * 64  # 4 levels per channel: 64 colors
    fig = color_space_figure(few)
    np.testing.assert_array_equal(_shown_colors(fig.data[0]), _points(fig.data[0]))


def test_own_colors_of_a_photo_stay_close_to_the_pixel_colors(photo):
    fig = color_space_figure(photo)
    trace = fig.data[0]
    error = np.abs(_shown_colors(trace) - _points(trace).astype(int))
    assert len(trace.marker.colorscale) <= 256
    assert error.mean() < 8  # boxes of at most 32 levels, shown in their mean color
    assert error.max() <= 31


def test_a_single_color_image_gets_a_valid_colorscale():
    fig = color_space_figure(np.full((4, 4, 3), 7, np.uint8))
    np.testing.assert_array_equal(_shown_colors(fig.data[0]), np.full((16, 3), 7))


def test_coordinates_are_stored_as_uint8(img):
    trace = color_space_figure(img).data[0]
    assert all(np.asarray(v).dtype == np.uint8 for v in (trace.x, trace.y, trace.z))


def test_axes_are_r_g_b_with_colored_titles(img):
    scene = color_space_figure(img).layout.scene
    for axis, name, color in ((scene.xaxis, "R", "red"), (scene.yaxis, "G", "green"),
                              (scene.zaxis, "B", "blue")):
        assert axis.title.text == name and axis.title.font.color == color


def test_axes_span_the_points_with_a_small_margin_inside_0_255(photo):
    fig = color_space_figure(photo, max_points=2000)
    pts = _points(fig.data[0]).astype(float)
    scene = fig.layout.scene
    for c, axis in enumerate((scene.xaxis, scene.yaxis, scene.zaxis)):
        low, high = axis.range
        assert 0 <= low <= pts[:, c].min() and pts[:, c].max() <= high <= 255
        extent = pts[:, c].max() - pts[:, c].min()
        assert (high - low) - extent <= 0.1 * extent + 8  # 5 % or 4 levels on each side
    assert tuple(scene.xaxis.range) != (0, 255)  # the cat does not fill the cube


def test_a_narrow_cloud_is_ranged_to_itself_not_to_the_cube():
    r, g = np.meshgrid(np.arange(100, 140), np.arange(50, 90), indexing="ij")
    img = np.stack([r, g, np.full((40, 40), 200)], axis=-1).astype(np.uint8)
    scene = color_space_figure(img).layout.scene
    assert tuple(scene.xaxis.range) == (96, 143) and tuple(scene.yaxis.range) == (46, 93)
    low, high = scene.zaxis.range  # one level wide: widened to a quarter of the longest
    assert low < 200 < high and high - low == pytest.approx(47 / 4, abs=0.1)


def test_the_three_axes_share_one_scale(photo):
    scene = color_space_figure(photo).layout.scene
    spans = [a.range[1] - a.range[0] for a in (scene.xaxis, scene.yaxis, scene.zaxis)]
    ratio = scene.aspectratio
    assert scene.aspectmode == "manual"
    np.testing.assert_allclose([ratio.x, ratio.y, ratio.z], np.array(spans) / max(spans),
                               atol=1e-3)


def test_centroids_lie_inside_the_ranged_axes(img):
    few = img // 4  # pixels 0..63, centroids far outside them
    centroids = np.array([[10.0, 10.0, 10.0], [240.0, 250.0, 5.0]])
    scene = color_space_figure(few, centroids=centroids).layout.scene
    for c, axis in enumerate((scene.xaxis, scene.yaxis, scene.zaxis)):
        assert axis.range[0] <= centroids[:, c].min() and centroids[:, c].max() <= axis.range[1]


def test_cube_true_shows_the_whole_0_255_cube(img):
    scene = color_space_figure(img // 4, cube=True).layout.scene
    for axis in (scene.xaxis, scene.yaxis, scene.zaxis):
        assert tuple(axis.range) == (0, 255)
    assert (scene.aspectratio.x, scene.aspectratio.y, scene.aspectratio.z) == (1, 1, 1)


# ------------------------------------------------------------------- subsampling
def test_at_most_max_points_pixels_are_drawn_all_of_them_pixels_of_the_image(photo):
    fig = color_space_figure(photo, max_points=500)
    pts = _points(fig.data[0])
    assert len(pts) == 500
    pixel_set = {tuple(p) for p in photo.reshape(-1, 3)}
    assert all(tuple(p) in pixel_set for p in pts)


def test_same_seed_gives_the_same_points_and_another_seed_other_points(photo):
    a = _points(color_space_figure(photo, max_points=1000, seed=5).data[0])
    b = _points(color_space_figure(photo, max_points=1000, seed=5).data[0])
    c = _points(color_space_figure(photo, max_points=1000, seed=6).data[0])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_subsample_is_the_same_with_and_without_labels(photo):
    palette = np.array([[50, 40, 30], [200, 170, 150]])
    labels = _palette_labels(photo, palette)
    own = _points(color_space_figure(photo, max_points=800, seed=2).data[0])
    clustered = color_space_figure(photo, labels, palette, max_points=800, seed=2)
    together = np.concatenate([_points(t) for t in clustered.data[:2]])
    np.testing.assert_array_equal(np.unique(together, axis=0), np.unique(own, axis=0))


# ------------------------------------------------------------------- clusters
def test_with_labels_and_centroids_each_cluster_is_one_trace_in_its_centroid_color(img):
    centroids = np.array([[30.0, 30.0, 30.0], [220.0, 60.0, 60.0], [100.5, 200.25, 90.0]])
    labels = _palette_labels(img, centroids)
    fig = color_space_figure(img, labels, centroids)
    assert len(fig.data) == 4  # 3 clusters + centroids
    flat_pixels, flat_labels = img.reshape(-1, 3), labels.ravel()
    for j, trace in enumerate(fig.data[:3]):
        assert _rgb(trace.marker.color) == np.rint(centroids[j]).astype(int).tolist()
        np.testing.assert_array_equal(_points(trace), flat_pixels[flat_labels == j])


def test_centroid_markers_sit_at_the_centroids_in_their_own_color(img):
    centroids = np.array([[30.0, 30.0, 30.0], [220.0, 60.0, 60.0], [100.5, 200.25, 90.0]])
    fig = color_space_figure(img, _palette_labels(img, centroids), centroids)
    marker_trace = fig.data[-1]
    assert marker_trace.name == "centroids"
    np.testing.assert_array_equal(_points(marker_trace), centroids)
    assert [_rgb(c) for c in marker_trace.marker.color] == np.rint(centroids).astype(int).tolist()
    assert marker_trace.marker.size > 2 * fig.data[0].marker.size
    assert marker_trace.marker.line.color == "black"


def test_flat_labels_work_like_an_h_by_w_label_map(img):
    centroids = np.array([[0, 0, 0], [255, 255, 255]])
    labels = _palette_labels(img, centroids)
    a = color_space_figure(img, labels, centroids)
    b = color_space_figure(img, labels.ravel(), centroids)
    for ta, tb in zip(a.data, b.data):
        np.testing.assert_array_equal(_points(ta), _points(tb))


def test_labels_without_centroids_use_the_mean_color_of_each_cluster():
    img = np.array([[[10, 20, 30], [30, 40, 50], [200, 200, 200]]], np.uint8)
    fig = color_space_figure(img, labels=[0, 0, 1])
    assert len(fig.data) == 2
    assert _rgb(fig.data[0].marker.color) == [20, 30, 40]
    assert _rgb(fig.data[1].marker.color) == [200, 200, 200]


def test_centroids_without_labels_are_drawn_over_pixels_in_their_own_colors(img):
    fig = color_space_figure(img, centroids=[[1, 2, 3]])
    assert [t.name for t in fig.data] == ["pixels", "centroids"]


# ------------------------------------------------------------------- size
def test_a_20000_point_figure_stays_under_150_kb_of_json(photo):
    own = color_space_figure(photo, max_points=20_000)
    palette = np.array([[60, 40, 30], [130, 100, 80], [190, 160, 140], [230, 220, 210]])
    clustered = color_space_figure(photo, _palette_labels(photo, palette), palette)
    assert sum(len(t.x) for t in own.data) == 20_000
    assert len(own.to_json()) < 150_000
    assert len(clustered.to_json()) < 150_000


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_points": 0}, ValueError, "max_points"),
        ({"max_points": 2.5}, TypeError, "max_points"),
        ({"labels": np.zeros((3, 3), int)}, ValueError, "labels must have shape"),
        ({"labels": np.zeros((30, 40))}, TypeError, "labels must be integers"),
        ({"labels": np.full((30, 40), 2), "centroids": [[0, 0, 0], [9, 9, 9]]}, ValueError,
         r"0\.\.1"),
        ({"labels": np.full((30, 40), -1)}, ValueError, "labels must be"),
        ({"centroids": [[0, 0], [1, 1]]}, ValueError, r"centroids must have shape \(k, 3\)"),
        ({"centroids": [[0, 0, 300]]}, ValueError, "0..255"),
        ({"marker_size": 0}, ValueError, "marker_size"),
        ({"seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(img, kwargs, error, message):
    with pytest.raises(error, match=message):
        color_space_figure(img, **kwargs)


def test_an_image_that_is_not_rgb_is_refused():
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        color_space_figure(np.zeros((4, 4), np.uint8))


# ------------------------------------------------------------------- centroid paths
@pytest.fixture
def history():
    """Three centroids over four states (initial + 3 iterations), moving in straight lines."""
    start = np.array([[128.0, 128.0, 128.0], [100.0, 50.0, 20.0], [10.0, 250.0, 40.0]])
    end = np.array([[40.0, 40.0, 40.0], [220.0, 60.0, 60.0], [100.0, 200.0, 90.0]])
    return np.stack([start + (end - start) * t / 3 for t in range(4)])


def test_centroid_path_has_one_frame_per_state_moving_only_the_centroids(img, history):
    fig = centroid_path_figure(img, history, _palette_labels(img, history[-1]))
    names = [t.name for t in fig.data]
    assert names == ["cluster 0", "cluster 1", "cluster 2", "paths", "centroids"]
    assert len(fig.frames) == 4
    for t, frame in enumerate(fig.frames):
        assert frame.traces == (4,)
        assert len(frame.data) == 1
        np.testing.assert_allclose(_points(frame.data[0]), history[t], rtol=1e-6)
        assert [_rgb(c) for c in frame.data[0].marker.color] == np.rint(
            history[t]).astype(int).tolist()
    np.testing.assert_array_equal(_points(fig.data[-1]), history[0])


def test_centroid_path_slider_steps_name_the_frames(img, history):
    fig = centroid_path_figure(img, history)
    steps = fig.layout.sliders[0].steps
    assert [list(s.args[0]) for s in steps] == [[f.name] for f in fig.frames]


def test_centroid_path_lines_follow_every_centroid(img, history):
    fig = centroid_path_figure(img, history)
    paths = next(t for t in fig.data if t.name == "paths")
    route = _points(paths).astype(float).reshape(3, 5, 3)  # k routes of T points + a gap
    np.testing.assert_allclose(route[:, :4], history.transpose(1, 0, 2), rtol=1e-6)
    assert np.isnan(route[:, 4]).all()


def test_centroid_path_pixels_take_their_final_cluster_color(img, history):
    labels = _palette_labels(img, history[-1])
    fig = centroid_path_figure(img, history, labels)
    for j in range(3):
        assert _rgb(fig.data[j].marker.color) == np.rint(history[-1, j]).astype(int).tolist()


def test_centroid_path_respects_max_points_and_stays_small(photo, history):
    fig = centroid_path_figure(photo, history, max_points=10_000)
    assert len(fig.data[0].x) == 10_000
    assert len(fig.to_json()) < 150_000


def test_centroid_path_refuses_a_history_that_is_not_t_by_k_by_3(img):
    with pytest.raises(ValueError, match=r"\(T, k, 3\)"):
        centroid_path_figure(img, np.zeros((4, 3)))


def test_centroid_path_refuses_labels_beyond_the_centroids(img, history):
    with pytest.raises(ValueError, match="labels must be"):
        centroid_path_figure(img, history, np.full((30, 40), 3))


# ------------------------------------------------------------------- still pictures
@pytest.fixture
def notebook_renderer(monkeypatch):
    """plotly's renderer in a Jupyter kernel (outside one it would open a browser)."""
    import plotly.io as pio
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.instance()
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")


def _png(data) -> np.ndarray:
    import base64
    import io

    raw = base64.b64decode(data) if isinstance(data, str) else data
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))


def test_static_image_is_a_png_of_the_size_asked(img):
    picture = _png(static_image(color_space_figure(img), width=480, height=320))
    assert picture.shape == (320, 480, 3)


def test_static_image_draws_each_cluster_in_its_color():
    img = np.zeros((20, 20, 3), np.uint8)
    img[:, :10] = (230, 20, 20)   # a red cluster
    img[:, 10:] = (20, 20, 230)   # a blue one
    labels = np.repeat([[0] * 10 + [1] * 10], 20, axis=0)
    centroids = np.array([[230.0, 20, 20], [20, 20, 230]])
    fig = color_space_figure(img, labels, centroids, marker_size=8)
    picture = _png(static_image(fig)).astype(int)
    red = (picture[..., 0] > 180) & (picture[..., 1] < 80) & (picture[..., 2] < 80)
    blue = (picture[..., 2] > 180) & (picture[..., 0] < 80) & (picture[..., 1] < 80)
    assert red.sum() > 100 and blue.sum() > 100
    green = (picture[..., 1] > 180) & (picture[..., 0] < 80) & (picture[..., 2] < 80)
    assert green.sum() == 0  # no color that the figure does not hold


def test_a_displayed_figure_stores_the_plotly_figure_and_a_still_png(img, notebook_renderer):
    fig = color_space_figure(img, title="my cloud")
    bundle = fig.bundle()
    assert set(bundle) == {"application/vnd.plotly.v1+json", "image/png", "text/plain"}
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["name"] == "pixels"
    assert _png(bundle["image/png"]).shape == (640, 960, 3)
    assert "my cloud" in bundle["text/plain"]


def test_show_in_a_notebook_sends_one_output_with_both(img, notebook_renderer):
    from IPython.utils.capture import capture_output

    fig = centroid_path_figure(img, np.full((2, 1, 3), 100.0))
    with capture_output() as captured:
        fig.show()
    assert len(captured.outputs) == 1
    assert {"application/vnd.plotly.v1+json", "image/png"} <= set(captured.outputs[0].data)


def test_still_false_keeps_the_plotly_output_alone(img, notebook_renderer):
    from IPython.utils.capture import capture_output

    fig = color_space_figure(img, still=False)
    with capture_output() as captured:
        fig.show()
    assert [set(o.data) for o in captured.outputs] == [{"application/vnd.plotly.v1+json"}]


def test_the_camera_looks_across_the_gray_diagonal_not_along_it(tiny_photo):
    # Photos' pixels lie near R = G = B: seen along that diagonal their cloud is a dot.
    fig = color_space_figure(tiny_photo)
    eye = np.array([fig.layout.scene.camera.eye[a] for a in "xyz"])
    cosine = eye @ np.ones(3) / (np.linalg.norm(eye) * np.sqrt(3))
    assert abs(cosine) < 0.35  # within about 20° of a right angle to the diagonal

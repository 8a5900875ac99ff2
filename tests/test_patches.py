"""Tests of labkit.patches against a naive double loop over the pixels."""

from __future__ import annotations

import numpy as np
import pytest

from labkit.patches import column_features, has_patch, patch_features


def naive_patches(gray, p, border):
    """One pixel at a time: the p × p square around it (edge-replicated or interior only)."""
    h, w = gray.shape
    r = p // 2
    rows = []
    for i in range(h):
        for j in range(w):
            if border == "black" and not (r <= i < h - r and r <= j < w - r):
                continue
            patch = [gray[min(max(i + di, 0), h - 1), min(max(j + dj, 0), w - 1)]
                     for di in range(-r, r + 1) for dj in range(-r, r + 1)]
            rows.append(patch)
    return np.array(rows, dtype=np.uint8).reshape(-1, p * p)


@pytest.fixture
def gray():
    return np.random.default_rng(0).integers(0, 256, size=(7, 9), dtype=np.uint8)


@pytest.mark.parametrize("p", [1, 3, 5])
@pytest.mark.parametrize("border", ["edge", "black"])
@pytest.mark.parametrize("width", [8, 9])
def test_patch_features_match_a_naive_double_loop(p, border, width):
    gray = np.random.default_rng(width).integers(0, 256, size=(6, width), dtype=np.uint8)
    got = patch_features(gray, p, border=border)
    np.testing.assert_array_equal(got, naive_patches(gray, p, border))
    assert got.dtype == np.uint8


def test_edge_border_gives_every_pixel_a_patch_and_black_only_the_interior(gray):
    assert patch_features(gray, 3).shape == (7 * 9, 9)
    assert patch_features(gray, 5, border="black").shape == ((7 - 4) * (9 - 4), 25)


def test_centre_column_is_the_pixel_itself(gray):
    np.testing.assert_array_equal(patch_features(gray, 5)[:, 12], gray.ravel())


@pytest.mark.parametrize("p", [1, 3, 5])
@pytest.mark.parametrize("border", ["edge", "black"])
def test_column_features_are_the_whole_images_patches_of_those_columns(gray, p, border):
    h, w = gray.shape
    full = naive_patches(gray, p, border)
    if border == "edge":
        owner = np.indices((h, w))[1].ravel()
    else:
        owner = np.indices((h, w))[1][has_patch((h, w), p, border)]
    for start, stop in [(0, w // 2), (w // 2, w), (2, 3)]:
        got = column_features(gray, start, stop, patch=p, border=border)
        np.testing.assert_array_equal(got, full[(owner >= start) & (owner < stop)])


def test_right_half_patches_see_the_left_halfs_gray_pixels():
    gray = np.zeros((3, 4), dtype=np.uint8)
    gray[:, 1] = 200                                 # last column of the left half
    right = column_features(gray, 2, 4, patch=3)
    assert right[0].reshape(3, 3)[:, 0].tolist() == [200, 200, 200]


@pytest.mark.parametrize("border", ["edge", "black"])
@pytest.mark.parametrize("p", [1, 3, 5])
def test_has_patch_marks_the_pixels_whose_patches_are_returned_in_order(gray, p, border):
    mask = has_patch(gray.shape, p, border)
    np.testing.assert_array_equal(patch_features(gray, p, border)[:, p * p // 2], gray[mask])


def test_has_patch_is_a_frame_of_half_the_patch_for_black_borders():
    mask = has_patch((6, 7), 5, border="black")
    expected = np.zeros((6, 7), bool)
    expected[2:4, 2:5] = True
    np.testing.assert_array_equal(mask, expected)
    assert has_patch((6, 7), 5).all()


@pytest.mark.parametrize("p", [0, -1, 2, 4])
def test_even_or_non_positive_patch_is_refused(gray, p):
    with pytest.raises(ValueError, match="patch"):
        patch_features(gray, p)


def test_non_integer_patch_is_a_type_error(gray):
    with pytest.raises(TypeError, match="patch"):
        patch_features(gray, 3.0)


def test_image_smaller_than_the_patch_is_refused_with_black_border():
    with pytest.raises(ValueError, match="smaller than the 5×5 patch"):
        patch_features(np.zeros((4, 10), np.uint8), 5, border="black")


def test_edge_border_handles_an_image_smaller_than_the_patch():
    gray = np.arange(4, dtype=np.uint8).reshape(2, 2)
    np.testing.assert_array_equal(patch_features(gray, 5), naive_patches(gray, 5, "edge"))


def test_bad_gray_images_are_refused():
    with pytest.raises(TypeError, match="uint8"):
        patch_features(np.zeros((3, 3)), 3)
    with pytest.raises(ValueError, match="2-D"):
        patch_features(np.zeros((3, 3, 3), np.uint8), 3)
    with pytest.raises(ValueError, match="border"):
        patch_features(np.zeros((3, 3), np.uint8), 3, border="wrap")
    with pytest.raises(ValueError, match="stop must be an integer in 3..3"):
        column_features(np.zeros((3, 3), np.uint8), 2, 2)
    with pytest.raises(ValueError, match="start"):
        column_features(np.zeros((3, 3), np.uint8), -1, 2)
    with pytest.raises(TypeError, match="start"):
        column_features(np.zeros((3, 3), np.uint8), 0.0, 2)
    with pytest.raises(ValueError, match="0..255"):
        patch_features(np.full((3, 3), 256), 3)
    with pytest.raises(ValueError, match=r"\(height, width\)"):
        has_patch((3, 3, 3), 3)
    with pytest.raises(TypeError, match="shape"):
        has_patch(3, 3)

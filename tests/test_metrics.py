"""Tests of labkit.metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion
from sklearn.metrics import precision_recall_fscore_support

from labkit.metrics import (
    ColorizeMetrics,
    classification_report,
    compare,
    confusion_matrix,
    errors,
    mae,
    mse,
    psnr,
    rmse,
)


def test_errors_on_tiny_arrays_match_hand_computed_values():
    a, b = np.array([0, 3], np.uint8), np.array([0, 0], np.uint8)
    assert mse(a, b) == 4.5
    assert rmse(a, b) == pytest.approx(np.sqrt(4.5))
    assert mae(a, b) == 1.5
    assert psnr(a, b) == pytest.approx(10 * np.log10(255**2 / 4.5))


def test_uint8_differences_do_not_wrap_around():
    assert mse(np.array([0], np.uint8), np.array([255], np.uint8)) == 255.0**2
    assert mae(np.array([0], np.uint8), np.array([1], np.uint8)) == 1.0


def test_psnr_of_identical_images_is_infinite_and_errors_agree():
    img = np.full((2, 2, 3), 7, np.uint8)
    assert psnr(img, img) == float("inf")
    e = errors(img, img ^ 1)
    assert e == {"mse": 1.0, "rmse": 1.0, "mae": 1.0, "psnr": pytest.approx(10 * np.log10(255**2))}


def test_error_functions_refuse_shape_mismatch_and_non_numbers():
    with pytest.raises(ValueError, match="same shape"):
        mse(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="numbers"):
        mae(["a"], ["b"])


def test_confusion_matrix_matches_scikit_learn():
    rng = np.random.default_rng(0)
    true, pred = rng.integers(0, 5, 500), rng.integers(0, 5, 500)
    cm = confusion_matrix(true, pred, 5)
    np.testing.assert_array_equal(cm.to_numpy(), sk_confusion(true, pred, labels=range(5)))
    assert cm.index.name == "true color" and cm.columns.name == "predicted color"


def test_classification_report_matches_scikit_learn_with_missing_colors():
    rng = np.random.default_rng(1)
    true, pred = rng.integers(0, 4, 300), rng.integers(0, 3, 300)   # color 3 never predicted
    true[true == 2] = 0                                               # color 2 never true
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = classification_report(true, pred, 5)                 # color 4: neither
    p, r, f, s = precision_recall_fscore_support(true, pred, labels=range(5), zero_division=0)
    np.testing.assert_allclose(report["precision"], p)
    np.testing.assert_allclose(report["recall"], r)
    np.testing.assert_allclose(report["f1"], f)
    np.testing.assert_array_equal(report["support"], s)


def test_labels_out_of_range_are_refused():
    with pytest.raises(ValueError, match="0..1"):
        confusion_matrix([0, 2], [0, 1], 2)
    with pytest.raises(TypeError, match="integer"):
        classification_report([0.0], [0.0], 2)


def _metrics(test_mse):
    e = errors([0, 0], [0, np.sqrt(2 * test_mse)])
    return ColorizeMetrics(train=e, test=e, train_luma=e, test_luma=e, accuracy=0.5,
                           confusion=None, report=None)


def test_compare_puts_results_side_by_side():
    table = compare([_metrics(4.0), _metrics(9.0)], names=["a", "b"])
    assert list(table.index) == ["a", "b"]
    np.testing.assert_allclose(table["test_mse"], [4.0, 9.0])
    np.testing.assert_allclose(table["test_rmse_luma"], [2.0, 3.0])
    assert {"train_psnr", "test_mae_luma", "accuracy"} <= set(table.columns)


def test_compare_refuses_wrong_names_and_non_results():
    with pytest.raises(ValueError, match="one name per result"):
        compare([_metrics(1.0)], names=["a", "b"])
    with pytest.raises(TypeError, match="Colorized"):
        compare([object()])


def test_the_classification_names_still_import_from_metrics():
    import labkit.classification as classification
    import labkit.metrics as metrics

    assert metrics.confusion_matrix is classification.confusion_matrix
    assert metrics.classification_report is classification.classification_report


def test_errors_refuse_nan_and_agree_with_the_single_functions():
    with pytest.raises(ValueError, match="a must be finite"):
        errors([np.nan, 1.0], [0.0, 1.0])
    a, b = np.array([[0, 10], [200, 255]], np.uint8), np.array([[3, 0], [255, 250]], np.uint8)
    e = errors(a, b)
    assert e == {"mse": mse(a, b), "rmse": rmse(a, b), "mae": mae(a, b), "psnr": psnr(a, b)}


def test_psnr_peak_must_be_a_positive_number():
    assert psnr([0, 1], [0, 0], peak=1.0) == pytest.approx(10 * np.log10(1 / 0.5))
    with pytest.raises(ValueError, match="peak"):
        psnr([0, 1], [0, 0], peak=0)


def test_predictions_of_another_length_are_refused():
    with pytest.raises(ValueError, match=r"pred must have shape \(3,\)"):
        confusion_matrix([0, 1, 1], [0, 1], 2)

"""Training plots: valid PNG files, the right picture, clear errors."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from autodiff import Value
from nn.plots import ABOVE, BELOW, _score_grid, plot_decision_boundary, plot_loss

PNG = b"\x89PNG\r\n\x1a\n"


def read_png(path):
    data = path.read_bytes()
    assert data.startswith(PNG) and data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82")
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    return image


def share_of_colour(image, colour):
    """The share of pixels within one shade step of `colour`."""
    return float(np.mean(np.all(np.abs(image[..., :3] - to_rgb(colour)) < 2 / 255, axis=-1)))


def test_loss_curve_is_a_png(tmp_path):
    losses = [Value(1.0 / (1 + i)) for i in range(30)]  # Values are read by their data
    out = plot_loss(losses, tmp_path / "loss.png", log_scale=True)
    assert out == tmp_path / "loss.png"
    image = read_png(out)
    assert image[..., :3].std() > 0  # something was drawn


def test_loss_curve_errors(tmp_path):
    with pytest.raises(ValueError, match="plot_loss.*empty"):
        plot_loss([], tmp_path / "loss.png")
    with pytest.raises(ValueError, match="plot_loss.*log_scale.*-1.0"):
        plot_loss([1.0, -1.0], tmp_path / "loss.png", log_scale=True)
    with pytest.raises(TypeError, match="plot_loss.*str"):
        plot_loss([1.0, "x"], tmp_path / "loss.png")
    with pytest.raises(TypeError, match=r"plot_loss: expected a list of losses, got float \(0.5\)"):
        plot_loss(0.5, tmp_path / "loss.png")
    with pytest.raises(TypeError, match="plot_loss: the path should be a str or a pathlib.Path, got int"):
        plot_loss([1.0], 1)
    assert list(tmp_path.iterdir()) == []


def circle(xy):
    return 1.0 - xy[0] ** 2 - xy[1] ** 2


POINTS = [(-1.5, -1.0), (1.5, 1.0), (0.1, 0.2), (-0.3, 0.4)]
LABELS = [-1, -1, 1, 1]


def test_score_grid_is_the_model_on_the_grid():
    xy = np.array(POINTS)
    seen = []

    def model(inputs):
        seen.append(inputs)
        return (inputs[0] * 2 - inputs[1]).tanh()  # needs Values, not floats

    xs, ys, scores = _score_grid(model, xy, resolution=7, margin=0.5)
    assert xs.shape == ys.shape == scores.shape == (7, 7)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (-2.0, 2.0, -1.5, 1.5)
    expected = np.tanh(xs * 2 - ys)
    np.testing.assert_allclose(scores, expected, rtol=1e-15, atol=1e-15)
    assert len(seen) == 49 and all(isinstance(v, Value) and not v.requires_grad for v in seen[0])


def test_decision_boundary_shows_both_sides(tmp_path):
    out = plot_decision_boundary(circle, POINTS, LABELS, tmp_path / "boundary.png", resolution=40)
    image = read_png(out)
    # Inside the circle the score is above 0; the grid spans [-2, 2] x [-1.5, 1.5].
    inside, outside = share_of_colour(image, ABOVE), share_of_colour(image, BELOW)
    assert inside > 0.05 and outside > 0.05
    assert inside < outside  # the disc covers less of the grid than the rest


def test_decision_boundary_threshold_moves_it(tmp_path):
    # With the threshold above every score the whole grid is "below".
    out = plot_decision_boundary(circle, POINTS, LABELS, tmp_path / "b.png", threshold=5.0, resolution=10)
    image = read_png(out)
    assert share_of_colour(image, ABOVE) == 0 and share_of_colour(image, BELOW) > 0.3


def test_decision_boundary_errors(tmp_path):
    path = tmp_path / "b.png"
    with pytest.raises(ValueError, match="4 points but 3 labels"):
        plot_decision_boundary(circle, POINTS, LABELS[:3], path)
    with pytest.raises(ValueError, match="pairs"):
        plot_decision_boundary(circle, [(1.0, 2.0, 3.0)], [1], path)
    with pytest.raises(ValueError, match="pairs"):
        plot_decision_boundary(circle, [], [], path)
    with pytest.raises(ValueError, match="resolution.*1"):
        plot_decision_boundary(circle, POINTS, LABELS, path, resolution=1)
    with pytest.raises(TypeError, match="model's score.*list"):
        plot_decision_boundary(lambda xy: [xy[0]], POINTS, LABELS, path)
    with pytest.raises(TypeError, match="plot_decision_boundary: model should be callable"):
        plot_decision_boundary("model", POINTS, LABELS, path)
    with pytest.raises(TypeError, match="plot_decision_boundary: expected points as .* pairs, got float"):
        plot_decision_boundary(circle, 1.0, LABELS, path)
    with pytest.raises(TypeError, match="plot_decision_boundary: expected labels as a list of numbers, got int"):
        plot_decision_boundary(circle, POINTS, 1, path)
    with pytest.raises(TypeError, match="plot_decision_boundary: resolution should be a positive int, got str"):
        plot_decision_boundary(circle, POINTS, LABELS, path, resolution="10")
    with pytest.raises(ValueError, match="plot_decision_boundary: margin should be a number >= 0, got -1"):
        plot_decision_boundary(circle, POINTS, LABELS, path, margin=-1)
    with pytest.raises(TypeError, match="plot_decision_boundary: the path should be a str or a pathlib.Path"):
        plot_decision_boundary(circle, POINTS, LABELS, 3)
    assert not path.exists()

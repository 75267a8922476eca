"""Compare your own code with PyTorch in your tests, as autodiff's own suite does.

- `assert_matches_torch(fn, inputs, order=...)`: a function's value and derivatives (up to the
  third) against torch float64;
- `assert_module_matches_torch(model, loss_fn, (inputs, targets))`: an `nn` model's loss and
  every parameter's gradient against its `to_torch()` twin;
- `assert_close(ours, theirs)`: numbers, Values, tensors or lists of them, by the rule of
  `autodiff.testing.closeness`;
- `autodiff.testing.strategies`: hypothesis strategies for random expressions.

torch and hypothesis are imported only when a function that needs them runs.

>>> from autodiff import Op
>>> softplus = Op("softplus", lambda m, x: m.log1p(m.exp(x)), lambda m, g, out, x: (g * m.sigmoid(x),))
>>> assert_matches_torch(softplus, [0.3], torch_fn=lambda t: t.exp().log1p(), order=2)
"""

from .closeness import assert_close, is_close
from .derivatives import assert_matches_torch
from .modules import assert_module_matches_torch

__all__ = ["assert_close", "assert_matches_torch", "assert_module_matches_torch", "is_close"]

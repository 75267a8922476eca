"""Compare your own code with PyTorch in your tests, as autodiff's own suite does (the guide
"Testing against PyTorch"); `autodiff.testing.strategies` has hypothesis strategies for random
expressions. torch and hypothesis are imported only when a function that needs them runs.

>>> from autodiff import Op
>>> softplus = Op("softplus", lambda m, x: m.log1p(m.exp(x)), lambda m, g, out, x: (g * m.sigmoid(x),))
>>> assert_matches_torch(softplus, [0.3], torch_fn=lambda t: t.exp().log1p(), order=2)
"""

from .closeness import assert_close, is_close
from .derivatives import assert_matches_torch
from .modules import assert_module_matches_torch

__all__ = ["assert_close", "assert_matches_torch", "assert_module_matches_torch", "is_close"]

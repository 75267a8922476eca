"""`Embedding`: a table of `num_embeddings` learned vectors, looked up by index, as PyTorch's
`torch.nn.Embedding` (a GPT's token and position embeddings)."""

from __future__ import annotations

import numbers

from autodiff import Value

from . import _checks as checks
from . import init
from .linear import _matrix
from .module import Module, Tensor


class Embedding(Module):
    """`num_embeddings` rows of `embedding_dim` Values, drawn from N(0, 1) as PyTorch's; calling it
    with an index gives that row (the Values themselves: the gradient flows into the table).

    >>> emb = Embedding(27, 4)
    >>> row = emb(3)
    >>> len(row), row[0] is emb.weight[3][0]
    (4, True)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, label: str = "emb") -> None:
        self.num_embeddings = checks.positive_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = checks.positive_int("Embedding", "embedding_dim", embedding_dim)
        self.weight = _matrix(self.num_embeddings, self.embedding_dim, label)
        init.normal_(self.weight, 0.0, 1.0)

    def __repr__(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """ "weight", flat, row by row, as `Linear`'s.

        >>> [(name, len(t)) for name, t in Embedding(3, 2).named_parameters()]
        [('weight', 6)]
        """
        return [("weight", [w for row in self.weight for w in row])]

    def forward(self, index: int) -> list[Value]:
        """Row `index` of the table.

        >>> Embedding(2, 3)(5)
        Traceback (most recent call last):
        ValueError: Embedding: index 5 is out of range for 2 embeddings
        """
        if not isinstance(index, numbers.Integral) or isinstance(index, bool):
            raise TypeError(f"Embedding: index should be an int, got {type(index).__name__} ({index!r})")
        if not 0 <= index < self.num_embeddings:
            raise ValueError(f"Embedding: index {index} is out of range for {self.num_embeddings} embeddings")
        return self.weight[int(index)]

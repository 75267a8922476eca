"""The GPT's blocks against PyTorch's own modules, float64, at 1e-12 in values and gradients:
each module through the torch bridge (`nn.torch_blocks`), on random inputs, with a random
weighting of its outputs as the loss (so that no gradient is a sum that cancels)."""

import math

import pytest
import torch

import nn
from autodiff import Value
from autodiff.testing import assert_close
from nn.torch_blocks import load_from_torch, to_torch


def weighted_loss(outs, weights):
    flat = [v for row in outs for v in (row if isinstance(row, list) else [row])]
    return sum((w * v for w, v in zip(weights, flat)), Value(0.0)), len(flat)


def within_scale(ours, theirs):
    """1e-12 relative, or 1e-12 of the tensor's largest entry: an entry near 0 is a sum that
    cancels (a LayerNorm output near the mean, an exactly-zero gradient), whose rounding noise
    is that of its terms."""
    theirs = theirs.detach()
    assert_close(ours, theirs, atol=max(1e-12 * theirs.abs().max().item(), 1e-300))


def compare(module, theirs_out, inputs, t_inputs, outs, rng):
    """Our outputs and torch's, then the gradients of one random weighting of them."""
    within_scale(outs, theirs_out)
    loss, n = weighted_loss(outs, weights := rng.uniform(-1, 1, 10_000).tolist())
    loss.backward()
    (theirs_out.reshape(-1) * torch.tensor(weights[:n], dtype=torch.float64)).sum().backward()
    if inputs is not None:
        within_scale([[v.grad for v in row] for row in inputs], t_inputs.grad)


@pytest.fixture(autouse=True)
def _seeded(rng):
    nn.manual_seed(int(rng.integers(2**31)))  # nn's generator, for the initial weights: per test


def values(rng, rows, cols):
    return [[Value(float(x)) for x in row] for row in rng.normal(size=(rows, cols))]


def as_tensor(rows):
    return torch.tensor([[v.data for v in row] for row in rows], dtype=torch.float64, requires_grad=True)


def assert_same_grads(module, theirs):
    """Each parameter tensor's data and gradients (the key bias's gradient is zero in exact
    arithmetic: softmax ignores a score added to every key; it comes out as rounding noise)."""
    from nn.torch_blocks import _pairs

    for ours, tensor in _pairs(module, theirs):
        assert_close([v.data for v in ours], tensor.detach().reshape(-1))
        if tensor.grad is None or not tensor.grad.abs().max().item():
            assert all(v.grad == 0.0 for v in ours)
        else:
            within_scale([v.grad for v in ours], tensor.grad.reshape(-1))


@pytest.mark.parametrize("bias", [True, False])
def test_linear_is_torch_linear(rng, bias):
    layer = nn.Linear(5, 3, bias=bias)
    theirs = to_torch(layer)
    x = values(rng, 4, 5)
    tx = as_tensor(x)
    compare(layer, theirs(tx), x, tx, [layer(row) for row in x], rng)
    assert_same_grads(layer, theirs)


def test_embedding_is_torch_embedding(rng):
    emb = nn.Embedding(7, 3)
    theirs = to_torch(emb)
    tokens = [3, 0, 3, 6]
    compare(emb, theirs(torch.tensor(tokens)), None, None, [emb(t) for t in tokens], rng)
    assert_same_grads(emb, theirs)  # row 3 got two rows' gradients, rows 1, 2, 4, 5 none


@pytest.mark.parametrize("eps", [None, 1e-5, 0.3])
@pytest.mark.parametrize("affine", [True, False])
def test_rmsnorm_is_torch_rmsnorm(rng, eps, affine):
    norm = nn.RMSNorm(6, eps=eps, elementwise_affine=affine)
    if affine:
        nn.init.normal_(norm.weight)
    theirs = to_torch(norm)
    x = values(rng, 5, 6)
    tx = as_tensor(x)
    compare(norm, theirs(tx), x, tx, [norm(row) for row in x], rng)
    assert_same_grads(norm, theirs)


@pytest.mark.parametrize(("affine", "bias"), [(True, True), (True, False), (False, False)])
def test_layernorm_is_torch_layernorm(rng, affine, bias):
    norm = nn.LayerNorm(6, eps=1e-5, elementwise_affine=affine, bias=bias)
    for tensor in (norm.weight, norm.bias):
        if tensor is not None:
            nn.init.normal_(tensor)
    theirs = to_torch(norm)
    x = values(rng, 5, 6)
    tx = as_tensor(x)
    compare(norm, theirs(tx), x, tx, [norm(row) for row in x], rng)
    assert_same_grads(norm, theirs)


@pytest.mark.parametrize(("embed_dim", "heads", "bias"), [(8, 2, False), (6, 3, True), (4, 1, False)])
def test_attention_is_torch_multihead_attention_with_a_causal_mask(rng, embed_dim, heads, bias):
    attn = nn.CausalSelfAttention(embed_dim, heads, bias=bias)
    if bias:
        nn.init.normal_([b for p in (attn.query, attn.key, attn.value, attn.out_proj) for b in p.bias])
    theirs = to_torch(attn)
    x = values(rng, 5, embed_dim)
    tx = as_tensor(x)
    mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    t_out = theirs(tx[None], tx[None], tx[None], attn_mask=mask, need_weights=False)[0][0]
    compare(attn, t_out, x, tx, attn(x), rng)
    assert_same_grads(attn, theirs)


def test_attention_weights_and_score_are_the_sdpa_formula(rng):
    attn, cache = nn.CausalSelfAttention(8, 2), nn.KVCache()
    x = values(rng, 4, 8)
    for row in x:
        attn.step(row, cache)
    tx = as_tensor(x).detach()
    q, k = tx @ as_tensor(attn.query.weight).detach().T, tx @ as_tensor(attn.key.weight).detach().T
    for h in range(2):
        qh, kh = q[:, 4 * h : 4 * h + 4], k[:, 4 * h : 4 * h + 4]
        scores = qh @ kh.T / math.sqrt(4)
        probs = torch.softmax(scores.masked_fill(torch.ones(4, 4).triu(1).bool(), -math.inf), dim=-1)
        for t in range(4):
            assert_close(cache.weights[t][h], probs[t, : t + 1])
        assert_close(attn.score(x[3], x[1], head=h), scores[3, 1])


def test_the_bridge_copies_weights_back_from_torch():
    nn.manual_seed(1)
    ours, other = nn.GPT(5, block_size=4, n_embd=4, n_head=2), nn.GPT(5, block_size=4, n_embd=4, n_head=2)
    load_from_torch(other, to_torch(ours))
    assert other.state_dict() == ours.state_dict()
    with pytest.raises(ValueError, match="does not fit"):
        load_from_torch(nn.Linear(2, 2), to_torch(nn.Linear(3, 2)))
    with pytest.raises(TypeError, match="no torch counterpart for Block"):
        to_torch(nn.Block(4, 1))


def test_adamw_is_torch_adamw(rng):
    start = rng.normal(size=6).tolist()
    ours = [Value(x) for x in start]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = nn.AdamW(ours, lr=0.05, betas=(0.85, 0.99), eps=1e-8, weight_decay=0.1)
    t_opt = torch.optim.AdamW([theirs], lr=0.05, betas=(0.85, 0.99), eps=1e-8, weight_decay=0.1)
    schedule = nn.LinearLR(opt, 1.0, 0.0, total_iters=8)
    t_schedule = torch.optim.lr_scheduler.LinearLR(t_opt, 1.0, 0.0, total_iters=8)
    for _ in range(10):
        opt.zero_grad()
        t_opt.zero_grad()
        sum((v**3 - 2 * v for v in ours), Value(0.0)).backward()
        (theirs**3 - 2 * theirs).sum().backward()
        opt.step()
        t_opt.step()
        schedule.step()
        t_schedule.step()
        assert_close(ours, theirs.detach())
        assert_close(schedule.get_last_lr(), t_schedule.get_last_lr(), atol=1e-17)
    assert opt.lr == 0.0


def test_new_modules_check_their_arguments():
    cases = [
        (lambda: nn.Linear(0, 2), ValueError, "Linear: in_features should be a positive int, got 0"),
        (lambda: nn.Linear(2, 2, bias=1), TypeError, "Linear: bias should be a bool"),
        (lambda: nn.Embedding(3, "4"), TypeError, "Embedding: embedding_dim should be a positive int"),
        (lambda: nn.Embedding(3, 2)(1.0), TypeError, "Embedding: index should be an int, got float"),
        (lambda: nn.RMSNorm(3, eps=-1.0), ValueError, "RMSNorm: eps should be a number >= 0, got -1.0"),
        (lambda: nn.LayerNorm(2)([1.0, "x"]), TypeError, "LayerNorm: input 1 should be a number or a Value"),
        (lambda: nn.CausalSelfAttention(6, 4), ValueError, "embed_dim 6 should be a multiple of num_heads 4"),
        (lambda: nn.CausalSelfAttention(4, 2).step([0.0] * 4, []), TypeError, "cache should be a KVCache"),
        (lambda: nn.GPT(27, n_embd=16, n_head=3), ValueError, "GPT: n_embd 16 should be a multiple of n_head 3"),
        (lambda: nn.GPT(5, block_size=2, n_embd=4, n_head=1)([1, 2, 3]), ValueError, "more than the block size 2"),
        (lambda: nn.GPT(5, n_embd=4, n_head=1).loss([1]), ValueError, "needs at least 2 tokens"),
        (lambda: nn.GPT(5, n_embd=4, n_head=1).generate(0, temperature=0), ValueError, "temperature"),
        (lambda: nn.LinearLR(nn.SGD([Value(0.0)], lr=1.0), 0.0), ValueError, "start_factor should be in"),
        (lambda: nn.LinearLR("opt"), TypeError, "LinearLR: expected an nn optimizer, got str"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message.replace("(", r"\(")):
            make()

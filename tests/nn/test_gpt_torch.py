"""The GPT of `nn` and the same GPT built from `torch.nn` modules (`nn.torch_blocks`), from the
same initial weights, trained 20 steps on the demo's names by AdamW with the linear decay, ours
and torch.optim's: the same loss at every step to 1e-9, the same weights at the end."""

import torch

from autodiff.testing import assert_close
from demos import gpt as demo
from nn.torch_blocks import to_torch

STEPS = 20


def test_the_gpt_trains_as_the_same_gpt_in_torch():
    model = demo.make_model(seed=7)
    theirs = to_torch(model)
    opt, schedule = demo.make_optimizer(model, STEPS)
    t_opt = torch.optim.AdamW(theirs.parameters(), lr=0.01, betas=(0.85, 0.99), eps=1e-8, weight_decay=0.01)
    t_schedule = torch.optim.lr_scheduler.LinearLR(t_opt, 1.0, 0.0, total_iters=STEPS)
    ours_losses, their_losses = [], []
    for tokens in demo.batches(demo.load_names(), STEPS, model.block_size, seed=7):
        loss = model.loss(tokens)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        ours_losses.append(loss.data)
        t_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(tokens[:-1])), torch.tensor(tokens[1:]))
        t_opt.zero_grad()
        t_loss.backward()
        t_opt.step()
        t_schedule.step()
        their_losses.append(t_loss.item())
    assert_close(ours_losses, their_losses, rtol=1e-9)
    assert ours_losses[0] != ours_losses[-1]  # it trained: the weights moved
    assert_close(model.state_dict()["wte.weight"], theirs.wte.weight.detach(), rtol=1e-9, atol=1e-12)
    assert_close(model.state_dict()["lm_head.weight"], theirs.lm_head.weight.detach(), rtol=1e-9, atol=1e-12)

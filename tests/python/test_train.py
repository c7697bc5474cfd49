"""lamarck.train: a short PPO run from Python learns CartPole, and accepts a discovered objective."""
import numpy as np
import pytest

import lamarck


def test_ppo_learns_cartpole_briefly():
    out = lamarck.train("CartPole-v1", total_steps=40_000, seeds=2, seed=3)
    curves = out["curves"]
    assert curves.shape == (2, 40_000 // 512)
    assert out["final_returns"].shape == (2,)
    # random play averages ~22; 40k steps of PPO is well beyond that
    assert np.nanmean(out["final_returns"]) > 60


def test_train_with_builtin_objective_and_errors():
    out = lamarck.train("CartPole-v1", total_steps=4096, seeds=1, objective="dpo")
    assert out["curves"].shape == (1, 8)
    # DPO (Lu et al. 2022) learns CartPole as PPO does: 40k steps reach ~190-220 on seeds 3's two agents
    # (random play averages ~22)
    dpo = lamarck.train("CartPole-v1", total_steps=40_000, seeds=2, seed=3, objective="dpo")
    assert np.nanmean(dpo["final_returns"]) > 100
    with pytest.raises(ValueError, match="did you mean 'num_envs'"):
        lamarck.train("CartPole-v1", total_steps=4096, num_env=8)
    with pytest.raises(ValueError, match="seeds"):
        lamarck.train("CartPole-v1", seeds=0)
    with pytest.raises(OSError):
        lamarck.train("CartPole-v1", total_steps=4096, objective="/nonexistent/objective.json")

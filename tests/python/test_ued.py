"""lamarck.ued from Python: the level buffer's weights against hand-computed values, a PLR loop over the
maze's levels and over CartPole's physical constants (any env with levels), the scores, and bad input."""
import math

import numpy as np
import pytest

import lamarck


def test_rank_weights_and_staleness_by_hand():
    s = lamarck.ued.LevelSampler(capacity=4, staleness_coef=0.3, temperature=0.5, min_fill_ratio=0.0)
    for level, score in (("a", 0.5), ("b", 2.0), ("c", 1.0)):
        s.insert(level, score)
    # ranks 3, 1, 2 -> (1/r)**2 = 1/9, 1, 1/4 (sum 49/36); staleness 2, 1, 0 of 3
    np.testing.assert_allclose(s.score_weights(), [4 / 49, 36 / 49, 9 / 49], rtol=1e-12)
    np.testing.assert_allclose(s.staleness_weights(), [2 / 3, 1 / 3, 0], rtol=1e-12)
    np.testing.assert_allclose(s.replay_weights(), 0.7 * np.array([4, 36, 9]) / 49 + 0.3 * np.array([2, 1, 0]) / 3)
    assert s.find("b") == 1 and s.find("z") == -1
    assert s.insert("b", 3.0) == 1 and s.size == 3   # a duplicate refreshes its entry


def test_plr_over_maze_levels():
    env = lamarck.envs.make_vec("Maze", 8, seed=0)
    s = lamarck.ued.LevelSampler(capacity=16, min_fill_ratio=0.5, replay_prob=1.0, seed=3)
    rng = np.random.default_rng(0)
    for k in range(8):
        env.levels = lamarck.maze.generate(8, seed=k)
        for level in env.levels:
            s.insert(level, rng.uniform(), optimal_return=0.9)
    assert s.size == 16
    assert s.sample_replay_decision()
    slots = s.sample_replay_levels(8)
    env.levels = [s.level(i) for i in slots]
    assert [lev["walls"] for lev in env.levels] == [s.level(i)["walls"] for i in slots]
    assert s.extra(slots[0])["optimal_return"] == pytest.approx(0.9)


def test_a_buffer_of_cartpole_physics():
    env = lamarck.envs.make_vec("CartPole-v1", 4, seed=0)
    base = env.levels[0]
    s = lamarck.ued.LevelSampler(capacity=8, min_fill_ratio=0.0)
    for k, length in enumerate((0.25, 0.5, 1.0, 2.0)):
        level = dict(base, length=length)
        assert s.insert(level, score=float(k)) == k
    env.levels = [s.level(i) for i in s.sample_replay_levels(4)]
    assert all(lev["length"] in (0.25, 0.5, 1.0, 2.0) for lev in env.levels)


def test_scores_by_hand():
    # one column: an episode of 3 steps (return 1), one of 2 (return 0.5), an unfinished step
    dones = np.array([[0], [0], [1], [0], [1], [0]])
    rewards = np.array([[0], [0], [1], [0], [0.5], [7]], np.float32)
    values = np.array([[0.1], [0.2], [0.3], [0.4], [0.5], [0.6]], np.float32)
    adv = np.array([[0.5], [-1], [0.25], [0.2], [-0.2], [9]], np.float32)
    out = lamarck.ued.score("max_mc", dones, rewards, values, adv)
    assert out["score"][0] == pytest.approx((0.8 + 0.55) / 2, abs=1e-6)
    assert out["episodes"][0] == 2 and out["max_return"][0] == pytest.approx(1.0)
    assert lamarck.ued.score("pvl", dones, rewards, values, adv)["score"][0] == pytest.approx(0.175, abs=1e-6)
    regret = lamarck.ued.score("true_regret", dones, rewards, values, optimal_return=0.9)["score"][0]
    assert regret == pytest.approx(0.15, abs=1e-6)
    none = lamarck.ued.score("max_mc", np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 2)))
    assert all(math.isinf(x) and x < 0 for x in none["score"])


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="capacity"):
        lamarck.ued.LevelSampler(capacity=0)
    with pytest.raises(ValueError, match="prioritization"):
        lamarck.ued.LevelSampler(prioritization="ranked")
    s = lamarck.ued.LevelSampler()
    with pytest.raises(ValueError, match="empty"):
        s.sample_replay_levels(1)
    with pytest.raises(ValueError, match="empty"):
        s.level(0)
    with pytest.raises(ValueError, match="a level is a dict"):
        s.insert(3, 1.0)
    with pytest.raises(ValueError, match="unknown UED score"):
        lamarck.ued.score("maxmc", np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"\(T, N\)"):
        lamarck.ued.score("pvl", np.zeros((2, 1)), np.zeros((3, 1)), np.zeros((2, 1)))

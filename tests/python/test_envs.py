"""lamarck.envs as Gymnasium-style vector envs: loops over every env, autoreset, state, errors."""
import numpy as np
import pytest

import lamarck

ENV_NAMES = lamarck.envs.names()
CLASSIC = [n for n in ENV_NAMES if not n.startswith(("MinAtar/", "Box2D/", "Maze"))]
# envs whose rules draw no random numbers: the seed does not change a trajectory (SpaceInvaders under
# gymnax's conventions has no sticky actions; a maze episode is fixed by its level and the actions)
SEED_FREE = {"MinAtar/SpaceInvaders", "Maze"}


def sample_actions(env, rng):
    space = env.single_action_space
    if hasattr(space, "n"):
        return rng.integers(0, space.n, size=env.num_envs)
    low = np.where(np.isfinite(space.low), space.low, -1.0)
    high = np.where(np.isfinite(space.high), space.high, 1.0)
    return rng.uniform(low, high, size=(env.num_envs,) + space.shape).astype(np.float32)


def test_every_family_is_registered():
    for name in ("CartPole-v1", "MinAtar/Breakout", "Box2D/PushBox"):
        assert name in ENV_NAMES


@pytest.mark.parametrize("env_id", ENV_NAMES)
def test_gymnasium_style_loop(env_id):
    env = lamarck.envs.make_vec(env_id, num_envs=6, seed=3)
    obs, info = env.reset()
    assert obs.shape == (6,) + env.single_observation_space.shape
    assert obs.dtype == np.float32
    assert info == {}
    rng = np.random.default_rng(0)
    episodes = 0
    steps = min(3 * max(env.spec_max_episode_steps, 1), 3000)
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(sample_actions(env, rng))
        assert obs.shape == (6,) + env.single_observation_space.shape
        assert reward.shape == (6,) and reward.dtype == np.float32
        assert terminated.dtype == np.bool_ and truncated.dtype == np.bool_
        done = terminated | truncated
        if done.any():
            assert info["final_obs"].shape == obs.shape
            np.testing.assert_array_equal(info["_final_obs"], done)
            episodes += int(done.sum())
        else:
            assert "final_obs" not in info
    env.close()
    if env.spec_max_episode_steps > 0:
        assert episodes > 0, "every env with a step cap ends episodes within 3 caps"


@pytest.mark.parametrize("env_id", ENV_NAMES)
def test_same_seed_same_trajectory(env_id):
    def run(seed):
        env = lamarck.envs.make_vec(env_id, num_envs=4, seed=seed)
        obs, _ = env.reset()
        rng = np.random.default_rng(1)
        total = [obs]
        for _ in range(50):
            obs, reward, terminated, truncated, _ = env.step(sample_actions(env, rng))
            total += [obs, reward, terminated, truncated]
        return total

    a, b, c = run(7), run(7), run(8)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    # a different seed changes the trajectory, except where the rules draw no random numbers
    if env_id not in SEED_FREE:
        assert any(not np.array_equal(x, y) for x, y in zip(a, c))


@pytest.mark.parametrize("env_id", ENV_NAMES)
def test_snapshot_restore_continues_identically(env_id):
    env = lamarck.envs.make_vec(env_id, num_envs=5, seed=2)
    env.reset()
    rng = np.random.default_rng(4)
    for _ in range(20):
        env.step(sample_actions(env, rng))
    snap = env.snapshot()
    actions = [sample_actions(env, rng) for _ in range(30)]
    first = [env.step(a)[:4] for a in actions]
    env.restore(snap)
    second = [env.step(a)[:4] for a in actions]
    for x, y in zip(first, second):
        for u, v in zip(x, y):
            np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("env_id", CLASSIC)
def test_classic_state_round_trip(env_id):
    env = lamarck.envs.make_vec(env_id, num_envs=3, seed=0)
    env.reset()
    state = env.get_state()
    assert state.shape[0] == 3 and state.ndim == 2
    new_state = state + 0.01
    env.set_state(new_state)
    np.testing.assert_allclose(env.get_state(), new_state, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="state must have shape"):
        env.set_state(np.zeros((2, state.shape[1])))


def test_cartpole_state_is_gymnasium_order():
    env = lamarck.envs.make_vec("CartPole-v1", num_envs=2, seed=0)
    env.reset()
    env.set_state(np.array([[0.1, 0.2, 0.03, 0.4], [0.0, 0.0, 0.0, 0.0]], dtype=np.float32))
    # CartPole's observation is its state (x, x_dot, theta, theta_dot)
    np.testing.assert_allclose(env.observations()[0], [0.1, 0.2, 0.03, 0.4], atol=1e-7)


def test_params_override_and_errors():
    env = lamarck.envs.make_vec("CartPole-v1", 2, seed=0, gravity=12.0)
    assert env.num_envs == 2
    with pytest.raises(ValueError, match="did you mean 'gravity'"):
        lamarck.envs.make_vec("CartPole-v1", 2, gravty=12.0)
    with pytest.raises(ValueError, match="did you mean 'CartPole-v1'"):
        lamarck.envs.make_vec("CartPole-v0", 2)
    with pytest.raises(ValueError, match="num_envs"):
        lamarck.envs.make_vec("CartPole-v1", 0)
    with pytest.raises(ValueError, match="seed"):
        lamarck.envs.make_vec("CartPole-v1", 2, seed=-1)


def test_bad_actions_raise_not_crash():
    env = lamarck.envs.make_vec("CartPole-v1", 4, seed=0)
    env.reset()
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        env.step(np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="must be integers"):
        env.step(np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match="outside"):
        env.step(np.array([0, 1, 2, 0]))
    # checked before any narrowing: 2**32 and 2**32 + 1 would wrap to the valid actions 0 and 1
    with pytest.raises(ValueError, match="action 4294967296 of env 0 is outside"):
        env.step(np.array([2**32, 0, 0, 0], dtype=np.int64))
    with pytest.raises(ValueError, match="outside"):
        env.step(np.array([0, 2**32 + 1, 0, 0], dtype=np.int64))
    with pytest.raises(ValueError, match="outside"):
        env.step(np.array([2**64 - 1, 0, 0, 0], dtype=np.uint64))
    with pytest.raises(ValueError, match="outside"):
        env.step(np.array([-1, 0, 0, 0], dtype=np.int8))
    obs, *_ = env.step(np.array([0, 1, 1, 0]))  # still usable afterwards
    assert obs.shape == (4, 4)
    # non-finite box actions are refused (the env would sit in a NaN state until truncation)
    pend = lamarck.envs.make_vec("Pendulum-v1", 2, seed=0)
    pend.reset()
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match="is not finite"):
            pend.step(np.array([[0.0], [bad]], dtype=np.float32))
    obs, *_ = pend.step(np.zeros((2, 1), dtype=np.float32))
    assert np.all(np.isfinite(obs))


def test_levels_per_instance_from_python():
    env = lamarck.envs.make_vec("CartPole-v1", num_envs=4, seed=0)
    levels = env.get_levels()
    assert len(levels) == 4 and levels[0]["gravity"] == pytest.approx(9.8)
    names = [name for name, _, _ in env.level_fields()]
    assert names[0] == "gravity" and "max_episode_steps" in names
    h = env.level_hash(0)
    env.set_levels({"gravity": 20.0}, ids=[1, 3])
    assert [lv["gravity"] for lv in env.get_levels()] == pytest.approx([9.8, 20.0, 9.8, 20.0])
    assert env.level_hash(0) == h and env.level_hash(1) != h
    # bytes round trip; a dict per instance
    env.set_level_bytes([env.level_bytes(1)], ids=[0])
    assert env.get_levels([0])[0]["gravity"] == pytest.approx(20.0)
    env.set_levels([{"tau": 0.01}, {"tau": 0.03}], ids=[2, 3])
    assert [lv["tau"] for lv in env.get_levels([2, 3])] == pytest.approx([0.01, 0.03])
    # the heavier instances fall faster: same actions, different trajectories only where the level differs
    light = lamarck.envs.make_vec("CartPole-v1", num_envs=4, seed=0)
    env.reset(seed=5)
    light.reset(seed=5)
    for _ in range(5):
        o1, *_ = env.step(np.ones(4, dtype=np.int64))
        o2, *_ = light.step(np.ones(4, dtype=np.int64))
    assert not np.array_equal(o1[1], o2[1])
    # only the listed instances are reset
    obs = env.reset_instances([2], seed=9)
    assert np.array_equal(obs[3], o1[3]) and not np.array_equal(obs[2], o1[2])


def test_bad_levels_raise_and_write_nothing():
    env = lamarck.envs.make_vec("MinAtar/Breakout", num_envs=3, seed=0)
    before = env.get_levels()
    with pytest.raises(ValueError, match="did you mean 'sticky_action_prob'"):
        env.set_levels({"sticky_action_prb": 0.2})
    with pytest.raises(ValueError, match="out of range"):
        env.set_levels([{"sticky_action_prob": 0.2}, {"sticky_action_prob": 3.0}], ids=[0, 1])
    with pytest.raises(ValueError, match="out of range"):
        env.get_levels([7])
    with pytest.raises(ValueError):
        env.set_levels({"sticky_action_prob": 0.2}, ids=["a"])
    with pytest.raises(ValueError):
        env.set_levels("sticky")
    assert env.get_levels() == before

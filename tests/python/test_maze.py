"""lamarck.maze and maze levels through the vector env: holdouts by name, text levels, telemetry,
generator and mutator, and bad levels refused without changing the env."""
import numpy as np
import pytest

import lamarck


def test_holdout_sets_by_name():
    names = lamarck.maze.standard_holdout_names()
    assert names[:2] == ["SixteenRooms", "SixteenRooms2"] and len(names) == 8
    assert set(names) < set(lamarck.maze.holdout_names())
    levels = lamarck.maze.holdout_set()
    assert len(levels) == 8 and levels[0] == lamarck.maze.holdout("SixteenRooms")
    assert lamarck.maze.text(levels[2]).splitlines()[-1] == ">....#......."  # Labyrinth's bottom row
    with pytest.raises(ValueError, match="SixteenRooms"):
        lamarck.maze.holdout("SixteenRoom")


def test_make_vec_with_text_and_named_levels():
    env = lamarck.envs.make_vec("Maze", 3, seed=0, levels=[">...G", "G...<", lamarck.maze.holdout("Labyrinth")],
                                max_episode_steps=30)
    assert env.level_text(0) == ">...G" and env.level_text(1) == "G...<"
    assert env.levels[2]["max_episode_steps"] == 30  # text and dict levels keep the other params
    obs, _ = env.reset()
    assert obs.shape == (3, 76)
    forward = np.full(3, 2)
    for t in range(3):
        _, reward, terminated, _, _ = env.step(forward)
        assert not terminated[0]
    _, reward, terminated, _, _ = env.step(forward)
    assert terminated[0] and terminated[1]
    np.testing.assert_allclose(reward[:2], 1 - 0.9 * 4 / 30, rtol=1e-6)
    assert env.level_image(2).shape == (13 * 24, 13 * 24, 3)


def test_bad_levels_are_refused_and_the_env_keeps_its_own():
    env = lamarck.envs.make_vec("Maze", 2, seed=0)
    before = env.levels
    with pytest.raises(ValueError, match="row 2 has 2 cells"):
        env.levels = ["...|>G"]
    with pytest.raises(ValueError, match="no goal"):
        env.set_levels(">..", ids=[1])
    with pytest.raises(ValueError, match="instance 1.*the agent at row 1, column 4 is on a wall"):
        env.set_levels([{}, {"agent_x": 3, "agent_y": 0}])
    with pytest.raises(ValueError, match="dict or a text"):
        env.set_levels([3])
    assert env.levels == before
    cartpole = lamarck.envs.make_vec("CartPole-v1", 1)
    with pytest.raises(ValueError, match="no text form"):
        cartpole.set_levels(">.G")


def test_stats_generator_and_mutator():
    s = lamarck.maze.stats("<...G")
    assert s == {"walls": 0, "solvable": True, "shortest_path": 4, "optimal_actions": 6,
                 "optimal_return": pytest.approx(1 - 0.9 * 6 / 250)}
    assert not lamarck.maze.stats(">#G")["solvable"]
    levels = lamarck.maze.generate(200, n_walls=25, seed=3)
    assert levels == lamarck.maze.generate(200, n_walls=25, seed=3)
    assert levels != lamarck.maze.generate(200, n_walls=25, seed=4)
    walls = [lamarck.maze.stats(l)["walls"] for l in levels]
    assert 21.5 < np.mean(walls) < 25 and max(walls) <= 25
    children = lamarck.maze.mutate(levels, n_edits=5, seed=1)
    for parent, child in zip(levels, children):
        lamarck.maze.validate(child)
        assert (child["agent_x"], child["agent_y"], child["agent_dir"]) == \
            (parent["agent_x"], parent["agent_y"], parent["agent_dir"])
    assert sum(c != p for c, p in zip(children, levels)) > 150
    with pytest.raises(ValueError, match="n_walls"):
        lamarck.maze.generate(1, width=3, height=3, n_walls=8)
    assert lamarck.maze.image(">.G", cell=8).shape == (8, 24, 3)

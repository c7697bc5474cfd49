"""Golden PPO minibatch steps computed with JAX + optax, for tests/rl/ppo_minibatch_test.cpp.

Run with the PATH python where `pip install jax optax` (CPU) is installed:
    python3 tests/data/rl/gen_ppo_minibatch.py tests/data/rl/ppo_minibatch.txt
The loss is PureJaxRL's ppo.py actor-critic loss written out here from its formulas (separate actor and
critic MLPs, categorical policy): log-softmax log-probabilities, ratio r = exp(logp - logp_old),
advantages normalised per minibatch, policy loss -mean(min(r A, clip(r, 1-eps, 1+eps) A)), value loss
0.5 mean(max((V-R)^2, (V_old + clip(V-V_old, -eps, eps) - R)^2)), total = policy + vf * value - ent *
entropy. One difference, on purpose: the advantage std is the unbiased one (ddof=1, torch.std as in
CleanRL, which lamarck follows); PureJaxRL's jnp.std is biased. The gradient (jax.grad) is followed by
one optax step, chain(clip_by_global_norm(0.5), adam(lr, b1, b2, eps=1e-5)).
Parameters are laid out as lamarck's AgentLayout: the actor MLP then the critic MLP, each layer as W
(in, out) row-major then b (out). Two cases: tanh and relu hidden layers.
Each case is written as `case <activation>` then lines `<name> <count> <values...>`.
"""
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax

OBS, HIDDEN, ACTIONS, M = 5, (8, 8), 3, 32
CLIP, VF, ENT, LR, B1, B2 = 0.2, 0.5, 0.01, 0.01, 0.9, 0.99


def sizes(out):
    return [OBS, *HIDDEN, out]


def unflatten(flat, out):
    layers, at = [], 0
    s = sizes(out)
    for i in range(len(s) - 1):
        w = flat[at:at + s[i] * s[i + 1]].reshape(s[i], s[i + 1])
        at += s[i] * s[i + 1]
        b = flat[at:at + s[i + 1]]
        at += s[i + 1]
        layers.append((w, b))
    return layers, at


def mlp(layers, x, act):
    for i, (w, b) in enumerate(layers):
        x = x @ w + b
        if i + 1 < len(layers):
            x = act(x)
    return x


def heads(params, obs, act):
    actor, n = unflatten(params, ACTIONS)
    critic, _ = unflatten(params[n:], 1)
    return mlp(actor, obs, act), mlp(critic, obs, act)[:, 0]


def loss_fn(params, batch, act):
    obs, a, logp_old, v_old, adv, ret = batch
    logits, v = heads(params, obs, act)
    logp_all = jax.nn.log_softmax(logits)
    logp = jnp.take_along_axis(logp_all, a[:, None], axis=1)[:, 0]
    entropy = -(jnp.exp(logp_all) * logp_all).sum(axis=1).mean()
    v_clip = v_old + jnp.clip(v - v_old, -CLIP, CLIP)
    value_loss = 0.5 * jnp.maximum((v - ret) ** 2, (v_clip - ret) ** 2).mean()
    ratio = jnp.exp(logp - logp_old)
    a_hat = (adv - adv.mean()) / (adv.std(ddof=1) + 1e-8)
    policy = -jnp.minimum(ratio * a_hat, jnp.clip(ratio, 1 - CLIP, 1 + CLIP) * a_hat).mean()
    total = policy + VF * value_loss - ENT * entropy
    return total, (policy, value_loss, entropy)


def case(name, act, seed):
    rng = np.random.default_rng(seed)
    n = sum(s[i] * s[i + 1] + s[i + 1] for s in (sizes(ACTIONS), sizes(1)) for i in range(len(s) - 1))
    params = jnp.asarray(rng.normal(0, 0.5, n), jnp.float32)
    obs = jnp.asarray(rng.normal(0, 1, (M, OBS)), jnp.float32)
    # the rollout's policy and values: a perturbed copy, so that ratios and value changes cross the clips
    old = params + jnp.asarray(rng.normal(0, 0.15, n), jnp.float32)
    logits_old, v_old = heads(old, obs, act)
    a = jnp.asarray(rng.integers(0, ACTIONS, M), jnp.int32)
    logp_old = jnp.take_along_axis(jax.nn.log_softmax(logits_old), a[:, None], axis=1)[:, 0]
    adv = jnp.asarray(rng.normal(0.3, 1.5, M), jnp.float32)
    ret = v_old + jnp.asarray(rng.normal(0, 1.0, M), jnp.float32)
    batch = (obs, a, logp_old, v_old, adv, ret)
    (total, (policy, value, entropy)), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, batch, act)
    tx = optax.chain(optax.clip_by_global_norm(0.5), optax.adam(LR, b1=B1, b2=B2, eps=1e-5))
    updates, _ = tx.update(grads, tx.init(params))
    stepped = optax.apply_updates(params, updates)
    out = ["case " + name]
    def put(key, values):
        v = np.asarray(values, np.float64).ravel()
        out.append(key + " %d " % v.size + " ".join("%.9g" % x for x in v))
    put("params", params)
    put("obs", obs)
    put("actions", a)
    put("logp_old", logp_old)
    put("value_old", v_old)
    put("advantages", adv)
    put("returns", ret)
    put("terms", [policy, value, entropy, total])
    put("grads", grads)
    put("params_after_adam", stepped)
    return out


def main(path):
    lines = ["# PPO minibatch golden data (JAX %s, optax %s); see tests/data/rl/gen_ppo_minibatch.py"
             % (jax.__version__, optax.__version__),
             "# obs %d hidden %d %d actions %d minibatch %d clip %g vf %g ent %g lr %g b1 %g b2 %g max_grad_norm 0.5"
             % (OBS, *HIDDEN, ACTIONS, M, CLIP, VF, ENT, LR, B1, B2)]
    lines += case("tanh", jnp.tanh, 1)
    lines += case("relu", jax.nn.relu, 2)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

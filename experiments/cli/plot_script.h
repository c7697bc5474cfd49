// The plotting script that `lamarck plot` writes into RUN_DIR/plots and runs with /usr/bin/python3
// (Debian's matplotlib). It reads metrics.jsonl, eval.jsonl (and evaluate.jsonl when present) and
// plots/drift_surface.csv, and writes meta_training.png, evaluation.png and drift_surface.png.
#pragma once

namespace lamarck::cli {

inline constexpr const char* kPlotScript = R"PY(
import csv, json, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

run = sys.argv[1]
out = os.path.join(run, "plots")

def lines(name):
    path = os.path.join(run, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

def nan(v):
    return float("nan") if v is None else v

# meta-training curve
m = lines("metrics.jsonl")
if m:
    g = [r["generation"] for r in m]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(g, [nan(r["fitness_mean"]) for r in m], label="population mean")
    ax.plot(g, [nan(r["fitness_best"]) for r in m], label="generation best")
    ev = [r for r in lines("eval.jsonl") if r["objective"] == "mean"]
    if ev:
        gens = sorted(set(r["generation"] for r in ev))
        means = [np.mean([r["norm_mean"] for r in ev if r["generation"] == x]) for x in gens]
        ax.plot(gens, means, "o-", label="mean candidate, held-out")
    ppo = [r for r in lines("eval.jsonl") if r["objective"] == "ppo_clip"]
    if ppo:
        ax.axhline(np.mean([r["norm_mean"] for r in ppo]), color="k", ls="--", label="PPO, held-out")
    ax.set_xlabel("generation")
    ax.set_ylabel("normalised final return")
    ax.set_title("meta-training")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "meta_training.png"), dpi=120)
    plt.close(fig)

# evaluation bars: the latest evaluation of each objective (evaluate.jsonl overrides eval.jsonl)
rows = lines("evaluate.jsonl") or lines("eval.jsonl")
if rows:
    latest = {}
    for r in rows:
        key = (r["objective"], r["env"], r["timesteps"])
        if key not in latest or r["generation"] >= latest[key]["generation"]:
            latest[key] = r
    objectives = sorted(set(k[0] for k in latest))
    tasks = sorted(set((k[1], k[2]) for k in latest))
    fig, ax = plt.subplots(figsize=(max(6, 1.5 * len(tasks) * len(objectives)), 4))
    width = 0.8 / len(objectives)
    for i, o in enumerate(objectives):
        xs, ys, err = [], [], []
        for j, t in enumerate(tasks):
            r = latest.get((o, t[0], t[1]))
            if r is None:
                continue
            xs.append(j + i * width)
            ys.append(nan(r["norm_mean"]))
            err.append([nan(r["norm_mean"]) - nan(r["norm_lo"]), nan(r["norm_hi"]) - nan(r["norm_mean"])])
        ax.bar(xs, ys, width, yerr=np.array(err).T if err else None, capsize=3, label=o)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(tasks))])
    ax.set_xticklabels(["%s\n%g steps" % t for t in tasks])
    ax.set_ylabel("normalised final return (95% CI)")
    ax.set_title("held-out evaluation")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "evaluation.png"), dpi=120)
    plt.close(fig)

# drift surfaces over (r, A) at several training-progress values, and their change from progress 0
path = os.path.join(out, "drift_surface.csv")
if os.path.exists(path):
    with open(path) as f:
        data = [tuple(float(x) for x in row) for row in list(csv.reader(f))[1:]]
    data = np.array(data)
    progresses = sorted(set(data[:, 0]))
    rs = np.unique(data[:, 1])
    advs = np.unique(data[:, 2])
    grids = {p: data[data[:, 0] == p][:, 3].reshape(len(rs), len(advs)) for p in progresses}
    vmax = max(g.max() for g in grids.values()) or 1.0
    dmax = max(np.abs(g - grids[progresses[0]]).max() for g in grids.values()) or 1e-9
    fig, axes = plt.subplots(2, len(progresses), figsize=(3.4 * len(progresses), 7.5), squeeze=False)
    fig.subplots_adjust(hspace=0.45, wspace=0.4, right=0.85)
    ext = [advs[0], advs[-1], rs[0], rs[-1]]
    for k, p in enumerate(progresses):
        im = axes[0][k].imshow(grids[p], origin="lower", aspect="auto", extent=ext, vmin=0, vmax=vmax, cmap="viridis")
        axes[0][k].set_title("drift, n/N = %.2f" % p)
        axes[0][k].set_xlabel("advantage")
        axes[0][k].set_ylabel("ratio r")
        im2 = axes[1][k].imshow(grids[p] - grids[progresses[0]], origin="lower", aspect="auto", extent=ext,
                                vmin=-dmax, vmax=dmax, cmap="RdBu_r")
        axes[1][k].set_title("change since n/N = 0")
        axes[1][k].set_xlabel("advantage")
        axes[1][k].set_ylabel("ratio r")
    fig.colorbar(im, ax=axes[0].tolist())
    fig.colorbar(im2, ax=axes[1].tolist())
    fig.savefig(os.path.join(out, "drift_surface.png"), dpi=110)
    plt.close(fig)
print(out)
)PY";

}  // namespace lamarck::cli

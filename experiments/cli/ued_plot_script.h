// The plotting script that `lamarck plot` writes into a UED run's (or study's) plots/ and runs with
// /usr/bin/python3 (Debian's matplotlib). For a run (eval.csv, levels.csv, buffer.jsonl) it writes
// solve_rate.png (per holdout level over training, mean over seeds), levels.png (walls, shortest path,
// solvable fraction and true regret of the levels played, per branch: new, replayed, mutated),
// buffer_scores.png (the buffer's score distribution over training as a density from its quantiles: the
// regret histogram no anchor draws) and buffer/update_N.png (the 8 best-weighted and 8 best-scored levels of seed 0 at each
// evaluation). For a study (compare.csv) it writes compare.png: bars of the median solve rate per level
// and method with interquartile whiskers (DCD's plot_eval_bars.py style), the mean over levels last.
#pragma once

namespace lamarck::cli {

inline constexpr const char* kUedPlotScript = R"PY(
import csv, json, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

run = sys.argv[1]
out = os.path.join(run, "plots")
os.makedirs(out, exist_ok=True)

def rows(name):
    path = os.path.join(run, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))

def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")

# ---- a study: the comparison bars -------------------------------------------------------------------------
cmp_rows = rows("compare.csv")
if cmp_rows:
    methods = list(dict.fromkeys(r["method"] for r in cmp_rows))
    levels = list(dict.fromkeys(r["level"] for r in cmp_rows))
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(levels) * max(1, len(methods)) / 2), 4))
    width = 0.8 / max(1, len(methods))
    for k, m in enumerate(methods):
        med, lo, hi = [], [], []
        for l in levels:
            r = next(r for r in cmp_rows if r["method"] == m and r["level"] == l)
            med.append(num(r["median"])); lo.append(num(r["median"]) - num(r["q25"])); hi.append(num(r["q75"]) - num(r["median"]))
        x = np.arange(len(levels)) + (k - (len(methods) - 1) / 2) * width
        ax.bar(x, med, width, yerr=[lo, hi], capsize=2, label=m)
    ax.set_xticks(np.arange(len(levels)))
    ax.set_xticklabels(levels, rotation=35, ha="right")
    ax.set_ylabel("solve rate (median, IQR over seeds)")
    ax.set_ylim(0, 1)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "compare.png"), dpi=120)
    plt.close(fig)

# ---- a run -----------------------------------------------------------------------------------------------
ev = rows("eval.csv")
if ev:
    levels = list(dict.fromkeys(r["level"] for r in ev))
    updates = sorted(set(int(r["update"]) for r in ev))
    steps = {int(r["update"]): int(r["env_steps"]) for r in ev}
    fig, ax = plt.subplots(figsize=(7, 4))
    allm = []
    for l in levels:
        m = [np.mean([num(r["solve_rate"]) for r in ev if r["level"] == l and int(r["update"]) == u]) for u in updates]
        allm.append(m)
        ax.plot([steps[u] for u in updates], m, lw=1, label=l)
    ax.plot([steps[u] for u in updates], np.mean(allm, axis=0), "k-", lw=2.5, label="mean")
    ax.set_xlabel("env steps per seed")
    ax.set_ylabel("solve rate (mean over seeds)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "solve_rate.png"), dpi=120)
    plt.close(fig)

lv = rows("levels.csv")
if lv:
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.6))
    for branch, colour in (("dr", "tab:blue"), ("replay", "tab:orange"), ("mutation", "tab:green")):
        sel = [r for r in lv if r["branch"] == branch]
        if not sel:
            continue
        x = [int(r["env_steps"]) for r in sel]
        for ax, key, label in zip(axes, ("walls", "shortest_path", "solvable", "true_regret"),
                                  ("walls", "shortest path (solvable levels)", "solvable fraction",
                                   "true regret (optimal - student return)")):
            ax.scatter(x, [num(r[key]) for r in sel], s=3, alpha=0.5, color=colour,
                       label={"dr": "new", "replay": "replayed", "mutation": "mutated"}[branch])
            ax.set_xlabel("env steps per seed")
            ax.set_title(label)
    axes[0].legend(markerscale=4)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "levels.png"), dpi=120)
    plt.close(fig)

buf = []
path = os.path.join(run, "buffer.jsonl")
if os.path.exists(path):
    with open(path) as f:
        buf = [json.loads(l) for l in f if l.strip()]
seed0 = [b for b in buf if b["seed"] == 0]
if seed0:
    # the score distribution over training: density between consecutive 5% quantiles
    qs = [[num(q) for q in b["score_quantiles"]] for b in seed0]
    lo = np.nanmin([q[0] for q in qs]); hi = np.nanmax([q[-1] for q in qs])
    if np.isfinite(lo) and np.isfinite(hi) and hi > lo:
        bins = np.linspace(lo, hi, 60)
        img = np.zeros((len(bins) - 1, len(qs)))
        centres = 0.5 * (bins[1:] + bins[:-1])
        for j, q in enumerate(qs):
            for a, b in zip(q[:-1], q[1:]):
                if not (np.isfinite(a) and np.isfinite(b)):
                    continue
                if b <= a:
                    img[np.clip(np.searchsorted(bins, a) - 1, 0, len(centres) - 1), j] += 0.05
                else:
                    inside = (centres >= a) & (centres <= b)
                    if inside.any():
                        img[inside, j] += 0.05 / inside.sum()
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.imshow(img, origin="lower", aspect="auto", cmap="viridis",
                  extent=[seed0[0]["update"], seed0[-1]["update"], lo, hi])
        ax.set_xlabel("update")
        ax.set_ylabel("buffer score (seed 0)")
        ax.set_title("score distribution of the level buffer")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "buffer_scores.png"), dpi=120)
        plt.close(fig)

    def draw(ax, level, title):
        w, h = level["width"], level["height"]
        grid = np.zeros((h, w, 3))
        for y in range(h):
            for x in range(w):
                if (level["walls"][y] >> x) & 1:
                    grid[y, x] = (0.5, 0.5, 0.5)
        grid[level["goal_y"], level["goal_x"]] = (0.1, 0.8, 0.1)
        grid[level["agent_y"], level["agent_x"]] = (0.9, 0.2, 0.2)
        ax.imshow(grid, interpolation="nearest")
        ax.set_title(title, fontsize=6)
        ax.axis("off")

    os.makedirs(os.path.join(out, "buffer"), exist_ok=True)
    for b in seed0:
        fig, axes = plt.subplots(2, 8, figsize=(12, 3.4))
        for row, key in enumerate(("top_weighted", "top_scored")):
            for k in range(8):
                ax = axes[row, k]
                ax.axis("off")
                if k < len(b[key]):
                    e = b[key][k]
                    draw(ax, e["level"], "%s %d\nscore %.3g  w %.3g" % (key.split("_")[1], k + 1, num(e["score"]), num(e["weight"])))
        fig.suptitle("update %d: buffer of %d levels (seed 0)" % (b["update"], b["size"]), fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "buffer", "update_%06d.png" % b["update"]), dpi=100)
        plt.close(fig)
)PY";

}  // namespace lamarck::cli

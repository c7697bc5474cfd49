// Domain randomisation: every episode starts on a fresh generated level (JaxUED examples/maze_dr.py, its
// AutoResetWrapper over the generator). M. Dennis et al., "Emergent Complexity and Zero-shot Transfer via
// Unsupervised Environment Design", NeurIPS 2020, use it as the UED baseline.
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

#include "curricula/curricula.h"
#include "curricula/maze_levels.h"
#include "lamarck/core/rng.h"
#include "lamarck/meta/ued.h"

namespace lamarck::meta::curricula {

namespace {

constexpr uint64_t kLevelStream = 0x6c6576656cull;  // "level"

// Instance i's k-th episode plays the level drawn from the key (seed, kLevelStream, i, k).
class DomainRandomisation final : public Curriculum {
 public:
  DomainRandomisation(const UedConfig& c, int64_t seeds, int64_t envs)
      : c_(c), E_(envs), episodes_(size_t(seeds * envs), 0), played_(size_t(seeds)), telemetry_(size_t(seeds)) {}

  void initial_levels(envs::BatchEnv& env) override {
    std::vector<int64_t> ids;
    std::vector<std::string> levels;
    for (int64_t i = 0; i < env.num_envs(); ++i) {
      ids.push_back(i);
      levels.push_back(next_level(i));
    }
    env.set_levels(ids, levels);
  }

  rl::RecurrentTrainer::EpisodeEndHook episode_hook() override {
    return [this](envs::BatchEnv& env, const std::vector<int64_t>& ended) {
      std::vector<std::string> levels;
      for (int64_t i : ended) levels.push_back(next_level(i));
      env.set_levels(ended, levels);
      env.reset_instances(c_.trainer.seed ^ 0x5eedull, ended);
    };
  }

  void before_update(int64_t, rl::RecurrentTrainer&, std::vector<uint8_t>& learn) override {
    std::fill(learn.begin(), learn.end(), 1);
  }

  void after_update(int64_t, const rl::RecurrentTrainer&) override {
    for (size_t p = 0; p < telemetry_.size(); ++p) {
      CurriculumTelemetry& t = telemetry_[p];
      std::vector<const MazeLevel*> levels;
      for (const MazeLevel& l : played_[p]) levels.push_back(&l);
      describe_levels(levels, t);
      t.branch = "dr";
      t.learned = true;
      t.score = std::numeric_limits<double>::quiet_NaN();
      t.mean_return = t.true_regret = std::numeric_limits<double>::quiet_NaN();  // levels change per episode
      t.dr_updates += 1;
      const double nan = std::numeric_limits<double>::quiet_NaN();
      t.buffer_max_score = t.buffer_mean_score = t.buffer_weighted_score = nan;
      t.buffer_score_q25 = t.buffer_score_median = t.buffer_score_q75 = nan;
      t.buffer_passable_mass = t.buffer_mutation_depth = nan;
      played_[p].clear();
    }
  }

  const std::vector<CurriculumTelemetry>& telemetry() const override { return telemetry_; }

  std::string state() const override {
    std::ostringstream out;
    {
      cereal::PortableBinaryOutputArchive ar(out);
      ar(episodes_, telemetry_counts(telemetry_));
    }
    return out.str();
  }
  void restore(const std::string& bytes) override {
    std::vector<uint64_t> episodes;
    std::vector<int64_t> counts;
    std::istringstream in(bytes);
    {
      cereal::PortableBinaryInputArchive ar(in);
      ar(episodes, counts);
    }
    if (episodes.size() != episodes_.size()) throw InvalidArgument("dr checkpoint: the number of instances differs");
    episodes_ = episodes;
    for (auto& p : played_) p.clear();  // initial_levels' draws are not part of the resumed update
    restore_telemetry_counts(counts, telemetry_);
  }

 private:
  // the generated levels that started an episode in this update are its telemetry
  std::string next_level(int64_t instance) {
    Philox rng(derive_key(c_.trainer.seed, kLevelStream, uint64_t(instance), episodes_[size_t(instance)]++));
    MazeLevel l = maze_level(envs::maze::generate_level(int(c_.level_width), int(c_.level_height), int(c_.n_walls), rng));
    std::string text = l.text;
    played_[size_t(instance / E_)].push_back(std::move(l));
    return text;
  }

  const UedConfig& c_;
  int64_t E_;
  std::vector<uint64_t> episodes_;
  std::vector<std::vector<MazeLevel>> played_;  // (seeds, levels begun this update)
  std::vector<CurriculumTelemetry> telemetry_;
};

}  // namespace

std::unique_ptr<Curriculum> make_domain_randomisation(const UedConfig& c, int64_t seeds, int64_t envs) {
  return std::make_unique<DomainRandomisation>(c, seeds, envs);
}

}  // namespace lamarck::meta::curricula

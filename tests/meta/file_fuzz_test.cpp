// Every file reader against damaged files: random truncations, bit flips, overwritten ranges and random
// bytes. A reader must throw lamarck::Error (FileError, ConfigError, ...) or load; it must never crash
// (the ASan + UBSan run of scripts/test runs this too), throw anything else, or load a damaged binary file
// (they are checksummed: a binary load that succeeds must have read the original bytes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/core/serialize.h"
#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/meta/meta_trainer.h"

namespace lamarck::meta {
namespace {

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "lmk_fuzz_" + std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// One damaged copy of `bytes`, drawn from `rng`; `what` says how.
std::string damage(const std::string& bytes, Philox& rng, std::string& what) {
  std::string out = bytes;
  const uint32_t kind = rng.below(4);
  const uint32_t n = uint32_t(bytes.size());
  if (kind == 0 && n > 0) {
    const uint32_t keep = rng.below(n);
    out.resize(keep);
    what = "truncated to " + std::to_string(keep) + " of " + std::to_string(n) + " bytes";
  } else if (kind == 1 && n > 0) {
    const uint32_t flips = 1 + rng.below(3);
    what = "bits flipped at";
    for (uint32_t f = 0; f < flips; ++f) {
      const uint32_t at = rng.below(n), bit = rng.below(8);
      out[at] = char(uint8_t(out[at]) ^ uint8_t(1u << bit));
      what += " " + std::to_string(at) + ":" + std::to_string(bit);
    }
  } else if (kind == 2 && n > 0) {
    const uint32_t at = rng.below(n), len = 1 + rng.below(std::min<uint32_t>(64, n - at));
    for (uint32_t i = 0; i < len; ++i) out[at + i] = char(rng.below(256));
    what = std::to_string(len) + " bytes overwritten at " + std::to_string(at);
  } else {
    out.assign(rng.below(2 * n + 16), '\0');
    for (char& c : out) c = char(rng.below(256));
    what = std::to_string(out.size()) + " random bytes";
  }
  return out;
}

struct Reader {
  std::string name;
  std::string file;       // a valid file of its kind
  bool checksummed;       // binary envelope: any damage must be refused
  std::function<void(const std::string& path)> load;
};

TEST(FileFuzz, DamagedFilesAreRefusedNeverCrash) {
  const std::string dir = temp_dir("files");
  // valid files of every kind a user hands lamarck
  MetaConfig config;
  config.rule = "ta_lpo";
  config.pop_size = 4;
  config.generations = 1;
  config.min_timesteps = config.max_timesteps = 64;
  config.tasks_per_candidate = 1;
  config.eval_every = 0;
  config.inner.num_envs = 2;
  config.inner.num_steps = 16;
  config.inner.num_minibatches = 2;
  config.inner.hidden = {8, 8};
  const std::string run = dir + "/run";
  MetaTrainer(config, run, Exec{Device::cpu, 1}).run();
  write_file_atomic(dir + "/train.json", config_to_json(config.inner));
  // ES checkpoints: one strategy, and a batch of IPOP-CMA-ES instances a few generations in
  es::Settings es_settings;
  es_settings.dim = 6;
  es_settings.pop_size = 8;
  es_settings.seed = 5;
  auto strategy = es::make_strategy("cma_es", es_settings);
  es::StrategyBatch batch("ipop_cma_es", es_settings, 2);
  {
    const es::Problem sphere("sphere", 6);
    std::vector<float> x(size_t(batch.total_pop_size() * 6)), f(size_t(batch.total_pop_size()));
    for (int g = 0; g < 3; ++g) {
      batch.ask(x.data());
      sphere.evaluate(Exec{}, x.data(), batch.total_pop_size(), f.data());
      batch.tell(x.data(), f.data());
    }
  }
  es::save_checkpoint(dir + "/es.lmk", *strategy);
  es::save_batch_checkpoint(dir + "/es_batch.lmk", batch);

  std::vector<Reader> readers = {
      // JSON's constants stay editable by hand, but its weights are checksummed: damage that loads
      // never changes them
      {"objective json", run + "/objective_mean.json", false,
       [weights = objectives::load_objective(run + "/objective_mean.json").weights](const std::string& p) {
         EXPECT_EQ(objectives::load_rule(p).theta, weights) << "objective json loaded damaged weights";
       }},
      {"objective binary", run + "/objective_mean.lmk", true,
       [](const std::string& p) { objectives::load_rule(p); }},
      {"meta checkpoint", run + "/checkpoint.bin", true,
       [](const std::string& p) {
         MetaState s;
         load_binary(p, "meta_checkpoint", VersionRange(4, 4), s);
       }},
      {"meta config", run + "/config.json", false, [](const std::string& p) { load_meta_config(p); }},
      {"train config", dir + "/train.json", false, [](const std::string& p) { load_config<rl::TrainConfig>(p); }},
      {"es checkpoint", dir + "/es.lmk", true, [](const std::string& p) { es::load_checkpoint(p); }},
      {"es batch checkpoint", dir + "/es_batch.lmk", true, [](const std::string& p) { es::load_batch_checkpoint(p); }},
  };
  Philox rng(derive_key(2026, 0x66757a7a, 0, 0));  // "fuzz"
  for (const Reader& r : readers) {
    const std::string original = read_file(r.file);
    ASSERT_NO_THROW(r.load(r.file)) << r.name << " must load undamaged";
    int refused = 0;
    for (int trial = 0; trial < 300; ++trial) {
      std::string what;
      const std::string damaged = damage(original, rng, what);
      const std::string path = dir + "/damaged";
      write_file_atomic(path, damaged);
      try {
        r.load(path);
        if (r.checksummed) {
          EXPECT_EQ(damaged, original) << r.name << " loaded a damaged file (" << what << ")";
        }
      } catch (const Error&) {
        ++refused;
      } catch (const std::exception& e) {
        ADD_FAILURE() << r.name << ": " << what << " threw a non-lamarck exception: " << e.what();
      }
    }
    EXPECT_GT(refused, 150) << r.name << ": most damage should be refused";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lamarck::meta

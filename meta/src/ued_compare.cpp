// Comparing UED runs (ued_compare.h).
#include "lamarck/meta/ued_compare.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/core/stats.h"
#include "lamarck/meta/ued.h"

namespace lamarck::meta {

namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.push_back("");
  return out;
}

double number(const std::string& s) { return s == "nan" ? std::nan("") : std::stod(s); }

std::string fmt(double x, const char* f = "%.4g") {
  if (!std::isfinite(x)) return "nan";
  char b[32];
  std::snprintf(b, sizeof b, f, x);
  return b;
}
std::string json_number(double x) { return std::isfinite(x) ? fmt(x, "%.6g") : "null"; }

}  // namespace

UedRunEval load_ued_run(const std::string& dir) {
  UedRunEval r;
  r.dir = dir;
  const std::string config_path = dir + "/config.json", eval_path = dir + "/eval.csv";
  if (!std::filesystem::exists(config_path) || !std::filesystem::exists(eval_path))
    throw InvalidArgument(dir + " is not a UED run directory (it needs config.json and eval.csv from `lamarck ued-train`)");
  const UedConfig config = load_config<UedConfig>(config_path);
  r.method = config.curriculum;
  std::istringstream in(read_file(eval_path));
  std::string line;
  std::getline(in, line);
  if (line != "update,env_steps,gradient_steps,seed,level,solve_rate,mean_return")
    throw InvalidArgument(eval_path + ": unexpected header \"" + line + "\"");
  // rows of the last evaluation: the largest update
  struct Row {
    int64_t update, env_steps, gradient_steps, seed;
    std::string level;
    double solve, ret;
  };
  std::vector<Row> rows;
  int64_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> c = split(line, ',');
    if (c.size() != 7) throw InvalidArgument(eval_path + ":" + std::to_string(line_no) + ": expected 7 columns");
    try {
      rows.push_back(Row{std::stoll(c[0]), std::stoll(c[1]), std::stoll(c[2]), std::stoll(c[3]), c[4], number(c[5]), number(c[6])});
    } catch (const std::exception&) {
      throw InvalidArgument(eval_path + ":" + std::to_string(line_no) + ": not a number in \"" + line + "\"");
    }
  }
  if (rows.empty()) throw InvalidArgument(eval_path + ": no evaluation yet");
  for (const Row& row : rows) r.update = std::max(r.update, row.update);
  std::map<std::string, size_t> level_index;
  std::set<int64_t> seeds;
  for (const Row& row : rows)
    if (row.update == r.update) {
      if (!level_index.count(row.level)) {
        level_index[row.level] = r.levels.size();
        r.levels.push_back(row.level);
      }
      seeds.insert(row.seed);
      r.env_steps = row.env_steps;
    }
  r.seeds = int64_t(seeds.size());
  const size_t L = r.levels.size(), P = size_t(r.seeds);
  r.solve_rate.assign(L * P, std::nan(""));
  r.mean_return.assign(L * P, std::nan(""));
  std::map<int64_t, double> grad;
  for (const Row& row : rows)
    if (row.update == r.update) {
      if (row.seed < 0 || size_t(row.seed) >= P) throw InvalidArgument(eval_path + ": seeds are not 0 .. n-1");
      r.solve_rate[level_index[row.level] * P + size_t(row.seed)] = row.solve;
      r.mean_return[level_index[row.level] * P + size_t(row.seed)] = row.ret;
      grad[row.seed] = double(row.gradient_steps);
    }
  for (const auto& [seed, g] : grad) r.gradient_steps += g / double(P);
  for (size_t p = 0; p < P; ++p) {
    double s = 0, ret = 0;
    for (size_t l = 0; l < L; ++l) {
      s += r.solve_rate[l * P + p] / double(L);
      ret += r.mean_return[l * P + p] / double(L);
    }
    r.seed_solve_rate.push_back(s);
    r.seed_return.push_back(ret);
  }
  return r;
}

UedComparison compare_ued_runs(std::vector<UedRunEval> runs) {
  if (runs.empty()) throw InvalidArgument("compare: no runs");
  for (const UedRunEval& r : runs)
    if (r.levels != runs[0].levels)
      throw InvalidArgument("compare: " + r.dir + " was evaluated on other holdout levels than " + runs[0].dir);
  // unique method names: runs sharing a curriculum are named by their directory
  std::map<std::string, int> uses;
  for (const UedRunEval& r : runs) ++uses[r.method];
  for (UedRunEval& r : runs)
    if (uses[r.method] > 1) r.method = std::filesystem::path(r.dir).filename().string();
  UedComparison c;
  c.runs = runs;
  const size_t L = runs[0].levels.size();
  auto column = [](const UedRunEval& r, size_t l, bool ret) {
    const size_t P = size_t(r.seeds);
    const std::vector<double>& v = ret ? r.mean_return : r.solve_rate;
    return std::vector<double>(v.begin() + long(l * P), v.begin() + long((l + 1) * P));
  };
  auto values = [&](const UedRunEval& r, size_t l, bool ret) {
    return l < L ? column(r, l, ret) : ret ? r.seed_return : r.seed_solve_rate;
  };
  for (const UedRunEval& r : runs)
    for (size_t l = 0; l <= L; ++l) {
      const std::vector<double> v = values(r, l, false);
      const MeanInterval m = mean_interval(v), ret = mean_interval(values(r, l, true));
      c.summaries.push_back(UedLevelSummary{r.method, l < L ? r.levels[l] : "mean", m.n, m.mean, m.half_width,
                                            quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), ret.mean});
    }
  for (size_t l = 0; l <= L; ++l)
    for (size_t a = 0; a < runs.size(); ++a)
      for (size_t b = a + 1; b < runs.size(); ++b) {
        const std::vector<double> va = values(runs[a], l, false), vb = values(runs[b], l, false);
        const WelchTest w = welch_test(va, vb);
        c.welch.push_back(UedWelchRow{l < L ? runs[0].levels[l] : "mean", runs[a].method, runs[b].method,
                                      mean_interval(va).mean, mean_interval(vb).mean, w.t, w.dof, w.p});
      }
  return c;
}

std::string UedComparison::markdown() const {
  std::ostringstream o;
  o << "Holdout solve rate (return > 0) at each run's last evaluation: mean ± 95% interval over seeds, median [IQR]\n\n";
  o << "| level |";
  for (const UedRunEval& r : runs) o << ' ' << r.method << " |";
  o << "\n|---|";
  for (size_t i = 0; i < runs.size(); ++i) o << "---|";
  o << '\n';
  const size_t L = runs[0].levels.size();
  for (size_t l = 0; l <= L; ++l) {
    o << "| " << (l < L ? runs[0].levels[l] : std::string("**mean**")) << " |";
    for (size_t r = 0; r < runs.size(); ++r) {
      const UedLevelSummary& s = summaries[r * (L + 1) + l];
      o << ' ' << fmt(s.mean, "%.3f") << " ± " << fmt(s.ci95, "%.3f") << " (" << fmt(s.median, "%.3f") << " ["
        << fmt(s.q25, "%.3f") << ", " << fmt(s.q75, "%.3f") << "]) |";
    }
    o << '\n';
  }
  o << "\n| run | seeds | updates | env steps / seed | gradient steps / seed | mean return |\n|---|---|---|---|---|---|\n";
  for (size_t r = 0; r < runs.size(); ++r)
    o << "| " << runs[r].method << " | " << runs[r].seeds << " | " << runs[r].update << " | " << runs[r].env_steps << " | "
      << fmt(runs[r].gradient_steps, "%.0f") << " | " << fmt(summaries[r * (L + 1) + L].return_mean, "%.4f") << " |\n";
  o << "\nWelch's t-test of the mean solve rate over levels (per seed), two-sided:\n\n| a | b | mean a | mean b | t | dof | p |\n"
       "|---|---|---|---|---|---|---|\n";
  for (const UedWelchRow& w : welch)
    if (w.level == "mean")
      o << "| " << w.method_a << " | " << w.method_b << " | " << fmt(w.mean_a, "%.3f") << " | " << fmt(w.mean_b, "%.3f")
        << " | " << fmt(w.t, "%.3f") << " | " << fmt(w.dof, "%.2f") << " | " << fmt(w.p, "%.3g") << " |\n";
  return o.str();
}

void write_ued_comparison(const UedComparison& c, const std::string& out_dir) {
  std::filesystem::create_directories(out_dir);
  std::ostringstream csv, welch, json;
  csv << "method,level,n,mean,ci95,median,q25,q75,return_mean\n";
  for (const UedLevelSummary& s : c.summaries)
    csv << s.method << ',' << s.level << ',' << s.n << ',' << fmt(s.mean, "%.6g") << ',' << fmt(s.ci95, "%.6g") << ','
        << fmt(s.median, "%.6g") << ',' << fmt(s.q25, "%.6g") << ',' << fmt(s.q75, "%.6g") << ','
        << fmt(s.return_mean, "%.6g") << '\n';
  welch << "level,method_a,method_b,mean_a,mean_b,t,dof,p\n";
  for (const UedWelchRow& w : c.welch)
    welch << w.level << ',' << w.method_a << ',' << w.method_b << ',' << fmt(w.mean_a, "%.6g") << ',' << fmt(w.mean_b, "%.6g")
          << ',' << fmt(w.t, "%.6g") << ',' << fmt(w.dof, "%.6g") << ',' << fmt(w.p, "%.6g") << '\n';
  json << "{\n  \"runs\": [";
  for (size_t r = 0; r < c.runs.size(); ++r) {
    const UedRunEval& run = c.runs[r];
    json << (r ? "," : "") << "\n    {\"method\": \"" << run.method << "\", \"dir\": \"" << run.dir << "\", \"seeds\": " << run.seeds
         << ", \"updates\": " << run.update << ", \"env_steps_per_seed\": " << run.env_steps
         << ", \"gradient_steps_per_seed\": " << json_number(run.gradient_steps) << "}";
  }
  json << "\n  ],\n  \"summaries\": [";
  for (size_t i = 0; i < c.summaries.size(); ++i) {
    const UedLevelSummary& s = c.summaries[i];
    json << (i ? "," : "") << "\n    {\"method\": \"" << s.method << "\", \"level\": \"" << s.level << "\", \"n\": " << s.n
         << ", \"mean\": " << json_number(s.mean) << ", \"ci95\": " << json_number(s.ci95) << ", \"median\": "
         << json_number(s.median) << ", \"q25\": " << json_number(s.q25) << ", \"q75\": " << json_number(s.q75)
         << ", \"return_mean\": " << json_number(s.return_mean) << "}";
  }
  json << "\n  ],\n  \"welch\": [";
  for (size_t i = 0; i < c.welch.size(); ++i) {
    const UedWelchRow& w = c.welch[i];
    json << (i ? "," : "") << "\n    {\"level\": \"" << w.level << "\", \"a\": \"" << w.method_a << "\", \"b\": \"" << w.method_b
         << "\", \"mean_a\": " << json_number(w.mean_a) << ", \"mean_b\": " << json_number(w.mean_b)
         << ", \"t\": " << json_number(w.t) << ", \"dof\": " << json_number(w.dof) << ", \"p\": " << json_number(w.p) << "}";
  }
  json << "\n  ]\n}\n";
  write_file_atomic(out_dir + "/compare.csv", csv.str());
  write_file_atomic(out_dir + "/welch.csv", welch.str());
  write_file_atomic(out_dir + "/compare.json", json.str());
  write_file_atomic(out_dir + "/compare.md", c.markdown());
}

}  // namespace lamarck::meta

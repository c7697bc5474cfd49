// lamarck._lamarck.es: any registered strategy with ask/tell over numpy arrays, alone or as a batch of
// independent instances.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.h"
#include "lamarck/core/error.h"
#include "lamarck/es/registry.h"

namespace py = pybind11;

namespace lamarck::python {
namespace {

// The settings of a Python-made strategy (or batch), with the arguments checked.
es::Settings make_settings(int64_t dim, int64_t pop_size, uint64_t seed, double sigma, bool maximize,
                           const std::string& shaping, double weight_decay, const std::vector<float>& mean,
                           const std::map<std::string, double>& options) {
  if (dim <= 0) throw InvalidArgument("num_dims must be > 0, got " + std::to_string(dim));
  if (pop_size < 0) throw InvalidArgument("popsize must be > 0 (or 0 for the strategy's default), got " + std::to_string(pop_size));
  if (!(sigma > 0)) throw InvalidArgument("sigma must be > 0, got " + std::to_string(sigma));
  if (!mean.empty() && int64_t(mean.size()) != dim)
    throw InvalidArgument("mean must have " + std::to_string(dim) + " entries, got " + std::to_string(mean.size()));
  es::Settings settings;
  settings.dim = dim;
  settings.pop_size = pop_size;
  settings.seed = seed;
  settings.sigma_init = sigma;
  settings.direction = maximize ? es::Direction::maximize : es::Direction::minimize;
  settings.shaping = shaping;
  settings.weight_decay = weight_decay;
  settings.mean_init = mean;
  settings.options = options;
  return settings;
}

// One fitness per candidate of the last ask, as float32 (numbers only, the asked shape).
py::array_t<float, py::array::c_style | py::array::forcecast> checked_fitness(const py::array& fitness, int64_t rows) {
  const char kind = fitness.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw InvalidArgument("fitness must be numbers, got dtype " + std::string(py::str(fitness.dtype())));
  if (fitness.ndim() != 1 || fitness.shape(0) != rows)
    throw InvalidArgument("fitness must have shape (" + std::to_string(rows) + ",), one value per candidate");
  return py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(fitness);
}

class PyStrategy {
 public:
  explicit PyStrategy(std::unique_ptr<es::Strategy> s) : s_(std::move(s)) {}

  static PyStrategy create(const std::string& name, int64_t dim, int64_t pop_size, uint64_t seed, double sigma,
                           bool maximize, const std::string& shaping, double weight_decay,
                           const std::vector<float>& mean, const std::map<std::string, double>& options) {
    return PyStrategy(es::make_strategy(
        name, make_settings(dim, pop_size, seed, sigma, maximize, shaping, weight_decay, mean, options)));
  }

  py::array_t<float> ask() {
    population_ = s_->ask();
    asked_pop_ = s_->pop_size();
    return py::array_t<float>({asked_pop_, s_->dim()}, population_.data());
  }

  py::dict tell(const py::array& fitness) {
    if (population_.empty()) throw InvalidArgument("tell() before ask(): call ask() first");
    const auto f = checked_fitness(fitness, asked_pop_);
    const es::TellInfo info = s_->tell(population_.data(), f.data());
    population_.clear();
    py::dict d;
    d["gen_best"] = info.gen_best;
    d["gen_mean"] = info.gen_mean;
    d["nonfinite"] = info.nonfinite;
    return d;
  }

  es::Strategy& s() { return *s_; }
  const es::Strategy& s() const { return *s_; }

 private:
  std::unique_ptr<es::Strategy> s_;
  std::vector<float> population_;  // the last ask's candidates, until tell
  int64_t asked_pop_ = 0;
};

// N independent instances of one strategy stepped together (es::StrategyBatch): their candidates stacked
// into one (sum of popsizes, D) array, instance n's rows from offsets[n] (populations may differ and change,
// e.g. IPOP/BIPOP restarts).
class PyStrategyBatch {
 public:
  explicit PyStrategyBatch(std::unique_ptr<es::StrategyBatch> b) : b_(std::move(b)) {}

  static PyStrategyBatch create(const std::string& name, int64_t dim, int64_t instances, int64_t pop_size,
                                uint64_t seed, double sigma, bool maximize, const std::string& shaping,
                                double weight_decay, const std::vector<float>& mean,
                                const std::map<std::string, double>& options) {
    if (instances <= 0) throw InvalidArgument("instances must be > 0, got " + std::to_string(instances));
    return PyStrategyBatch(std::make_unique<es::StrategyBatch>(
        name, make_settings(dim, pop_size, seed, sigma, maximize, shaping, weight_decay, mean, options), instances));
  }

  py::array_t<float> ask() {
    offsets_.clear();
    for (int64_t n = 0; n <= b_->instances(); ++n) offsets_.push_back(b_->offset(n));
    population_.assign(size_t(b_->total_pop_size() * b_->dim()), 0.0f);
    b_->ask(population_.data());
    return py::array_t<float>({b_->total_pop_size(), b_->dim()}, population_.data());
  }

  void tell(const py::array& fitness) {
    if (population_.empty()) throw InvalidArgument("tell() before ask(): call ask() first");
    const auto f = checked_fitness(fitness, offsets_.back());
    b_->tell(population_.data(), f.data());
    population_.clear();
  }

  // the row offsets of the last ask (instances + 1 values), or of the next one before any ask
  std::vector<int64_t> offsets() const {
    if (!population_.empty()) return offsets_;
    std::vector<int64_t> next;
    for (int64_t n = 0; n <= b_->instances(); ++n) next.push_back(b_->offset(n));
    return next;
  }

  es::StrategyBatch& b() { return *b_; }
  const es::StrategyBatch& b() const { return *b_; }

 private:
  std::unique_ptr<es::StrategyBatch> b_;
  std::vector<float> population_;  // the last ask's candidates, until tell
  std::vector<int64_t> offsets_;
};

}  // namespace

void bind_es(py::module_ m) {
  m.def("names", &es::strategy_names, "Every registered strategy name.");
  py::class_<PyStrategy>(m, "Strategy")
      .def(py::init(&PyStrategy::create), py::arg("name"), py::arg("num_dims"), py::arg("popsize"), py::arg("seed"),
           py::arg("sigma"), py::arg("maximize"), py::arg("shaping"), py::arg("weight_decay"), py::arg("mean"),
           py::arg("options"))
      .def("ask", &PyStrategy::ask)
      .def("tell", &PyStrategy::tell, py::arg("fitness"))
      .def_property_readonly("name", [](const PyStrategy& p) { return p.s().name(); })
      .def_property_readonly("num_dims", [](const PyStrategy& p) { return p.s().dim(); })
      .def_property_readonly("popsize", [](const PyStrategy& p) { return p.s().pop_size(); })
      .def_property_readonly("generation", [](const PyStrategy& p) { return p.s().book().generation; })
      .def_property_readonly("evaluations", [](const PyStrategy& p) { return p.s().book().evaluations; })
      .def_property_readonly("mean", [](const PyStrategy& p) {
        const auto m = p.s().mean();
        return py::array_t<float>(py::ssize_t(m.size()), m.data());
      })
      .def_property_readonly("sigma", [](const PyStrategy& p) { return p.s().step_size(); })
      .def_property_readonly("best", [](const PyStrategy& p) -> py::object {
        const auto& b = p.s().book();
        if (!b.has_best) return py::none();
        return py::make_tuple(py::array_t<float>(py::ssize_t(b.best_x.size()), b.best_x.data()), b.best_fitness);
      })
      .def_property_readonly("stats", [](const PyStrategy& p) { return p.s().stats(); })
      .def("save", [](const PyStrategy& p, const std::string& path) { es::save_checkpoint(path, p.s()); }, py::arg("path"))
      .def_static("load", [](const std::string& path) { return PyStrategy(es::load_checkpoint(path)); }, py::arg("path"));
  py::class_<PyStrategyBatch>(m, "StrategyBatch")
      .def(py::init(&PyStrategyBatch::create), py::arg("name"), py::arg("num_dims"), py::arg("instances"),
           py::arg("popsize"), py::arg("seed"), py::arg("sigma"), py::arg("maximize"), py::arg("shaping"),
           py::arg("weight_decay"), py::arg("mean"), py::arg("options"))
      .def("ask", &PyStrategyBatch::ask)
      .def("tell", &PyStrategyBatch::tell, py::arg("fitness"))
      .def_property_readonly("offsets", &PyStrategyBatch::offsets)
      .def_property_readonly("name", [](const PyStrategyBatch& p) { return p.b().name(); })
      .def_property_readonly("instances", [](const PyStrategyBatch& p) { return p.b().instances(); })
      .def_property_readonly("num_dims", [](const PyStrategyBatch& p) { return p.b().dim(); })
      .def_property_readonly("popsizes", [](const PyStrategyBatch& p) {
        std::vector<int64_t> out;
        for (int64_t n = 0; n < p.b().instances(); ++n) out.push_back(p.b().pop_size(n));
        return out;
      })
      .def_property_readonly("means", [](const PyStrategyBatch& p) {
        const int64_t N = p.b().instances(), D = p.b().dim();
        py::array_t<float> out({N, D});
        float* dst = out.mutable_data();
        for (int64_t n = 0; n < N; ++n) {
          const std::vector<float> m = p.b().member(n).mean();
          std::copy(m.begin(), m.end(), dst + n * D);
        }
        return out;
      })
      .def_property_readonly("best", [](const PyStrategyBatch& p) {
        py::list out;
        for (int64_t n = 0; n < p.b().instances(); ++n) {
          const auto& b = p.b().member(n).book();
          if (!b.has_best) out.append(py::none());
          else out.append(py::make_tuple(py::array_t<float>(py::ssize_t(b.best_x.size()), b.best_x.data()), b.best_fitness));
        }
        return out;
      })
      .def("save", [](const PyStrategyBatch& p, const std::string& path) { es::save_batch_checkpoint(path, p.b()); },
           py::arg("path"))
      .def_static("load", [](const std::string& path) { return PyStrategyBatch(es::load_batch_checkpoint(path)); },
                  py::arg("path"));
}

}  // namespace lamarck::python

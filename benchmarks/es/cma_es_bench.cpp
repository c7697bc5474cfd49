// CMA-ES wall time per generation (ask + evaluate + tell) on Rosenbrock against pycma on the same machine
// in the same invocation: runs benchmarks/es/pycma_time.py, then lamarck, and prints the ratio. Goal: >= 20x
// faster at d = 40. The Python is the first of [python argument], $LAMARCK_PYTHON, python3 (PATH) and
// /usr/bin/python3 that imports numpy and cma (`pip install cma`, or Debian's python3-numpy plus pip).
// Usage: es_cma_es_bench [dim=40] [generations=2000] [python]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"

using namespace lamarck;
using namespace lamarck::es;

// The first candidate interpreter that imports numpy and cma, or "" (tried: the list, for the message).
std::string find_python(const std::vector<std::string>& candidates, std::string* tried) {
  for (const std::string& py : candidates) {
    if (py.empty()) continue;
    *tried += (tried->empty() ? "" : ", ") + py;
    const std::string probe = py + " -c 'import numpy, cma' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return py;
  }
  return "";
}

int main(int argc, char** argv) {
  const int64_t dim = argc > 1 ? std::atoll(argv[1]) : 40;
  const int gens = argc > 2 ? std::atoi(argv[2]) : 2000;
  const char* env_python = std::getenv("LAMARCK_PYTHON");
  std::string tried;
  const std::string python = find_python(
      {argc > 3 ? argv[3] : "", env_python ? env_python : "", "python3", "/usr/bin/python3"}, &tried);
  // pycma
  double pycma_s = 0.0;
  // one BLAS thread, like lamarck's single-threaded run
  const std::string cmd = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 " + python + " " + LAMARCK_PYCMA_SCRIPT + " " + std::to_string(dim) + " " + std::to_string(gens);
  if (FILE* pipe = python.empty() ? nullptr : popen(cmd.c_str(), "r")) {
    std::printf("pycma run with %s\n", python.c_str());
    char line[512] = {0};
    if (std::fgets(line, sizeof line, pipe)) {
      std::printf("%s", line);
      const char* at = std::strstr(line, "seconds_per_generation ");
      if (at) pycma_s = std::atof(at + std::strlen("seconds_per_generation "));
    }
    pclose(pipe);
  }
  // lamarck, same start (x0 = 0, sigma0 = 0.5), one thread
  Settings s;
  s.dim = dim;
  s.seed = 1;
  s.sigma_init = 0.5;
  s.exec.threads = 1;
  auto es = make_strategy("cma_es", s);
  const Problem rosen("rosenbrock", dim);
  std::vector<float> x, f;
  const auto t0 = std::chrono::steady_clock::now();
  int done = 0;
  for (; done < gens && !es->converged() && !(es->book().has_best && es->book().best_fitness <= 1e-8); ++done) {
    x.resize(size_t(es->pop_size() * dim));
    f.resize(size_t(es->pop_size()));
    es->ask(x.data());
    rosen.evaluate(Exec{Device::cpu, 1}, x.data(), es->pop_size(), f.data());
    es->tell(x.data(), f.data());
  }
  const double lamarck_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / done;
  std::printf("lamarck cma_es dim %lld lambda %lld generations %d seconds_per_generation %.9f\n", (long long)dim,
              (long long)es->pop_size(), done, lamarck_s);
  if (pycma_s > 0)
    std::printf("ratio pycma / lamarck: %.1fx (goal >= 20x at d = 40)\n", pycma_s / lamarck_s);
  else
    std::printf("pycma not available (no interpreter with numpy and cma among: %s; pip install cma): no ratio\n",
                tried.c_str());
  return 0;
}

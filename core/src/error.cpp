#include "lamarck/core/error.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#if defined(LAMARCK_WITH_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace lamarck {

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& value, const std::vector<std::string>& choices) {
  auto lower = [](std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string v = lower(value);
  // rank by (effective distance, edit distance): a choice that contains the value, or is contained in
  // it, counts as at most 2 edits ("breakout" -> "MinAtar/Breakout"), but a plain typo still wins
  // ("num_env" -> "num_envs", not "env")
  std::string best;
  int best_distance = 1 << 30, best_edits = 1 << 30;
  for (const std::string& choice : choices) {
    const std::string c = lower(choice);
    const int edits = edit_distance(v, c);
    const bool contains = !v.empty() && (c.find(v) != std::string::npos || v.find(c) != std::string::npos);
    const int distance = contains ? std::min(edits, 2) : edits;
    if (distance < best_distance || (distance == best_distance && edits < best_edits)) {
      best_distance = distance;
      best_edits = edits;
      best = choice;
    }
  }
  // close means: at most a third of the longer string changed
  const size_t longest = std::max(value.size(), best.size());
  if (best.empty() || best_distance > int(std::max<size_t>(2, longest / 3))) return "";
  return best;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

std::string unknown_choice_message(const std::string& what, const std::string& value,
                                   const std::vector<std::string>& choices) {
  std::string message = "unknown " + what + " '" + value + "'";
  const std::string nearest = closest_match(value, choices);
  if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
  message += " (valid choices: " + join(choices) + ")";
  return message;
}

void throw_unknown_choice(const std::string& what, const std::string& value,
                          const std::vector<std::string>& choices) {
  throw InvalidArgument(unknown_choice_message(what, value, choices));
}

namespace detail {

void assert_fail(const char* expr, const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "lamarck: assertion failed at %s:%d: %s (%s)\n", file, line, message.c_str(), expr);
  std::fflush(stderr);
  std::abort();
}

void cuda_fail(int code, const char* expr, const char* file, int line) {
#if defined(LAMARCK_WITH_CUDA)
  const char* text = cudaGetErrorString(static_cast<cudaError_t>(code));
#else
  const char* text = "CUDA error";
#endif
  throw Error(std::string("CUDA call failed at ") + file + ":" + std::to_string(line) + ": " + expr + ": " + text +
              " (code " + std::to_string(code) + ")");
}

}  // namespace detail
}  // namespace lamarck

// Progress and logging for long runs. Everything goes to stderr (stdout is for results and --json).
// On a terminal: one redrawn line with a bar, rate and ETA. Otherwise (CI, pipes, files): a plain line
// every `interval_s` seconds and one at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lamarck {

enum class LogLevel { quiet = 0, info = 1, debug = 2 };
void set_log_level(LogLevel level);
LogLevel log_level();
// printf-style lines on stderr, prefixed with the elapsed time since the program started.
void log_info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char* format, ...) __attribute__((format(printf, 1, 2)));

class Progress {
 public:
  // total: number of units (0 when unknown); unit: "gen", "steps", ...
  Progress(std::string label, int64_t total, std::string unit = "it", double interval_s = 5.0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Advances by n units; `status` is shown after the rate (e.g. "best=1.2e-3").
  void advance(int64_t n = 1, const std::string& status = "");
  // Prints the final line (called by the destructor if not called before).
  void finish(const std::string& status = "");
  double elapsed_s() const;
  int64_t done() const { return done_; }

  // For tests: the text of the line that would be shown now.
  std::string render(bool for_terminal) const;

 private:
  void draw(bool final_line);
  std::string label_, unit_, status_;
  int64_t total_ = 0, done_ = 0;
  double interval_s_;
  bool terminal_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1.23M", "456k", "12"
std::string human_count(double value);
// "1h02m", "3m20s", "12.3s"
std::string human_duration(double seconds);

}  // namespace lamarck

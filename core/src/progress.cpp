#include "lamarck/core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace lamarck {

namespace {
LogLevel g_level = LogLevel::info;
const auto g_program_start = std::chrono::steady_clock::now();

void vlog(const char* tag, const char* format, va_list args) {
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_program_start).count();
  char message[2048];
  std::vsnprintf(message, sizeof(message), format, args);
  std::fprintf(stderr, "[%8.2fs]%s %s\n", t, tag, message);
}
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
LogLevel log_level() { return g_level; }

void log_info(const char* format, ...) {
  if (g_level < LogLevel::info) return;
  va_list args;
  va_start(args, format);
  vlog("", format, args);
  va_end(args);
}
void log_warn(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vlog(" warning:", format, args);
  va_end(args);
}
void log_debug(const char* format, ...) {
  if (g_level < LogLevel::debug) return;
  va_list args;
  va_start(args, format);
  vlog(" debug:", format, args);
  va_end(args);
}

std::string human_count(double value) {
  char text[32];
  const double a = std::fabs(value);
  if (a >= 1e9) std::snprintf(text, sizeof(text), "%.2fG", value / 1e9);
  else if (a >= 1e6) std::snprintf(text, sizeof(text), "%.2fM", value / 1e6);
  else if (a >= 1e4) std::snprintf(text, sizeof(text), "%.1fk", value / 1e3);
  else if (a >= 100 || a == std::floor(a)) std::snprintf(text, sizeof(text), "%.0f", value);
  else std::snprintf(text, sizeof(text), "%.2f", value);
  return text;
}

std::string human_duration(double seconds) {
  char text[32];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds >= 3600) std::snprintf(text, sizeof(text), "%dh%02dm", int(seconds / 3600), int(seconds / 60) % 60);
  else if (seconds >= 60) std::snprintf(text, sizeof(text), "%dm%02ds", int(seconds / 60), int(seconds) % 60);
  else std::snprintf(text, sizeof(text), "%.1fs", seconds);
  return text;
}

Progress::Progress(std::string label, int64_t total, std::string unit, double interval_s)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      interval_s_(interval_s),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  if (!finished_) finish();
}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(int64_t n, const std::string& status) {
  done_ += n;
  status_ = status;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since >= (terminal_ ? 0.1 : interval_s_)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish(const std::string& status) {
  if (finished_) return;
  finished_ = true;
  if (!status.empty()) status_ = status;
  draw(true);
}

std::string Progress::render(bool for_terminal) const {
  const double elapsed = elapsed_s();
  const double rate = elapsed > 0 ? double(done_) / elapsed : 0.0;
  std::string line = label_ + " ";
  if (total_ > 0) {
    const double fraction = std::min(1.0, double(done_) / double(total_));
    if (for_terminal) {
      const int width = 24, filled = int(fraction * width);
      line += "[" + std::string(size_t(filled), '#') + std::string(size_t(width - filled), '.') + "] ";
    }
    char pct[16];
    std::snprintf(pct, sizeof(pct), "%3.0f%% ", 100.0 * fraction);
    line += pct + human_count(double(done_)) + "/" + human_count(double(total_)) + " " + unit_;
    const double eta = rate > 0 ? double(total_ - done_) / rate : NAN;
    line += " | " + human_count(rate) + " " + unit_ + "/s | elapsed " + human_duration(elapsed) + " | eta " +
            human_duration(done_ >= total_ ? 0.0 : eta);
  } else {
    line += human_count(double(done_)) + " " + unit_ + " | " + human_count(rate) + " " + unit_ + "/s | elapsed " +
            human_duration(elapsed);
  }
  if (!status_.empty()) line += " | " + status_;
  return line;
}

void Progress::draw(bool final_line) {
  if (g_level < LogLevel::info) return;
  const std::string line = render(terminal_);
  if (terminal_) std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  else std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace lamarck

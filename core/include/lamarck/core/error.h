// Errors in three tiers (Box2D / EnvPool / MuJoCo habit):
//  - LMK_ASSERT: programmer errors; prints file, line and message and aborts.
//  - exceptions (lamarck::Error and subclasses): bad input at the boundary (configs, files, CLI, Python
//    calls); the message names the offending value and, where there is a list, the valid choices.
//  - numerical trouble inside batches is data (counters, NaN ranks last), never an exception.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lamarck {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad argument, option or config value.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or written, or whose contents are truncated, corrupted or of the wrong kind
// or version.
class FileError : public Error {
 public:
  using Error::Error;
};

// Edit distance (Levenshtein) between two strings.
int edit_distance(const std::string& a, const std::string& b);
// The choice nearest to `value`, or "" when none is reasonably close.
std::string closest_match(const std::string& value, const std::vector<std::string>& choices);
// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");
// "unknown <what> 'value'; did you mean 'x'? valid choices: a, b, c"
std::string unknown_choice_message(const std::string& what, const std::string& value,
                                   const std::vector<std::string>& choices);
[[noreturn]] void throw_unknown_choice(const std::string& what, const std::string& value,
                                       const std::vector<std::string>& choices);

namespace detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const std::string& message);
[[noreturn]] void cuda_fail(int code, const char* expr, const char* file, int line);
}  // namespace detail

}  // namespace lamarck

#define LMK_ASSERT(cond, message)                                                 \
  do {                                                                            \
    if (!(cond)) ::lamarck::detail::assert_fail(#cond, __FILE__, __LINE__, (message)); \
  } while (0)

#ifndef NDEBUG
#define LMK_DEBUG_ASSERT(cond, message) LMK_ASSERT(cond, message)
#else
#define LMK_DEBUG_ASSERT(cond, message) \
  do {                                  \
  } while (0)
#endif

// Checks a CUDA runtime call; throws lamarck::Error naming the call, file and line.
#define LMK_CUDA_CHECK(call)                                                          \
  do {                                                                                \
    const int lmk_cuda_status_ = static_cast<int>(call);                              \
    if (lmk_cuda_status_ != 0) ::lamarck::detail::cuda_fail(lmk_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

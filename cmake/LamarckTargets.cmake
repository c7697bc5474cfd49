# Helpers shared by every layer's CMakeLists.txt.

# lamarck_add_library(NAME SOURCES ... [CUDA_SOURCES ...] [NO_CUDA_SOURCES ...] DEPS ...)
# One library per layer: target lamarck_NAME, alias lamarck::NAME, headers in NAME/include/lamarck/NAME.
# CUDA_SOURCES are compiled only in a CUDA build (keep them few: each .cu costs ~40 s on 2 cores);
# NO_CUDA_SOURCES only in a CPU-only build: the same launchers as throwing stubs, so code calls them
# without #if.
function(lamarck_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;CUDA_SOURCES;NO_CUDA_SOURCES;DEPS" ${ARGN})
  set(srcs ${ARG_SOURCES})
  if(LAMARCK_WITH_CUDA)
    list(APPEND srcs ${ARG_CUDA_SOURCES})
  else()
    list(APPEND srcs ${ARG_NO_CUDA_SOURCES})
  endif()
  if(srcs)
    add_library(lamarck_${name} ${srcs})
    set(scope PUBLIC)
  else()
    add_library(lamarck_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  add_library(lamarck::${name} ALIAS lamarck_${name})
  set_target_properties(lamarck_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME lamarck_${name})
  target_include_directories(lamarck_${name} ${scope}
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(lamarck_${name} ${scope} ${ARG_DEPS})
  if(srcs)
    lamarck_set_warnings(lamarck_${name})
    if(LAMARCK_WITH_CUDA AND ARG_CUDA_SOURCES)
      lamarck_cuda_target(lamarck_${name})
    endif()
  endif()
  install(TARGETS lamarck_${name} EXPORT lamarckTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# Warnings for C++ sources (not CUDA, whose host compiler flags are passed differently).
function(lamarck_set_warnings target)
  set(cxx_flags -Wall -Wextra -Wpedantic -Wno-unknown-pragmas)
  if(LAMARCK_WARNINGS_AS_ERRORS)
    list(APPEND cxx_flags -Werror)
  endif()
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${cxx_flags}>)
  if(LAMARCK_MARCH)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=${LAMARCK_MARCH}>)
  elseif(LAMARCK_NATIVE)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
  endif()
  # bitwise-reproducible floating point across builds and thread counts (Box2D habit): no contraction (and
  # no reassociation, the default). sqrt without errno and floating point without traps let g++ if-convert
  # and vectorise per-element math (core/math.h, the Gaussian samplers); neither changes any result.
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=off -fno-math-errno -fno-trapping-math>)
endfunction()

# Marks a target as part of the CUDA build check (`cuda_targets`, what scripts/device-check builds):
# libraries with .cu sources, parity tests, the benchmarks that benchmarks/*/gpu.sh run, and the CLI.
# No-op in a CPU-only build.
function(lamarck_cuda_target target)
  if(LAMARCK_WITH_CUDA)
    add_dependencies(cuda_targets ${target})
  endif()
endfunction()

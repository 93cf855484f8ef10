# -DREGENESIS_FUZZ=ON: every library of the build is compiled for libFuzzer with AddressSanitizer
# and UndefinedBehaviorSanitizer, and fuzz/ adds one fuzzer executable per input parser.
# libFuzzer comes with clang only, so configure a separate build directory with clang:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DREGENESIS_FUZZ=ON
# (or `cmake --preset fuzz`). Included before the modules so that their libraries get the flags.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "REGENESIS_FUZZ needs clang (libFuzzer): configure a separate build "
                      "directory with CC=clang CXX=clang++ (compiler here: ${CMAKE_CXX_COMPILER_ID})")
endif()
# fuzzer-no-link: coverage instrumentation without libFuzzer's main(); only the fuzzer
# executables link -fsanitize=fuzzer. UB aborts (no recover) so that libFuzzer records it.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

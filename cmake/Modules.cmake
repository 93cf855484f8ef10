# One CMake library per module of src/, linked only downward.
#
#   regenesis_module(NAME DEPS lower modules... [LIBS external targets...] [TORCH]
#                    [EXECUTABLE binary-name])
#
# Sources are every .cpp under src/NAME. Headers are included as "NAME/file.h" from src/.
# The layering rule is enforced here: an #include "X/..." of a project module X that is not NAME
# itself and not in DEPS stops the configure step with the offending file and line.

set(REGENESIS_ALL_MODULES util text data store model engine pipeline train eval server cli)

# One shared precompiled header for the torch-using modules: ATen is the narrowest header that
# gives tensors and autograd-aware ops (~5 s to parse instead of ~17 s for <torch/torch.h>).
add_library(regenesis_torch_pch STATIC ${CMAKE_SOURCE_DIR}/cmake/torch_pch.cpp)
# OpenMP for every torch module: at::parallel_for is a header template that runs serially unless
# the code instantiating it is compiled with OpenMP (ATen's INTRA_OP_PARALLEL needs _OPENMP).
find_package(OpenMP REQUIRED)
target_link_libraries(regenesis_torch_pch PUBLIC ${TORCH_LIBRARIES} OpenMP::OpenMP_CXX)
target_precompile_headers(regenesis_torch_pch PRIVATE <ATen/ATen.h>)

function(regenesis_check_layering name)
  set(allowed ${name} ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp ${CMAKE_SOURCE_DIR}/src/${name}/*.h)
  foreach(file ${files})
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
    foreach(line ${lines})
      string(REGEX MATCH "\"([a-z_]+)/" _ "${line}")
      set(target_module ${CMAKE_MATCH_1})
      if(target_module IN_LIST REGENESIS_ALL_MODULES AND NOT target_module IN_LIST allowed)
        message(FATAL_ERROR "layering: ${file} includes module '${target_module}', "
                            "but module '${name}' may only use: ${allowed}\n  ${line}")
      endif()
    endforeach()
  endforeach()
endfunction()

function(regenesis_module name)
  cmake_parse_arguments(M "TORCH" "EXECUTABLE" "DEPS;LIBS" ${ARGN})
  regenesis_check_layering(${name} ${M_DEPS})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp)
  if(M_EXECUTABLE)
    add_executable(${M_EXECUTABLE} ${sources})
    set(target ${M_EXECUTABLE})
  elseif(NOT sources)
    # A module with no code yet still stands in the layering as an interface library.
    add_library(regenesis_${name} INTERFACE)
    target_include_directories(regenesis_${name} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    foreach(dep ${M_DEPS})
      target_link_libraries(regenesis_${name} INTERFACE regenesis_${dep})
    endforeach()
    return()
  else()
    add_library(regenesis_${name} STATIC ${sources})
    set(target regenesis_${name})
    target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  foreach(dep ${M_DEPS})
    target_link_libraries(${target} PUBLIC regenesis_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${M_LIBS} nlohmann_json::nlohmann_json Threads::Threads)
  if(M_TORCH)
    target_link_libraries(${target} PUBLIC regenesis_torch_pch)
    target_precompile_headers(${target} REUSE_FROM regenesis_torch_pch)
  endif()
endfunction()

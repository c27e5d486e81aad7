# Precompiled headers: the standard and third-party headers nearly every file includes, parsed once
# per group of targets that share compile flags instead of once per file. Header parsing is most of
# a file's compile time here (a test file is about 200,000 preprocessed lines, of which its own code
# is a few hundred), so this shortens every build `make test` runs (docs/architecture.md, "make
# test"). LIGHTWATT_PCH=OFF builds without them, which also checks that every file includes what it
# uses.
option(LIGHTWATT_PCH "Precompile the standard and third-party headers most files include" ON)
# Unity builds: a target's files compiled in batches of up to 8 (CMake's default), so the fixed
# cost of a file (loading the precompiled headers, instantiating the same templates, writing and
# assembling their code) is paid once a batch; the files therefore keep their file-local names
# distinct. A batch is recompiled whole when one of its files changes, so it is OFF by default (a
# developer's one-file change recompiles that file only) and `make test` turns it on (UNITY=ON,
# scripts/make-test.sh), where a fresh clone compiles everything once (docs/architecture.md,
# "make test").
option(LIGHTWATT_UNITY_BUILD "Compile the libraries', command line's, module's and tests' files in batches" OFF)

# lightwatt_unity(TARGET): TARGET compiled in batches when LIGHTWATT_UNITY_BUILD is on.
function(lightwatt_unity target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${LIGHTWATT_UNITY_BUILD})
endfunction()

set(LIGHTWATT_PCH_HEADERS
  <algorithm> <array> <cmath> <cstdint> <filesystem> <functional> <map> <memory> <optional>
  <sstream> <string> <string_view> <utility> <variant> <vector>
  <boost/units/quantity.hpp> <boost/units/systems/si/base.hpp> <boost/units/cmath.hpp>
  <nlohmann/json.hpp> <toml++/toml.h>)

# lightwatt_precompile(TARGET [REUSE_FROM OTHER] [HEADERS extra...]): TARGET's files start from
# the precompiled headers, its own (with the extra headers) or OTHER's, which must be compiled
# with the same flags and definitions (GCC refuses a mismatched one and parses the headers).
function(lightwatt_precompile target)
  if(NOT LIGHTWATT_PCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "REUSE_FROM" "HEADERS" ${ARGN})
  if(ARG_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
  else()
    target_precompile_headers(${target} PRIVATE ${LIGHTWATT_PCH_HEADERS} ${ARG_HEADERS})
  endif()
endfunction()

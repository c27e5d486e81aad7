# Warnings for the project's own targets; an INTERFACE target so every module links it privately.
add_library(lightwatt_warnings INTERFACE)
target_compile_options(lightwatt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports impossible overlaps, sizes and bounds inside libstdc++'s string concatenation at
  # -O3 (GCC bugs 105329 and 105651; which files it hits depends on the order headers come in, so
  # precompiled headers bring it out in files that never showed it), null dereferences inside
  # libstdc++ after inlining (bug 105580), and uninitialised SSE loads inside Eigen's fixed-size
  # complex vectors (Eigen issue 2506).
  target_compile_options(lightwatt_warnings INTERFACE -Wno-restrict -Wno-stringop-overflow -Wno-array-bounds
                                                   -Wno-null-dereference -Wno-maybe-uninitialized)
endif()
if(LIGHTWATT_WARNINGS_AS_ERRORS)
  target_compile_options(lightwatt_warnings INTERFACE -Werror)
endif()

# lightwatt_add_module(NAME SOURCES... DEPENDS ...): one library target per module folder,
# exported as lightwatt::NAME, public headers under include/lightwatt/NAME.
function(lightwatt_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(lightwatt_${name} ${ARG_SOURCES})
  add_library(lightwatt::${name} ALIAS lightwatt_${name})
  set_target_properties(lightwatt_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME lightwatt_${name})
  target_include_directories(lightwatt_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(lightwatt_${name} PUBLIC cxx_std_20)
  target_link_libraries(lightwatt_${name} PUBLIC ${ARG_PUBLIC_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS}
    $<BUILD_INTERFACE:lightwatt_warnings>)
  # The modules share one set of flags: the core's precompiled headers serve them all.
  if(name STREQUAL "core")
    lightwatt_precompile(lightwatt_core)
  else()
    lightwatt_precompile(lightwatt_${name} REUSE_FROM lightwatt_core)
  endif()
  lightwatt_unity(lightwatt_${name})
  install(TARGETS lightwatt_${name} EXPORT lightwatt-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

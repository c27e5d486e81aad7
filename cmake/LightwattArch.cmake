# Vector instructions. LIGHTWATT_NATIVE compiles every C++ target for the building machine's CPU
# (-march=native: AVX2 and FMA on an AVX2 machine, AVX-512 where the CPU has it), so Eigen's GEMM
# kernels and the emulator's column kernel use the widest vectors there. It is ON for a local
# build and OFF for a wheel (scikit-build-core defines SKBUILD), whose binaries must run on any
# x86-64 CPU (SSE2); a package build passes -DLIGHTWATT_NATIVE=OFF (and may add a chosen level,
# e.g. -DCMAKE_CXX_FLAGS=-march=x86-64-v3). A native build runs only on CPUs with the building
# machine's instruction set.
#
# Why -march=native and not runtime dispatch: most of the emulator's time is Eigen's GEMM, a
# header-only template compiled into the calling code, so dispatch would mean compiling the
# emulator once per instruction set; the flag covers Eigen and the project's kernels alike.
#
# The sanitizer preset (asan) turns it off: its tests look for memory and undefined-behaviour
# errors, which do not depend on the vector width, and -march=native costs about 15-20 % more
# compile time per file (Eigen's AVX-512 code), which make test would pay twice.
#
# -ffp-contract=off: GCC fuses a * b + c into one FMA instruction by default in C++ once FMA is
# available, which would change the last bits of the scalar physics everywhere. Kept off, the
# scalar code gives the same bits as the SSE2 build; results then differ between machines only
# where explicit vector code rounds differently (Eigen's products, with FMA), in the last bits.
# It is set whatever LIGHTWATT_NATIVE says, so that a package build that chooses its own level
# (-DCMAKE_CXX_FLAGS=-march=x86-64-v3) keeps it too; without FMA it changes nothing.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=off>)
endif()

if(DEFINED SKBUILD)
  set(LIGHTWATT_NATIVE_DEFAULT OFF)
else()
  set(LIGHTWATT_NATIVE_DEFAULT ON)
endif()
option(LIGHTWATT_NATIVE "Compile for this machine's vector instructions (-march=native); OFF for portable binaries"
       ${LIGHTWATT_NATIVE_DEFAULT})

if(LIGHTWATT_NATIVE)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-march=native LIGHTWATT_COMPILER_HAS_MARCH_NATIVE)
  if(LIGHTWATT_COMPILER_HAS_MARCH_NATIVE)
    # C++ only: nvcc (gpu/) takes host flags through -Xcompiler and needs none of these.
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-march=native>)
    # -mtune=generic with GCC: on AMD CPUs -march=native also tunes for them (znver2/znver3 in
    # GCC 12; a Zen 5 is taken for znver3), and those tunings fold the loads of Eigen's packed
    # float GEMM operands into its FMA instructions, reloading each operand packet four times
    # per step: the clean 4096^3 GEMM took 1.3-1.4x as long as with the generic tuning, and
    # 1.4-1.6x as long as OpenBLAS's kernel for the same instructions (docs/performance.md).
    # Clang keeps the operands in registers whatever it tunes for.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-mtune=generic>)
    endif()
    # GCC 12 reports the deliberately undefined register inside its own AVX-512 intrinsics
    # (_mm512_undefined_pd, reached through Eigen's AVX-512 transposes) as used uninitialised
    # (GCC bug 105593, fixed in GCC 13). The clang builds keep the warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-uninitialized>)
    endif()
  else()
    message(STATUS "lightwatt: ${CMAKE_CXX_COMPILER_ID} does not take -march=native; building for its default target")
  endif()
endif()

// Functions that run on the CPU and, compiled by nvcc, on an NVIDIA GPU (photonics/cuda): the
// emulator's per-element arithmetic is written once, so the GPU kernel draws the same noise and
// rounds the same way as the CPU paths. Other compilers see plain functions.
#pragma once

#if defined(__CUDACC__)
#define LIGHTWATT_HOST_DEVICE __host__ __device__
#else
#define LIGHTWATT_HOST_DEVICE
#endif

// Adding two power levels has no meaning in the log domain.
#include "lightwatt/core/decibel.hpp"
int main() {
    using namespace lightwatt;
    DecibelMilliwatt a(0.0), b(3.0);
#if LW_BAD
    auto c = a + b;
#else
    auto c = a - b;  // dBm - dBm = dB is fine
#endif
    (void)c;
}

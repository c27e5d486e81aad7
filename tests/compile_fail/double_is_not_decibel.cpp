// A bare number does not silently become a gain or a level.
#include "lightwatt/core/decibel.hpp"
int main() {
    using namespace lightwatt;
    DecibelMilliwatt p(0.0);
#if LW_BAD
    auto q = p + 3.0;
#else
    auto q = p + Decibel(3.0);
#endif
    (void)q;
}

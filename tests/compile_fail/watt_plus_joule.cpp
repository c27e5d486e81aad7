// A power and an energy have different dimensions.
#include "lightwatt/core/units.hpp"
int main() {
    using namespace lightwatt;
#if LW_BAD
    auto x = watts(1.0) + joules(1.0);
#else
    auto x = watts(1.0) + milliwatts(1.0);
#endif
    (void)x;
}

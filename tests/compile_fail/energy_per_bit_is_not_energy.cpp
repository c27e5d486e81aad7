// pJ/bit carries the information dimension: it is not an energy.
#include "lightwatt/core/units.hpp"
int main() {
    using namespace lightwatt;
#if LW_BAD
    Energy e = picojoules_per_bit(5.0);
#else
    Energy e = picojoules_per_bit(5.0) * bits(8.0);
#endif
    (void)e;
}

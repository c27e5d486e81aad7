// bit/s and baud differ: a symbol rate times bits per symbol is a data rate, not the symbol rate.
#include "lightwatt/core/units.hpp"
int main() {
    using namespace lightwatt;
#if LW_BAD
    DataRate r = gigabaud(53.125);
#else
    DataRate r = gigabaud(53.125) * bits(2.0);
#endif
    (void)r;
}

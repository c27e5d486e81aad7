// Test helper: the link catalog of the source data folder (data/links.toml and the catalogs it
// names), loaded once per test program. A test file brings catalog() in with
// `using namespace lightwatt::testing::shipped_links;`.
#pragma once

#include "lightwatt/interconnect/link_catalog.hpp"

namespace lightwatt::testing::shipped_links {

inline const interconnect::LinkCatalog& catalog() {
    static const interconnect::LinkCatalog c = interconnect::load_link_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

}  // namespace lightwatt::testing::shipped_links

// Whether a catalog entry describes hardware one can buy and measure, or one announced by its
// vendor whose figures are claims (docs/catalogs/README.md). Reports and plots flag announced
// entries wherever their figures enter a result.
#pragma once

#include <array>
#include <string_view>

#include "lightwatt/core/enum_table.hpp"

namespace lightwatt {

enum class ProductStatus { shipping, announced };

}  // namespace lightwatt

template <>
struct lightwatt::EnumTable<lightwatt::ProductStatus> {
    static constexpr auto entries = std::to_array<EnumEntry<ProductStatus>>(
        {{ProductStatus::shipping, "shipping"}, {ProductStatus::announced, "announced"}});
    static constexpr std::string_view noun = "status";
};

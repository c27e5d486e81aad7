// The numeric outputs a sweep row carries (the estimate's CSV columns) with their unit and which
// way is better, written down rather than guessed from a name: a frontier, a ranking or a chart
// of sweep results takes the direction from here. More is better for rates (tokens/s, tokens/s
// per user, tokens/s per MW), for a saving and for the offloaded GEMMs' SNR and effective bits;
// less is better for energy per token, latency, power and the offloaded GEMMs' error.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/enum_table.hpp"

namespace lightwatt::study {

enum class Better { more, less };

}  // namespace lightwatt::study

template <>
struct lightwatt::EnumTable<lightwatt::study::Better> {
    static constexpr auto entries =
        std::to_array<EnumEntry<study::Better>>({{study::Better::more, "more"}, {study::Better::less, "less"}});
    static constexpr std::string_view noun = "direction";
};

namespace lightwatt::study {

struct OutputKey {
    std::string key;    // the row's column, e.g. "tokens_per_s_per_megawatt"
    std::string unit;   // for an axis label, e.g. "tokens/s per MW"
    std::string label;  // what the column measures, in words
    Better better = Better::more;
};

// Every numeric output column of a sweep row (study::output_columns_after_axes), in that order.
std::span<const OutputKey> output_keys();

// The key's entry; InputError at `flag` naming the closest key when the key is none of them.
const OutputKey& output_key(std::string_view key, const std::string& flag);

// "tokens/s per user (tokens_per_s_per_user)": an axis title.
std::string axis_title(const OutputKey& k);

// Whether value `a` is at least as good as `b` in the key's direction.
inline bool at_least_as_good(const OutputKey& k, double a, double b) {
    return k.better == Better::more ? a >= b : a <= b;
}

}  // namespace lightwatt::study

// "Did you mean ...?" for unknown names and keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lightwatt {

// Levenshtein edit distance (insertions, deletions, substitutions, each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `given`, or "" when none is within a plausible typo distance
// (at most max(2, |given|/3) edits); failing that, a candidate that extends `given` (or that
// `given` extends) by whole '_'-separated words, as when a unit suffix is left off.
std::string closest_match(std::string_view given, const std::vector<std::string>& candidates);

// "a, b or c" for error messages.
std::string join_alternatives(const std::vector<std::string>& items);

}  // namespace lightwatt

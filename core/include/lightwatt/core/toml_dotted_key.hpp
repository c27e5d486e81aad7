// Setting a value at a dotted key ("workload.batch") of a parsed TOML document, as an override of
// what a file wrote: the scenario reader then reads the changed tree with all its checks, so an
// override is validated exactly as the same value written in the file would be.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <toml++/toml.h>

namespace lightwatt {

// The table that holds the last part of `dotted_key` ("workload" for "workload.batch"), creating
// the tables on the way when absent, and that last part. InputError at `where` for a key that is
// empty or has an empty part, or that passes through a value ("workload.batch.size").
std::pair<toml::table*, std::string> dotted_key_parent(toml::table& table, std::string_view dotted_key,
                                                       const std::string& where);

}  // namespace lightwatt

// `lightwatt link list|show|compare|budget`: parse nothing, call the libraries, print.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "output.hpp"

namespace lightwatt::cli {

void link_list(const std::filesystem::path& data_dir, const OutputOptions& out);
void link_show(const std::filesystem::path& data_dir, const std::string& name, const OutputOptions& out);
void link_compare(const std::filesystem::path& data_dir, const std::vector<std::string>& names,
                  const OutputOptions& out);
void link_budget(const std::filesystem::path& data_dir, const std::filesystem::path& file, const OutputOptions& out);

}  // namespace lightwatt::cli

// Test helper: the LLM catalog of the source data folder (data/llms.toml), loaded once per test
// program, and its models by name. A test file brings catalog() and model() in with
// `using namespace lightwatt::testing::shipped_llms;`.
#pragma once

#include <string>

#include "lightwatt/mapping/llm.hpp"

namespace lightwatt::testing::shipped_llms {

inline const mapping::LlmCatalog& catalog() {
    static const mapping::LlmCatalog c = mapping::load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

inline const mapping::LlmSpec& model(const std::string& name) { return catalog().at(name); }

}  // namespace lightwatt::testing::shipped_llms
